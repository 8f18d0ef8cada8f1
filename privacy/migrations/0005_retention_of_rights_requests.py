"""The retention schedule covers the data subjects' requests themselves: the released copy of an access request
(1 year after release) and the request record with its decision, redactions and corrections (3 years after it was
decided). The sources and the choice are explained for a DPO in docs/retention.md "The schedule"."""

from django.db import migrations, models

NHS_CODE = (
    "NHS Records Management Code of Practice 2023, Appendix II: subject access requests and disclosure "
    "correspondence are kept 3 years after the request is closed. UK GDPR Art. 5(2) (accountability) and the ICO's "
    "right of access guidance: the organisation must be able to show how it answered a request, what it withheld "
    "and why, and to answer a complaint about it."
)
RULES = [
    (
        "sar_copies",
        "request_closed",
        12,
        "Storage limitation (UK GDPR Art. 5(1)(e)): the released ZIP is a second copy of records held elsewhere, "
        "kept only to show exactly what was sent. The ICO expects a complaint about a request within 3 months of "
        "the last contact with the organisation; a year covers that, a follow-up request and a complaint's "
        "handling. Chosen: removed 1 year after release; its SHA-256 stays on the request as proof of what was "
        "sent. " + NHS_CODE,
    ),
    (
        "rights_requests",
        "request_closed",
        36,
        NHS_CODE + " Chosen: 3 years after the decision (or the release), as the Code says; a legal hold on the "
        "person keeps it longer.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for record_type, counted_from, months, source in RULES:
        RetentionRule.objects.update_or_create(
            record_type=record_type,
            case_group="",
            defaults={"counted_from": counted_from, "period_months": months, "source": source},
        )


def unseed(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(record_type__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_rights_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalretentionrule",
            name="counted_from",
            field=models.CharField(
                choices=[
                    ("case_closed", "the case was closed"),
                    ("staff_left", "the staff member left"),
                    ("service_user_left", "the service user left the service"),
                    ("record_made", "the record was made"),
                    ("request_closed", "the request was decided or its copy released"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="historicalretentionrule",
            name="record_type",
            field=models.CharField(
                choices=[
                    ("case_records", "Case records (disclosures, files, timeline, notices, reviews, actions, history)"),
                    ("outbox", "E-mail outbox rows"),
                    ("audit_events", "Audit events"),
                    ("reports", "Quarterly reports"),
                    ("staff_records", "Staff records (people no longer needed)"),
                    ("service_user_records", "Service user and carer records (people no longer needed)"),
                    ("sar_copies", "Released copies of subject-access requests (the ZIP kept on the request)"),
                    ("rights_requests", "Requests from data subjects (the request, decision, redactions, corrections)"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="retentiondisposal",
            name="record_type",
            field=models.CharField(
                choices=[
                    ("case_records", "Case records (disclosures, files, timeline, notices, reviews, actions, history)"),
                    ("outbox", "E-mail outbox rows"),
                    ("audit_events", "Audit events"),
                    ("reports", "Quarterly reports"),
                    ("staff_records", "Staff records (people no longer needed)"),
                    ("service_user_records", "Service user and carer records (people no longer needed)"),
                    ("sar_copies", "Released copies of subject-access requests (the ZIP kept on the request)"),
                    ("rights_requests", "Requests from data subjects (the request, decision, redactions, corrections)"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="retentionrule",
            name="counted_from",
            field=models.CharField(
                choices=[
                    ("case_closed", "the case was closed"),
                    ("staff_left", "the staff member left"),
                    ("service_user_left", "the service user left the service"),
                    ("record_made", "the record was made"),
                    ("request_closed", "the request was decided or its copy released"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="retentionrule",
            name="record_type",
            field=models.CharField(
                choices=[
                    ("case_records", "Case records (disclosures, files, timeline, notices, reviews, actions, history)"),
                    ("outbox", "E-mail outbox rows"),
                    ("audit_events", "Audit events"),
                    ("reports", "Quarterly reports"),
                    ("staff_records", "Staff records (people no longer needed)"),
                    ("service_user_records", "Service user and carer records (people no longer needed)"),
                    ("sar_copies", "Released copies of subject-access requests (the ZIP kept on the request)"),
                    ("rights_requests", "Requests from data subjects (the request, decision, redactions, corrections)"),
                ],
                max_length=30,
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
