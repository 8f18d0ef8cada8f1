"""Proof that retention removes everything (docs/retention.md "Proof"; CP-08).

A canary is planted in every text field and file of a case through the services production uses; the
retention job runs past the period; then a scan over every column of every table (history tables, the
outbox and the audit trail included), the storage folder, the e-mails sent and the captured logs finds
it nowhere. With a legal hold, the same run leaves it everywhere it was.
"""

import datetime
import logging

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import OutboxMessage
from privacy.holds import legal_hold_place
from privacy.models import RecordType, RetentionDisposal
from privacy.retention_removal import retention_run
from privacy.tests.retention_canary import canary_case, files_holding, mail_holding, stored_files, tables_holding

CANARY = "CANARY-7f3e9b21-retention"
ELEVEN_YEARS_ON = timezone.localdate() + datetime.timedelta(days=366 * 11)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def _planted(org):
    case = canary_case(org, CANARY)
    where = tables_holding(CANARY)
    # The canary really is in every kind of place the job must clear: else the proof proves nothing.
    for expected in (
        "disclosures_disclosure.narrative",
        "disclosures_disclosure.details",
        "disclosures_historicaldisclosure.narrative",
        "disclosures_followup.text",
        "disclosures_attachment.original_name",
        "disclosures_historicalattachment.original_name",
        "cases_case.outcome_notes",
        "cases_case.lessons",
        "cases_historicalcase.outcome_summary_for_reporter",
        "cases_timelineentry.text",
        "cases_historicaltimelineentry.text",
        "cases_riskassessment.mitigation",
        "cases_promptanswer.reason",
        "cases_action.details",
        "cases_review.notes",
        "cases_actioncheck.note",
        "cases_subjectnotice.told",
        "cases_subjectnotice.response",
        "cases_historicalsubjectnotice.response",
        "cases_supportoffered.what",
    ):
        assert expected in where, f"the canary never reached {expected}"
    assert len(files_holding(CANARY)) == 2
    return case, where


def test_after_its_period_a_case_leaves_no_trace_of_its_content_anywhere(org, private_media, all_logs, mailoutbox):
    """CP-08, JR-07: every table and history table, the outbox, storage, e-mails and logs are clear."""
    case, _ = _planted(org)
    files_before = stored_files()
    outbox_before = OutboxMessage.objects.count()
    assert outbox_before and mail_holding(CANARY) == []  # e-mails never carry content (CP-07)

    run = retention_run(as_of=ELEVEN_YEARS_ON)

    assert run.status == "finished" and [item["label"] for item in run.items] == [case.reference]
    assert tables_holding(CANARY) == set()
    assert files_holding(CANARY) == set() and stored_files() == set() and files_before
    assert mail_holding(CANARY) == []
    assert CANARY not in all_logs.text
    # What the reports and the trail need stays, without content.
    case.refresh_from_db()
    assert (case.reference, case.status, case.outcome) == (case.reference, "closed", "guidance")
    assert case.disclosures.get().reference
    assert not OutboxMessage.objects.filter(link=f"/cases/{case.pk}/").exists()
    event = AuditEvent.objects.get(action="privacy.retention.case_removed", object_id=str(case.pk))
    assert set(event.detail) == {"rule", "rows", "files"}
    # Run again: nothing more to do, nothing done twice.
    again = retention_run(as_of=ELEVEN_YEARS_ON)
    assert again.items == [] and RetentionDisposal.objects.filter(record_type=RecordType.CASE_RECORDS).count() == 1


@pytest.mark.parametrize("on", ["case", "staff", "service_user"])
def test_a_legal_hold_keeps_every_trace_of_the_case(org, private_media, all_logs, mailoutbox, on):
    """CP-08: held records are never removed, whether the case itself or a person in it is held."""
    case, where = _planted(org)
    files = files_holding(CANARY)
    target = {"case": case, "staff": org.colleague, "service_user": case.service_users.get()}[on]
    legal_hold_place(
        actor=org.safeguarding.user,
        reason="A claim has been made.",
        review_date=ELEVEN_YEARS_ON + datetime.timedelta(days=30),
        **{on: target},
    )

    run = retention_run(as_of=ELEVEN_YEARS_ON)

    assert run.items == [] or case.reference not in [item["label"] for item in run.items]
    assert tables_holding(CANARY) == where
    assert files_holding(CANARY) == files
    assert CANARY not in all_logs.text


def test_the_people_a_removed_case_named_are_anonymised_once_no_kept_case_names_them(org, private_media, all_logs):
    """CP-08: the next run after the case's removal anonymises the leaver it named and the former service
    user; then their name and reference are nowhere either."""
    name, reference = "Zbigniewska-CANARY", "SU-CANARY-0042"
    case = canary_case(org, CANARY)
    colleague = org.colleague
    colleague.user.last_name = name
    colleague.user.save()
    colleague.end_date = timezone.localdate()
    colleague.save()
    service_user = case.service_users.get()
    service_user.reference, service_user.status, service_user.left_date = reference, "former", timezone.localdate()
    service_user.save()
    assert tables_holding(name) and tables_holding(reference)

    first = retention_run(as_of=ELEVEN_YEARS_ON)
    assert [item["record_type"] for item in first.items] == [RecordType.CASE_RECORDS]
    second = retention_run(as_of=ELEVEN_YEARS_ON)
    assert sorted(item["record_type"] for item in second.items) == [
        RecordType.SERVICE_USER_RECORDS,
        RecordType.STAFF_RECORDS,
    ]

    assert tables_holding(name) == set()
    assert tables_holding(reference) == set()
    assert tables_holding(CANARY) == set()
    assert name not in all_logs.text and reference not in all_logs.text
