"""Every write of reporting: ask for a report, compile it, retry it, the quarterly schedule, the
safeguarding lead's review of lessons, and the audit of each download (docs/reporting.md)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from cases.models import Case
from core.roles import Role
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from reporting.disclosure import Release, attack_new
from reporting.models import LessonReview, QuarterlyReport
from reporting.periods import Quarter
from reporting.selectors import RawFigures, lessons_sha256, release_of, report_figures, report_releases
from reporting.snapshot import snapshot_build

logger = logging.getLogger(__name__)

# Worth another try: the database went away or a lock timed out. Anything else is a bug or bad
# data, and retrying it would only fail again.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class ReportCompileDeferred(Exception):
    """A transient failure; the task retries with backoff, a bounded number of times (JR-05)."""


def _publish(report_id: int) -> None:
    """Queue the compile after commit; if the broker is down the report stays queued and the
    schedule tick publishes it again (JR-01, JR-02)."""
    from reporting.tasks import report_compile as task

    def publish_after_commit():
        task.delay(report_id)

    transaction.on_commit(publish_after_commit, robust=True)


def report_request(*, quarter: Quarter, trigger: str, requested_by=None) -> tuple[QuarterlyReport, bool]:
    """Ask for a report for a quarter: (report, created). While one for the same quarter is queued
    or running, that one is returned and nothing new starts; otherwise a new revision is queued."""
    if quarter.end_at > timezone.now():
        raise ValueError(f"{quarter} has not ended yet")
    for _ in range(3):  # a concurrent request may take the revision number first
        try:
            with transaction.atomic():
                active = (
                    QuarterlyReport.objects.select_for_update()
                    .defer("pdf", "csv", "xlsx", "snapshot")
                    .filter(year=quarter.year, quarter=quarter.number, status__in=QuarterlyReport.ACTIVE_STATUSES)
                    .first()
                )
                if active is not None:
                    return active, False
                last = QuarterlyReport.objects.filter(year=quarter.year, quarter=quarter.number).aggregate(
                    n=Max("revision")
                )["n"]
                report = QuarterlyReport.objects.create(
                    year=quarter.year,
                    quarter=quarter.number,
                    revision=(last or 0) + 1,
                    trigger=trigger,
                    requested_by=requested_by,
                )
        except IntegrityError:
            continue
        audit_record(action="reporting.report.requested", actor=requested_by, obj=report, detail={"trigger": trigger})
        _publish(report.pk)
        return report, True
    latest = (
        QuarterlyReport.objects.defer("pdf", "csv", "xlsx", "snapshot")
        .filter(year=quarter.year, quarter=quarter.number)
        .first()
    )
    if latest is None:
        raise RuntimeError(f"could not queue a report for {quarter}")
    return latest, False


def report_retry(*, report: QuarterlyReport, actor) -> QuarterlyReport:
    """Queue a failed report again (the retry button). Anything else is returned unchanged."""
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.select_for_update().defer("pdf", "csv", "xlsx").get(pk=report.pk)
            if report.status != QuarterlyReport.Status.FAILED:
                return report
            report.status = QuarterlyReport.Status.QUEUED
            report.attempts = 0
            report.save(update_fields=["status", "attempts"])
    except IntegrityError:  # another revision of the period is already queued or running
        return report
    audit_record(action="reporting.report.retried", actor=actor, obj=report)
    _publish(report.pk)
    return report


def _claim(report_id: int) -> QuarterlyReport | None:
    """Mark the report running, or None if there is nothing to do (ready, failed, or running
    elsewhere and not stale). Committed at once, so the page shows "being compiled"."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    with transaction.atomic():
        report = (
            QuarterlyReport.objects.select_for_update()
            .defer("pdf", "csv", "xlsx", "snapshot")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status in (QuarterlyReport.Status.READY, QuarterlyReport.Status.FAILED):
            return None
        if report.status == QuarterlyReport.Status.RUNNING and report.started_at and report.started_at > stale:
            return None  # another worker is on it; a redelivery after its death comes back later
        report.status = QuarterlyReport.Status.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    return report


def _figures_in_one_snapshot(quarter: Quarter) -> RawFigures:
    """All figures read from one consistent view of the database (PostgreSQL REPEATABLE READ)."""
    outermost = not connection.in_atomic_block  # inside a caller's transaction (tests) it is too late
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return report_figures(quarter=quarter)


RELEASE_LOCK = 7_140_014  # any fixed number: one pg_advisory_xact_lock for "what is released"


def _lock_releases() -> None:
    """One report at a time is protected, checked and released, so two reports compiled at once on
    two workers are each checked against the other (PostgreSQL; SQLite writes one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RELEASE_LOCK])


def _check(candidate: Release, released: list[Release]) -> list[str]:
    exposures, _ = attack_new(
        candidate,
        released,
        threshold=settings.REPORT_SUPPRESSION_THRESHOLD,
        interval=settings.REPORT_PROTECTION_INTERVAL,
    )
    return [e.line() for e in exposures]


def report_check(*, report: QuarterlyReport, actor) -> QuarterlyReport:
    """Run the attacker on every released report plus this one (the DPO's or the safeguarding
    lead's button, and the last step of every compile): released only if it adds no exposed figure."""
    with transaction.atomic():
        _lock_releases()
        report = QuarterlyReport.objects.select_for_update().defer("pdf", "csv", "xlsx").get(pk=report.pk)
        if report.status != QuarterlyReport.Status.READY:
            return report
        if (report.snapshot or {}).get("cells") is None:  # compiled before the check existed
            findings = ["This report was compiled before the disclosure check existed: ask for a new revision."]
        else:
            findings = _check(release_of(report), report_releases(exclude_pk=report.pk))
        report.checked_at = timezone.now()
        report.exposed_cells = len(findings)
        report.check_findings = findings
        report.save(update_fields=["checked_at", "exposed_cells", "check_findings"])
        audit_record(
            action="reporting.report.checked", actor=actor, obj=report, detail={"exposed": report.exposed_cells}
        )
    return report


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_compile(*, report_id: int) -> QuarterlyReport | None:
    """Compile a queued report: figures, files, checksums; then tell the committee. Safe to run
    twice (JR-03): a report that is ready or failed is left alone."""
    from reporting.render import render_csv, render_pdf, render_xlsx

    report = _claim(report_id)
    if report is None:
        return None
    started = time.perf_counter()
    quarter = Quarter(report.year, report.quarter)
    threshold = settings.REPORT_SUPPRESSION_THRESHOLD
    try:
        raw = _figures_in_one_snapshot(quarter)
    except Exception as exc:
        if _record_failure(report, exc):
            raise ReportCompileDeferred(type(exc).__name__) from exc
        return report
    try:
        with transaction.atomic():
            # Protected against every released report, checked and stored under one lock, so that a
            # report compiled at the same time on another worker is checked against this one.
            _lock_releases()
            released = report_releases(exclude_pk=report.pk)
            snapshot = snapshot_build(raw, threshold=threshold, released=released)
            findings = _check(Release(str(quarter), snapshot["cells"], threshold, snapshot["cell_labels"]), released)
            compiled_at = timezone.now()
            pdf = render_pdf(snapshot, compiled_at=compiled_at)
            csv = render_csv(snapshot)
            xlsx = render_xlsx(snapshot, compiled_at=compiled_at)
            return _store(report, snapshot, findings, threshold, compiled_at, pdf, csv, xlsx, started)
    except Exception as exc:
        if _record_failure(report, exc):
            raise ReportCompileDeferred(type(exc).__name__) from exc
        return report


def _store(report, snapshot, findings, threshold, compiled_at, pdf, csv, xlsx, started) -> QuarterlyReport:
    """Save the compiled revision (ready) and, if it passed the check, tell the committee."""
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    report.status = QuarterlyReport.Status.READY
    report.threshold = threshold
    report.snapshot = snapshot
    for file_format, data in (("pdf", pdf), ("csv", csv), ("xlsx", xlsx)):
        digest = _sha256(data)
        name = f"{report.period}-r{report.revision}-{digest[:16]}.{file_format}"
        getattr(report, file_format).save(name, ContentFile(data), save=False)
        setattr(report, f"{file_format}_sha256", digest)
    report.finished_at = timezone.now()
    report.compile_seconds = round(time.perf_counter() - started, 3)
    report.last_error = ""
    report.checked_at = compiled_at
    report.exposed_cells = len(findings)
    report.check_findings = findings
    report.save()
    audit_record(
        action="reporting.report.compiled",
        obj=report,
        detail={"seconds": report.compile_seconds, "exposed": report.exposed_cells},  # the check ran too
    )
    if report.is_released:
        _notify_committee(report)
    return report


def _record_failure(report: QuarterlyReport, exc: Exception) -> bool:
    """Keep the error's class name; fail for good unless the error is transient and tries remain.
    True if the task should try again."""
    retry = isinstance(exc, TRANSIENT_ERRORS) and report.attempts < settings.REPORT_MAX_ATTEMPTS
    logger.exception("report %s: compile attempt %s failed", report.pk, report.attempts)
    try:
        with transaction.atomic():
            report.status = QuarterlyReport.Status.QUEUED if retry else QuarterlyReport.Status.FAILED
            report.last_error = type(exc).__name__[:200]
            report.finished_at = timezone.now()
            report.save(update_fields=["status", "last_error", "finished_at"])
            if not retry:
                audit_record(action="reporting.report.failed", obj=report, detail={"error": report.last_error})
    except DatabaseError:
        logger.exception("report %s: could not record the failure", report.pk)
    return retry


def _notify_committee(report: QuarterlyReport) -> None:
    """A content-free e-mail with a link to every active committee member (CP-07)."""
    members = (
        get_user_model().objects.filter(groups__name=Role.COMMITTEE_MEMBER.value, is_active=True).exclude(email="")
    )
    for member in members:  # committee members, a handful
        notification_queue(
            recipient=member,
            template=OutboxMessage.Template.REPORT_READY,
            link="/reports/",
            dedupe_key=f"report-ready:{report.pk}:{member.pk}",
        )


def report_download(*, report: QuarterlyReport, file_format: str, actor) -> tuple[bytes, str, str]:
    """The stored bytes of one file, its content type and file name; every download is audited."""
    types = {
        "pdf": "application/pdf",
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    if file_format not in types:
        raise LookupError(file_format)
    data = report_file_bytes(report, file_format)
    audit_record(
        action="reporting.report.downloaded",
        actor=actor,
        obj=report,
        detail={"format": file_format, "sha256": getattr(report, f"{file_format}_sha256")},
    )
    name = f"safeguarding-summary-{report.period}-r{report.revision}.{file_format}"
    return data, types[file_format], name


def report_file_bytes(report: QuarterlyReport, file_format: str) -> bytes:
    """One stored file of a report, checked against the digest taken when it was compiled.

    LookupError when the report has no such file or the storage has lost it (the view answers 404
    and the log says which); a file whose bytes no longer match is refused the same way.
    """
    field_file = getattr(report, file_format)
    if not field_file.name:
        raise LookupError(file_format)
    try:
        with field_file.storage.open(field_file.name, "rb") as f:  # not the field's cached file object
            data = f.read()
    except (FileNotFoundError, OSError) as exc:
        logger.error("report %s: its %s file is missing from storage (%s)", report.pk, file_format, type(exc).__name__)
        raise LookupError(file_format) from exc
    if _sha256(data) != getattr(report, f"{file_format}_sha256"):
        logger.error(
            "report %s: its %s file does not match the digest taken when it was compiled", report.pk, file_format
        )
        raise LookupError(file_format)
    return data


def report_schedule_tick(*, today: datetime.date | None = None) -> QuarterlyReport | None:
    """celery beat, daily: on or after the first working day following a quarter's end, ask once
    for that quarter's report (catching up if beat was down); also re-publish reports that have
    waited queued too long (the broker was down when they were asked for)."""
    today = today or timezone.localdate()
    for report_id in QuarterlyReport.objects.filter(
        status=QuarterlyReport.Status.QUEUED,
        requested_at__lt=timezone.now() - datetime.timedelta(minutes=10),
    ).values_list("pk", flat=True):
        _publish(report_id)
    quarter = Quarter.containing(today).previous()
    if today < quarter.first_working_day_after():
        return None
    if QuarterlyReport.objects.filter(
        year=quarter.year, quarter=quarter.number, trigger=QuarterlyReport.Trigger.SCHEDULE
    ).exists():
        return None
    report, created = report_request(quarter=quarter, trigger=QuarterlyReport.Trigger.SCHEDULE)
    return report if created else None


@transaction.atomic
def lesson_review_save(*, case: Case, decision: str, text: str, actor) -> LessonReview:
    """Record the safeguarding lead's decision on one case's lessons (approve, edit or exclude)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if decision not in LessonReview.Decision.values:
        raise ValueError(decision)
    published = ""
    if decision == LessonReview.Decision.APPROVED:
        published = case.lessons.strip()
    elif decision == LessonReview.Decision.EDITED:
        published = text.strip()
        if not published:
            raise ValueError("an edited lesson needs its text")
    review = LessonReview.objects.filter(case=case).first() or LessonReview(case=case)
    review.decision = decision
    review.published_text = published
    review.source_sha256 = lessons_sha256(case.lessons)
    review.reviewed_by = actor
    review.reviewed_at = timezone.now()
    review._history_user = actor
    review._change_reason = "reporting.lesson.reviewed"
    review.save()
    audit_record(action="reporting.lesson.reviewed", actor=actor, obj=review, detail={"decision": decision})
    return review
