"""Compiling a report end to end: files, checksums, privacy, idempotency, revisions, failure and
retry, the committee's e-mail (CP-01, CP-02, CP-07, JR-03, JR-05)."""

import io
import json

import pytest
from django.core import mail
from django.db import OperationalError

from audit.models import AuditEvent
from notifications.models import OutboxMessage
from reporting import services
from reporting.models import QuarterlyReport
from reporting.services import report_compile, report_file_bytes, report_request, report_retry
from reporting.tests.conftest import (
    CANARY_ACTION,
    CANARY_LESSON_UNREVIEWED,
    CANARY_NARRATIVE,
    CANARY_NOTES,
    CANARY_REASON,
    Q2,
)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.fixture
def ready(dataset, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, created = report_request(quarter=Q2, trigger="person", requested_by=org.committee)
    assert created
    report.refresh_from_db()
    return report


def test_a_requested_report_is_compiled_with_files_and_checksums(ready):
    import hashlib

    assert ready.status == QuarterlyReport.Status.READY, ready.last_error
    assert report_file_bytes(ready, "pdf").startswith(b"%PDF")
    for name in ("pdf", "csv", "xlsx"):
        assert getattr(ready, f"{name}_sha256") == hashlib.sha256(report_file_bytes(ready, name)).hexdigest()
    assert ready.compile_seconds > 0 and ready.threshold == 3
    assert ready.snapshot["period"] == "2026-Q2"
    text = pdf_text(report_file_bytes(ready, "pdf"))
    assert "Quarterly safeguarding summary" in text and "About the figures" in text
    assert "fewer than 3" in text


def test_no_canary_name_initials_reference_or_narrative_reaches_any_file(ready, dataset, org):
    """CP-01: names, initials, references and free text never appear in the PDF, CSV, XLSX or snapshot."""
    outputs = {
        "pdf": pdf_text(report_file_bytes(ready, "pdf")),
        "csv": report_file_bytes(ready, "csv").decode("utf-8-sig"),
        "xlsx": xlsx_text(report_file_bytes(ready, "xlsx")),
        "snapshot": json.dumps(ready.snapshot),
    }
    canaries = [CANARY_NARRATIVE, CANARY_NOTES, CANARY_LESSON_UNREVIEWED, CANARY_ACTION, CANARY_REASON]
    canaries += ["Zebedee", "Quillfeather", "Xanthe", "Vorwerk", "Z.Q.", "X.V."]
    canaries += [dataset.c1.reference, dataset.c2.reference, org.worker.staff_number, org.worker.user.email]
    for name, text in outputs.items():
        for canary in canaries:
            assert canary not in text, f"{canary} in the {name}"


def test_every_published_count_below_the_threshold_is_suppressed(ready):
    """CP-02: no figure from 0 to 2 is ever printed as a number."""
    snapshot = ready.snapshot
    cells = [i["value"] for i in (*snapshot["headline"], *snapshot["oversight"])]
    cells += [i["value"] for i in snapshot["timeliness"] if not i["key"].endswith("median")]
    for table in snapshot["tables"]:
        if table["key"] == "compliance":
            continue  # about staff duty, not cases: not suppressed (docs/reporting.md)
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            cells += [c for c in row["cells"] if not str(c).endswith("%")]
    for series in snapshot["trend"]["series"]:
        cells += series["values"]
    numbers = [c for c in cells if isinstance(c, int)]
    assert all(n >= 3 for n in numbers), numbers
    assert "fewer than 3" in cells
    # Three disclosures (shown); the breakdowns by kind are all below 3, so hidden. The three cases
    # opened are withheld: with "fewer than 3" closed and open at the end, "3 opened" would say that
    # at most 1 (not 0 to 2) was open at the end of the quarter before.
    headline = {i["key"]: i["value"] for i in snapshot["headline"]}
    assert headline["disclosures"] == 3 and headline["opened"] == "not shown"
    # Medians rest on two cases: not shown.
    timeliness = {i["key"]: i["value"] for i in snapshot["timeliness"]}
    assert timeliness["ack.median"] == "not shown"


def test_downloading_twice_gives_the_same_bytes_and_compiling_again_does_nothing(ready):
    """JR-03: a second run of the task for a ready report leaves it alone."""
    before = (
        report_file_bytes(ready, "pdf"),
        report_file_bytes(ready, "csv"),
        report_file_bytes(ready, "xlsx"),
        ready.pdf_sha256,
    )
    assert report_compile(report_id=ready.pk) is None
    ready.refresh_from_db()
    assert (
        report_file_bytes(ready, "pdf"),
        report_file_bytes(ready, "csv"),
        report_file_bytes(ready, "xlsx"),
        ready.pdf_sha256,
    ) == before


def test_asking_twice_while_one_is_queued_starts_nothing_new(dataset, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, created = report_request(quarter=Q2, trigger="person", requested_by=org.committee)
        second, created_again = report_request(quarter=Q2, trigger="person", requested_by=org.safeguarding.user)
    assert created and not created_again and first.pk == second.pk
    assert len(callbacks) == 1
    assert QuarterlyReport.objects.count() == 1


def test_regenerating_a_period_makes_a_new_revision_and_keeps_the_old(ready, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        again, created = report_request(quarter=Q2, trigger="person", requested_by=org.committee)
    assert created and again.revision == 2
    again.refresh_from_db()
    ready.refresh_from_db()
    assert again.status == ready.status == QuarterlyReport.Status.READY
    assert again.snapshot == ready.snapshot  # same data, same figures


def test_a_quarter_that_has_not_ended_cannot_be_asked_for(db):
    from reporting.periods import Quarter

    with pytest.raises(ValueError):
        report_request(quarter=Quarter(2999, 1), trigger="person")


def test_the_committee_gets_a_content_free_email_with_a_link(ready, org):
    """CP-07."""
    messages = OutboxMessage.objects.filter(template=OutboxMessage.Template.REPORT_READY)
    assert [m.recipient for m in messages] == [org.committee]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [org.committee.email]
    assert email.subject == "A quarterly report is ready"
    assert "/reports/" in email.body
    for figure in ("2026", "fewer than", "Cases"):
        assert figure not in email.body


def test_a_transient_failure_is_retried_then_fails_visibly(
    dataset, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """JR-05: transient errors are retried a bounded number of times; the failure is kept on the report."""
    settings.REPORT_MAX_ATTEMPTS = 2
    calls = []

    def broken(quarter):
        calls.append(1)
        raise OperationalError("the database went away")

    monkeypatch.setattr(services, "_figures_in_one_snapshot", broken)
    with django_capture_on_commit_callbacks(execute=False):
        report, _ = report_request(quarter=Q2, trigger="command")
    with pytest.raises(services.ReportCompileDeferred):
        report_compile(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.QUEUED and report.last_error == "OperationalError"
    assert report_compile(report_id=report.pk).status == QuarterlyReport.Status.FAILED
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.FAILED and report.attempts == 2 and len(calls) == 2
    assert AuditEvent.objects.filter(action="reporting.report.failed", object_id=str(report.pk)).exists()


def test_a_bug_fails_at_once_and_the_retry_button_compiles_it(
    dataset, org, monkeypatch, django_capture_on_commit_callbacks
):
    original = services._figures_in_one_snapshot
    monkeypatch.setattr(services, "_figures_in_one_snapshot", lambda q: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = report_request(quarter=Q2, trigger="person", requested_by=org.committee)
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.FAILED and report.last_error == "ZeroDivisionError"
    assert report.attempts == 1

    monkeypatch.setattr(services, "_figures_in_one_snapshot", original)
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(report=report, actor=org.committee)
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.READY and report.revision == 1


def test_the_task_runs_the_service_and_retries_transient_errors(dataset, monkeypatch, settings):
    from reporting.tasks import report_compile as task

    assert task.max_retries == settings.REPORT_MAX_ATTEMPTS - 1
    assert services.ReportCompileDeferred in task.autoretry_for
    report = QuarterlyReport.objects.create(year=2026, quarter=2, trigger="command")
    task.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.READY


def test_a_compile_runs_the_same_number_of_queries_whatever_the_number_of_cases(
    dataset, org, django_capture_on_commit_callbacks
):
    """Figures, protection against the released reports, the check, files and saving: a fixed count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.tests.factories import make_case

    def compile_once():
        with django_capture_on_commit_callbacks(execute=False):
            report, _ = report_request(quarter=Q2, trigger="person", requested_by=org.committee)
        with CaptureQueriesContext(connection) as queries:
            report_compile(report_id=report.pk)
        # Statements, not the test transaction's savepoints.
        return len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]])

    few = compile_once()
    for n in range(30):
        make_case(team=org.south, opened=f"2026-05-{n % 28 + 1:02d}T09:00", subjects=[org.worker])
    many = compile_once()
    assert few == many <= 36, (few, many)
