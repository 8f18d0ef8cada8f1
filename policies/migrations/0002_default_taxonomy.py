"""The default boundaries taxonomy (DESIGN §3), each row traced to the seed policies.

Priority is urgent for sexual boundaries and for anything where someone may be at risk of harm
(DESIGN §5); the disclosure itself can also raise urgency ("someone is at risk of harm now").
"""

from django.db import migrations

S, I, C, V = "self_declaration", "incident", "concern", "variation"
ALL = [S, I, C, V]
SG, LP, PO, RE, DBS, SI, HR = (
    "safeguarding_referral",
    "lado_pipot",
    "police",
    "regulator",
    "dbs",
    "serious_incident",
    "hr_investigation",
)

# code, name, description, policy refs, priority, safeguarding, prompts, kinds
TAXONOMY = [
    (
        "prior-relationship",
        "Knowing a service user already",
        "You knew a service user, or their family, before they started using our services – as a friend, neighbour, relative or acquaintance.",
        "000 §4.2, 002 §6.5, 004 Requirements",
        "normal",
        False,
        [],
        [S, C],
    ),
    (
        "related-to-service-user",
        "Related to a service user",
        "A service user, or someone close to them, is a member of your family or your partner's family.",
        "001, 004",
        "normal",
        False,
        [],
        [S, C],
    ),
    (
        "attachment-feelings",
        "Feelings or attachment",
        "You have, or someone has, strong feelings or an attachment that goes beyond the professional relationship – in either direction.",
        "000 §3.1.1, 001 Disclosure, 004 supervision",
        "normal",
        False,
        [],
        [S, C],
    ),
    (
        "friendship",
        "Friendship rather than befriending",
        "The relationship is becoming a personal friendship rather than professional support.",
        "000 §3.1.2–3.1.3",
        "normal",
        False,
        [],
        [S, I, C],
    ),
    (
        "gifts-money",
        "Gifts, money, bequests or financial dealings",
        "A service user or family offered or gave a gift, money, a loan or something in a will; or there is buying, selling or borrowing between a worker and a service user.",
        "000 §4.1, 002 §6.3.5–6.3.6, 004 §1.2, §1.6",
        "normal",
        False,
        [SG, HR],
        ALL,
    ),
    (
        "contact-outside-work",
        "Contact outside work",
        "Meeting outside work, home visits, or sharing personal phone numbers, addresses or e-mail.",
        "000 §4.3, 004",
        "normal",
        False,
        [],
        ALL,
    ),
    (
        "social-media",
        "Social media contact",
        "A friend request, follow, message or post involving a service user or their family.",
        "001, 002 §11, 004 §1.13",
        "normal",
        False,
        [],
        [S, I, C],
    ),
    (
        "physical-contact",
        "Physical contact or touch",
        "Touch that was not part of agreed care, was without consent, or could be misread.",
        "000 §3.9, 001, 003",
        "high",
        True,
        [SG, LP],
        [S, I, C, V],
    ),
    (
        "sexual-boundaries",
        "Sexual boundaries",
        "Any sexual act, sexual relationship, sexualised talk or behaviour by a worker towards a service user or their family.",
        "001, 002 §6.3.1, 004 §1.1",
        "urgent",
        True,
        [SG, LP, PO, RE, DBS, SI, HR],
        [S, I, C],
    ),
    (
        "service-user-sexualised-behaviour",
        "Sexualised behaviour towards a worker",
        "A service user or carer behaved in a sexualised way towards you or a colleague.",
        "001",
        "high",
        True,
        [SG],
        [S, I],
    ),
    (
        "personal-disclosure-gossip",
        "Oversharing, discussing others or gossip",
        "Sharing too much about your own life, or discussing service users or colleagues inappropriately.",
        "000 §3.7, §4.4",
        "normal",
        False,
        [],
        [S, I, C],
    ),
    (
        "concealing-information",
        "Keeping things from colleagues",
        "Information about a service user or a relationship kept from colleagues or managers.",
        "000 §3.8, 002 §6.3.8, 004 §1.4",
        "high",
        False,
        [HR],
        [I, C],
    ),
    (
        "influence-beliefs",
        "Pushing beliefs, religion or politics",
        "Promoting or imposing personal, religious or political views on a service user.",
        "000 §3.4",
        "normal",
        False,
        [],
        [S, I, C],
    ),
    (
        "advice-beyond-role",
        "Advice or counselling beyond your role",
        "Giving advice or counselling that needs a qualified professional.",
        "000 §3.2–3.3",
        "normal",
        False,
        [],
        [S, I, C],
    ),
    (
        "misuse-money-property",
        "Misuse of a service user's money, property or facilities",
        "Using a service user's money, belongings, home, car or phone for anything other than their benefit.",
        "004 §1.6–1.7",
        "high",
        True,
        [SG, PO, DBS, HR],
        [I, C],
    ),
    (
        "substances",
        "Medication, alcohol or drugs",
        "Sharing or supplying medication, alcohol or drugs, or being under their influence at work.",
        "004 §1.5, §1.11, 003",
        "high",
        True,
        [SG, PO, RE, HR],
        [I, C],
    ),
    (
        "care-outside-plan",
        "Care or treatment outside the support plan",
        "Giving treatment or care that is not in the support plan or not agreed.",
        "004 §1.9, §1.12",
        "high",
        True,
        [SG, RE],
        [I, C, V],
    ),
    (
        "abuse-of-power",
        "Abuse of power or creating dependence",
        "Using the power of the role over a service user, or encouraging them to depend on one worker.",
        "004 §1.10",
        "high",
        True,
        [SG, LP, RE, DBS, HR],
        [I, C],
    ),
    (
        "discrimination",
        "Discrimination",
        "Treating a service user unfairly because of who they are.",
        "004 §1.8",
        "high",
        False,
        [HR],
        [I, C],
    ),
    (
        "relationship-between-workers",
        "Close relationship with a colleague",
        "You have a close personal relationship (family, partner, romantic, business) with someone you work with – especially in the same line-management chain.",
        "002 §9–10",
        "normal",
        False,
        [],
        [S],
    ),
    (
        "former-service-user",
        "Relationship with a former service user",
        "A friendship, romantic or business relationship with someone who used our services in the past.",
        "002 §8",
        "normal",
        False,
        [RE],
        [S, C],
    ),
    (
        "variation-request",
        "Planned activity that stretches a boundary",
        "Something you would like to do with a service user that goes beyond usual boundaries and needs a risk assessment first.",
        "000 §5.7–5.8, 003",
        "normal",
        False,
        [],
        [V],
    ),
]


def load(apps, schema_editor):
    BoundaryCategory = apps.get_model("policies", "BoundaryCategory")
    for order, (code, name, description, refs, priority, safeguarding, prompts, kinds) in enumerate(TAXONOMY, 1):
        BoundaryCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "policy_refs": refs,
                "default_priority": priority,
                "is_safeguarding": safeguarding,
                "statutory_prompts": prompts,
                "disclosure_kinds": kinds,
                "order": order * 10,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("policies", "BoundaryCategory").objects.filter(code__in=[row[0] for row in TAXONOMY]).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
