"""The pattern rules the product watches for, each with the policy clause it comes from, and the action
template a condition of an agreed variation becomes."""

from django.db import migrations

RULES = [
    (
        "same-giver-several-workers",
        "The same giver, several workers",
        "A service user or carer has offered gifts or money to two or more workers. Each worker may have done "
        "the right thing; together it can be an attempt to gain favour, or a sign of financial abuse.",
        "giver",
        ["giver"],
        True,
        2,
        12,
        "004 §1.2; 000 §4.1",
    ),
    (
        "repeated-concerns-about-staff",
        "Repeated concerns about one member of staff",
        "Three or more cases in a year in which the same member of staff is the person concerned.",
        "staff",
        ["concerned"],
        False,
        3,
        12,
        "000 §6.2 (significant and/or repeated breaches); 002 §7.2",
    ),
    (
        "repeated-issues-around-service-user",
        "Repeated boundary issues around one service user",
        "Three or more cases in a year involving the same service user, whatever their part.",
        "service_user",
        ["service_user", "giver", "party", "concerned", "harmed"],
        False,
        3,
        12,
        "000 §4.1; 004 §1.2",
    ),
]


def forwards(apps, schema_editor):
    PatternRule = apps.get_model("cases", "PatternRule")
    for code, name, description, person, parts, distinct, threshold, months, refs in RULES:
        PatternRule.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "person": person,
                "parts": parts,
                "count_distinct_workers": distinct,
                "threshold": threshold,
                "within_months": months,
                "policy_refs": refs,
            },
        )
    ActionTemplate = apps.get_model("cases", "ActionTemplate")
    ActionTemplate.objects.update_or_create(
        code="variation-condition",
        defaults={
            "title": "Condition of the agreed plan",
            "description": "A safeguard agreed with the line manager before the activity goes ahead.",
            "policy_refs": "000 §5.7–5.8",
            "default_days": 7,
            "order": 90,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_people_patterns_variations")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
