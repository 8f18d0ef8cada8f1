"""The default 5×5 risk matrix (NHS wording and bands) and the action template library.

Both are data: administrators may edit them. Sources: NHS National Patient Safety Agency
"A risk matrix for risk managers" (2008) for the matrix; seed 002 §10.1.1–10.1.6, seed 001
"Managing boundary issues" (handover), seed 000 §5.4 (inform the team) for the actions.
"""

from django.db import migrations

LIKELIHOOD = [
    (1, "Rare", "This will probably never happen or recur."),
    (2, "Unlikely", "Not expected to happen or recur, but it is possible."),
    (3, "Possible", "Might happen or recur occasionally."),
    (4, "Likely", "Will probably happen or recur, but it is not a persisting issue."),
    (5, "Almost certain", "Will undoubtedly happen or recur, possibly frequently."),
]
CONSEQUENCE = [
    (1, "Negligible", "No harm, or minimal harm needing no intervention."),
    (2, "Minor", "Minor harm needing little intervention; short-lived upset."),
    (3, "Moderate", "Moderate harm or distress needing professional intervention."),
    (4, "Major", "Major harm, long-term distress or loss of trust; possible regulatory action."),
    (5, "Catastrophic", "Severe lasting harm, abuse or death; criminal or regulatory proceedings."),
]
BANDS = [
    ("low", "Low", 1, 3, False, "success"),
    ("moderate", "Moderate", 4, 6, False, "warning"),
    ("high", "High", 8, 12, True, "danger"),
    ("extreme", "Extreme", 15, 25, True, "danger"),
]
# code, title, description, policy refs, default days, refers_to
ACTIONS = [
    ("no-action", "No action needed", "Record why no action is needed beyond this review.", "002 §10.1", 7, ""),
    (
        "shift-pattern",
        "Change shift pattern",
        "Change one worker's shifts so the two do not work together "
        "or so the worker is not alone with the service user.",
        "002 §10.1.1",
        14,
        "",
    ),
    ("duties", "Change duties", "Change the worker's duties so the boundary is not tested.", "002 §10.1.2", 14, ""),
    (
        "line-management",
        "Alternative management arrangement",
        "Change line-management arrangements so that "
        "one party is not involved in management decisions about the other.",
        "002 §9.1, §10.1.4",
        14,
        "",
    ),
    ("mentor", "Change mentor or trainee", "Assign a different mentor, trainer or trainee.", "002 §10.1.5", 14, ""),
    (
        "redeployment",
        "Redeployment",
        "Redeploy the worker to another team or service, with their agreement where possible.",
        "002 §10.1.6",
        28,
        "",
    ),
    (
        "handover",
        "Reassign key worker with a proper handover",
        "Hand the service user over to another worker without making them feel they did something wrong.",
        "001 Managing boundary issues; 000 §4.2",
        14,
        "",
    ),
    (
        "supervision",
        "Extra supervision",
        "Discuss the boundary in supervision at agreed intervals.",
        "004 supervision; 000 §5",
        14,
        "",
    ),
    ("training", "Training", "Boundaries training or a refresher.", "000 §6.1; 002 §16", 28, ""),
    (
        "boundary-agreement",
        "Written boundary agreement",
        "Agree in writing what the worker will and will not do, and when it is reviewed.",
        "000 §5.7; 003",
        14,
        "",
    ),
    (
        "gift-return",
        "Return or donate a gift",
        "Return the gift, or donate it with the giver's knowledge, and record it in the gifts register.",
        "000 §4.1; 002 §6.3.5–6.3.6; 004 §1.2",
        7,
        "",
    ),
    (
        "block-social-media",
        "Block social-media contact",
        "Decline or remove the contact and check privacy settings.",
        "001; 002 §11; 004 §1.13",
        7,
        "",
    ),
    (
        "inform-team",
        "Inform the team",
        "Tell the team what has been agreed, so everyone is consistent and it is not a guilty secret.",
        "000 §5.4",
        7,
        "",
    ),
    (
        "referral-safeguarding",
        "Safeguarding referral to the local authority",
        "Make the referral and record its reference.",
        "002 §5.6",
        1,
        "safeguarding_referral",
    ),
    (
        "referral-lado-pipot",
        "LADO or PiPoT referral",
        "Refer to the Local Authority Designated Officer (child) or under the PiPoT procedure (adult).",
        "002 §6.4",
        1,
        "lado_pipot",
    ),
    (
        "referral-police",
        "Report to the police",
        "Report to the police and record the crime reference.",
        "002 §7.5",
        1,
        "police",
    ),
    (
        "referral-regulator",
        "Referral to the professional regulator",
        "Refer to the NMC, HCPC, GMC or Social Work England as the registration requires.",
        "002 §7.6",
        7,
        "regulator",
    ),
    ("referral-dbs", "DBS referral", "Make the referral the DBS duty requires.", "002 §7.6", 7, "dbs"),
    (
        "referral-serious-incident",
        "Serious Incident report",
        "Report a Serious Incident.",
        "002 §5.6",
        2,
        "serious_incident",
    ),
    (
        "referral-hr",
        "Refer for HR disciplinary investigation",
        "Refer to HR; from then HR can see the case.",
        "002 §7.5; 004",
        3,
        "hr_investigation",
    ),
]


def seed(apps, schema_editor):
    RiskScaleLabel = apps.get_model("cases", "RiskScaleLabel")
    RiskBand = apps.get_model("cases", "RiskBand")
    ActionTemplate = apps.get_model("cases", "ActionTemplate")
    for axis, rows in (("likelihood", LIKELIHOOD), ("consequence", CONSEQUENCE)):
        for value, label, description in rows:
            RiskScaleLabel.objects.update_or_create(
                axis=axis, value=value, defaults={"label": label, "description": description}
            )
    for code, label, low, high, is_high, colour in BANDS:
        RiskBand.objects.update_or_create(
            code=code,
            defaults={"label": label, "min_score": low, "max_score": high, "is_high": is_high, "colour": colour},
        )
    for order, (code, title, description, refs, days, refers_to) in enumerate(ACTIONS):
        ActionTemplate.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "description": description,
                "policy_refs": refs,
                "default_days": days,
                "refers_to": refers_to,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_review_workflow")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
