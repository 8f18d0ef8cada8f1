"""Seed the retention schedule (privacy.RetentionRule). Each period and its source is explained for a
DPO in docs/retention.md "The schedule"; the source text below is what the admin shows beside it.
Reversing removes the seeded rows."""

from django.db import migrations

KCSIE = (
    "Keeping children safe in education (DfE, statutory guidance), Part 4 'Record keeping': allegations found "
    "malicious or false are removed from personnel records; for all other allegations a record is kept at least "
    "until the person reaches normal pension age or for 10 years from the allegation, whichever is longer. "
    "Working Together to Safeguard Children 2023 (ch. 2, allegations against people who work with children) "
    "points to the same arrangements."
)
LIMITATION = (
    "Limitation Act 1980 s.2 and s.5: a claim in tort or contract may be brought within 6 years, so the record "
    "of how the concern was handled is kept that long. UK GDPR Art. 5(1)(e) and the ICO's storage limitation "
    "guidance: no longer than needed."
)

RULES = [
    # (record type, case group, counted from, months, source)
    (
        "case_records",
        "unfounded_or_malicious",
        "case_closed",
        12,
        KCSIE + " Chosen: 12 months after closure, not at once, so that a complaint or appeal about the "
        "handling can still be answered and a repeated malicious allegation recognised; this product is not "
        "the personnel file.",
    ),
    (
        "case_records",
        "position_of_trust",
        "case_closed",
        120,
        KCSIE + " Chosen: 10 years counted from closure (later than the allegation, so never shorter). The "
        "product holds no dates of birth: where normal pension age comes later, place a legal hold with that "
        "review date.",
    ),
    ("case_records", "substantiated", "case_closed", 72, LIMITATION),
    ("case_records", "not_substantiated", "case_closed", 72, LIMITATION),
    (
        "case_records",
        "other",
        "case_closed",
        72,
        "NHS England, Managing conflicts of interest in the NHS (2017): declarations of interests, gifts and "
        "hospitality are kept for 6 years after they expire. " + LIMITATION,
    ),
    (
        "outbox",
        "",
        "record_made",
        3,
        "Delivery bookkeeping with no content (a template code and a link): kept 3 months to answer 'did the "
        "e-mail go?', then removed (UK GDPR Art. 5(1)(e)). GlobaLeaks keeps reports 90 days by default for the "
        "same reason. Rows about a case also go with the case.",
    ),
    (
        "audit_events",
        "",
        "record_made",
        144,
        "NHS Records Management Code of Practice 2023: an audit trail is kept as long as the records it "
        "explains. The longest case period is 10 years after closure and nearly every case closes within 2 "
        "years of being opened, so events are kept 12 years. Events hold no content (codes, ids, dates).",
    ),
    (
        "reports",
        "",
        "record_made",
        None,
        "Quarterly reports hold only figures after small-number suppression and reviewed lessons without "
        "names: no personal data, so storage limitation does not apply. Kept as the organisation's record of "
        "its oversight.",
    ),
    (
        "staff_records",
        "",
        "staff_left",
        72,
        "The HR system keeps the personnel file (NHS Records Management Code of Practice 2023, staff records). "
        "This product keeps a leaver's name and details only while a case it still keeps names them, and at "
        "most 6 years after they left. " + LIMITATION,
    ),
    (
        "service_user_records",
        "",
        "service_user_left",
        96,
        "NHS Records Management Code of Practice 2023, Appendix II: adult social care records are kept 8 years "
        "after care ends. For a child, the Code keeps records until the 25th birthday (26th if 17 when care "
        "ended); the product holds no dates of birth, so place a legal hold where that is later.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for record_type, group, counted_from, months, source in RULES:
        RetentionRule.objects.update_or_create(
            record_type=record_type,
            case_group=group,
            defaults={"counted_from": counted_from, "period_months": months, "source": source},
        )


def unseed(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_retention_schedule_holds_runs")]

    operations = [migrations.RunPython(seed, unseed)]
