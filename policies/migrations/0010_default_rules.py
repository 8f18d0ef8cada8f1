"""The default rules (urgency, alerts, statutory prompts), each traced to the source policies, and the
categories a worker may keep between them and their line manager.

They replace what the categories used to say (default priority, safeguarding matter, statutory prompts; removed by
0009) with one table the organisation can see (/policies/rules/) and change (the admin, with history). The
decisions where the seeds are silent are written in docs/routing.md ("The rules").
"""

from django.db import migrations

S, I, C, V = "self_declaration", "incident", "concern", "variation"
SG, LP, PO, RE, DBS, SI, HR = (
    "safeguarding_referral",
    "lado_pipot",
    "police",
    "regulator",
    "dbs",
    "serious_incident",
    "hr_investigation",
)
CONCERNED = "concerned"
SEXUAL = ["sexual-boundaries", "service-user-sexualised-behaviour"]
HARM_CATEGORIES = ["physical-contact", "misuse-money-property", "substances", "care-outside-plan", "abuse-of-power"]
CONDUCT = [
    "sexual-boundaries",
    "concealing-information",
    "misuse-money-property",
    "substances",
    "abuse-of-power",
    "discrimination",
]
REGULATED = [
    "sexual-boundaries",
    "substances",
    "care-outside-plan",
    "abuse-of-power",
    "misuse-money-property",
    "former-service-user",
]

# name, conditions, effects, reason (shown to staff), source (for the record)
RULES = [
    (
        "Sexualised behaviour",
        {"categories": SEXUAL},
        {"priority": "urgent", "alert": True, "prompts": [SG]},
        "Sexualised behaviour, by a worker or towards one, is dealt with at once. The safeguarding lead is told "
        "straight away, because it can also mean that someone is at risk.",
        "seed 001 “Sexual boundaries”, “Sexualised behaviour”; seed 002 §6.3.1; seed 004 §1.1",
    ),
    (
        "Someone at risk of harm now",
        {"answer": "at_risk_now"},
        {"priority": "urgent", "alert": True, "prompts": [SG]},
        "When someone may be at risk of harm now, the safeguarding lead is told at once and the case is picked up "
        "within one working day.",
        "DESIGN §5; seed 002 §7.5–7.6",
    ),
    (
        "A child or an adult at risk is involved",
        {"kinds": [I, C], "vulnerable": True},
        {"priority": "high", "safeguarding": True, "prompts": [SG]},
        "Any worry or incident involving a child or an adult at risk is a safeguarding matter: the safeguarding "
        "lead can see it and a safeguarding referral is considered.",
        "seed 002 §7.5–7.6; seed 004 §1.4",
    ),
    (
        "The manager finds a child or an adult at risk involved",
        {"risk": "vulnerable"},
        {"safeguarding": True, "prompts": [SG]},
        "When the manager's risk assessment finds a child or an adult at risk involved, the safeguarding lead can "
        "see the case and a safeguarding referral is considered.",
        "seed 002 §5.6, §7.6",
    ),
    (
        "Touch, money, substances, care outside the plan, power",
        {"categories": HARM_CATEGORIES},
        {"priority": "high", "safeguarding": True, "prompts": [SG]},
        "These can harm the person we support, so the safeguarding lead can see the case and a safeguarding "
        "referral is considered.",
        "seed 000 §3.9; seed 004 §1.5–1.7, §1.9–1.12; seed 002 §5.6",
    ),
    (
        "Hiding things from colleagues, discrimination",
        {"categories": ["concealing-information", "discrimination"]},
        {"priority": "high"},
        "Hiding contact from colleagues and discrimination are serious breaches that need a prompt look.",
        "seed 000 §3.8; seed 002 §6.3.8; seed 004 §1.4, §1.8",
    ),
    (
        "A sexual element",
        {"risk": "sexual"},
        {"safeguarding": True, "prompts": [SG]},
        "A sexual element is a safeguarding matter.",
        "seed 002 §6.3.1, §5.6",
    ),
    (
        "A financial element",
        {"risk": "financial"},
        {"prompts": [SG]},
        "Financial dealings with the people we support can be financial abuse, so a safeguarding referral is "
        "considered.",
        "seed 002 §6.3.5–6.3.6, §5.6",
    ),
    (
        "Police: sexual abuse alleged against a member of staff",
        {"categories": ["sexual-boundaries"], "staff_part": CONCERNED},
        {"prompts": [PO]},
        "Sexual acts with a service user may be crimes and are reported to the police.",
        "seed 002 §6.3.1, §5.6",
    ),
    (
        "Police: a sexual element found in a member of staff's conduct",
        {"risk": "sexual", "staff_part": CONCERNED},
        {"prompts": [PO]},
        "Sexual acts with a service user may be crimes and are reported to the police.",
        "seed 002 §6.3.1, §6.4",
    ),
    (
        "Police: financial abuse alleged against a member of staff",
        {"categories": ["misuse-money-property"], "staff_part": CONCERNED},
        {"prompts": [PO]},
        "Taking or misusing a service user's money or property may be a crime.",
        "seed 004 §1.6; seed 002 §5.6, §6.4",
    ),
    (
        "Police: physical abuse alleged against a member of staff",
        {"categories": ["physical-contact"], "kinds": [I, C], "staff_part": CONCERNED},
        {"prompts": [PO]},
        "Touch without consent may be an assault.",
        "seed 000 §3.9; seed 002 §5.6, §6.4",
    ),
    (
        "Disciplinary: a member of staff's conduct is in question",
        {"categories": CONDUCT, "kinds": [I, C], "staff_part": CONCERNED},
        {"prompts": [HR]},
        "When something that happened, or a worry about a colleague, puts a member of staff's conduct in question, "
        "the manager considers a disciplinary investigation. Telling us about yourself is never in itself a "
        "disciplinary matter.",
        "seed 002 §5.6, §6.4, §7.2, §7.5; seed 001 “Disclosure”",
    ),
    (
        "Disciplinary: a gift or money accepted",
        {"categories": ["gifts-money"], "kinds": [I, C], "staff_part": CONCERNED, "answer": "gift_accepted"},
        {"prompts": [SG, HR]},
        "Accepting gifts or money from the people we support can be financial abuse and is a conduct matter.",
        "seed 004 §1.2, §1.6; seed 002 §6.3.5–6.3.6; seed 000 §4.1",
    ),
    (
        "Disciplinary: it has happened before",
        {"risk": "repeated", "staff_part": CONCERNED},
        {"prompts": [HR]},
        "Repeated breaches are a disciplinary matter.",
        "seed 000 §6.2; seed 002 §7.2",
    ),
    (
        "Disciplinary: a high risk",
        {"risk": "high_band", "staff_part": CONCERNED},
        {"prompts": [HR]},
        "Significant breaches are a disciplinary matter.",
        "seed 000 §6.2; seed 002 §5.6",
    ),
    (
        "Disciplinary: referred to HR",
        {"decision": "hr_referred"},
        {"prompts": [HR]},
        "Once the case is referred to HR, the decision on a disciplinary investigation is recorded before it closes.",
        "seed 002 §7.5",
    ),
    (
        "Regulator: a registered professional",
        {"categories": REGULATED, "staff_part": CONCERNED, "staff_registered": True},
        {"prompts": [RE]},
        "A registered nurse, social worker or other registered professional may have to be referred to their "
        "regulator. This never applies to staff who are not registered.",
        "seed 002 §5.4, §5.6, §6.4, §8",
    ),
    (
        "Regulator: a high risk, registered professional",
        {"risk": "high_band", "staff_part": CONCERNED, "staff_registered": True},
        {"prompts": [RE]},
        "A registered professional whose conduct carries a high risk may have to be referred to their regulator.",
        "seed 002 §5.6, §6.4",
    ),
    (
        "LADO or PiPoT: a person in a position of trust, a child or an adult at risk",
        {"kinds": [I, C], "staff_part": CONCERNED, "vulnerable": True},
        {"prompts": [LP]},
        "When a member of staff's conduct towards a child or an adult at risk is in question, the local authority's "
        "LADO (children) or PiPoT (adults) route is considered.",
        "seed 002 §5.6, §7.6",
    ),
    (
        "LADO or PiPoT: sexual boundaries or abuse of power by a member of staff",
        {"categories": ["sexual-boundaries", "abuse-of-power"], "staff_part": CONCERNED},
        {"prompts": [LP]},
        "A member of staff is in a position of trust: sexual boundaries or abuse of power are considered for the "
        "LADO or PiPoT route.",
        "seed 002 §5.6, §6.3.1; seed 004 §1.10",
    ),
    (
        "LADO or PiPoT: touch by a member of staff",
        {"categories": ["physical-contact"], "kinds": [I, C], "staff_part": CONCERNED},
        {"prompts": [LP]},
        "A member of staff is in a position of trust: touch that was not agreed is considered for the LADO or "
        "PiPoT route.",
        "seed 000 §3.9; seed 002 §5.6",
    ),
    (
        "DBS: removal after harm",
        {"staff_part": CONCERNED, "vulnerable": True, "decision": "disciplinary"},
        {"prompts": [DBS]},
        "When a member of staff may be removed from work after harm to a child or an adult at risk, the duty to "
        "refer to the Disclosure and Barring Service is considered.",
        "seed 002 §5.6",
    ),
    (
        "DBS: sexual boundaries, money or power",
        {
            "categories": ["sexual-boundaries", "misuse-money-property", "abuse-of-power"],
            "kinds": [I, C],
            "staff_part": CONCERNED,
        },
        {"prompts": [DBS]},
        "Harm of this kind by a member of staff may have to be reported to the Disclosure and Barring Service.",
        "seed 002 §5.6",
    ),
    (
        "Serious incident: high risk to a child or an adult at risk",
        {"vulnerable": True, "risk": "high_band"},
        {"prompts": [SI]},
        "A high risk to a child or an adult at risk is considered for a Serious Incident report.",
        "seed 002 §7.5",
    ),
    (
        "Serious incident: sexual boundaries crossed by a member of staff",
        {"categories": ["sexual-boundaries"], "kinds": [I, C], "staff_part": CONCERNED},
        {"prompts": [SI]},
        "Sexual boundaries crossed by a member of staff are considered for a Serious Incident report.",
        "seed 002 §7.5, §6.3.1",
    ),
]

# seed 004 "Key Responsibilities": feelings disclosed in supervision "will be kept confidential unless the
# situation remains unresolved"; seed 001 "Disclosure"; seed 002 §10.4.
CONFIDENTIAL = ["attachment-feelings", "prior-relationship", "related-to-service-user", "former-service-user"]


def forwards(apps, schema_editor):
    Rule = apps.get_model("policies", "Rule")
    Category = apps.get_model("policies", "BoundaryCategory")
    for order, (name, when, then, reason, source) in enumerate(RULES, 1):
        codes = when.get("categories", [])
        fields = {k: v for k, v in when.items() if k != "categories"}
        rule, _ = Rule.objects.update_or_create(
            name=name, defaults={**fields, **then, "order": order * 10, "reason": reason, "source": source}
        )
        rule.categories.set(Category.objects.filter(code__in=codes))
    Category.objects.filter(code__in=CONFIDENTIAL).update(may_be_confidential=True)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0009_rules_table"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
