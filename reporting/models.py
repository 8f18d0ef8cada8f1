"""Quarterly safeguarding summaries (DESIGN §3 "reporting", §8) and the safeguarding lead's review
of the lessons that may go into them. See docs/reporting.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import Case
from core.storage import private_storage


def report_file_path(instance: "QuarterlyReport", filename: str) -> str:
    """reports/2026-Q2-r1-pdf-<sha256 prefix>.pdf: the service passes that name (reporting/services.py)."""
    return f"reports/{filename}"


class QuarterlyReport(models.Model):
    """One revision of the report for one quarter: its status, its frozen figures and its files.

    The files (PDF, CSV, spreadsheet) are kept in the private storage (core/storage.py: a folder,
    or the object store on several hosts) under a name made from the period, the revision and the
    file's SHA-256; the row keeps their names and digests. Not history-tracked on purpose: who asked
    and who downloaded are audit events. Once ready, a revision is never changed again:
    regenerating a period makes a new revision.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being compiled"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "The quarterly schedule"
        PERSON = "person", "A person"
        COMMAND = "command", "The compile_report command"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    revision = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    compile_seconds = models.FloatField(null=True, blank=True, help_text="How long the last compile took.")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, help_text="The exception's class only.")
    threshold = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The suppression threshold used.")
    snapshot = models.JSONField(null=True, blank=True, help_text="Every published figure, after suppression.")
    pdf = models.FileField(storage=private_storage, upload_to=report_file_path, max_length=200, blank=True)
    csv = models.FileField(storage=private_storage, upload_to=report_file_path, max_length=200, blank=True)
    xlsx = models.FileField(storage=private_storage, upload_to=report_file_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    # The disclosure check (reporting/disclosure.py): how many hidden figures a reader holding every
    # released report and this one could narrow down. Released (downloadable) only when it is 0.
    checked_at = models.DateTimeField(null=True, blank=True)
    exposed_cells = models.PositiveIntegerField(
        null=True, blank=True, help_text="Hidden figures the last disclosure check could work out; empty: not checked."
    )
    check_findings = models.JSONField(default=list, blank=True, help_text="One line per exposed figure.")

    class Meta:
        ordering = ["-year", "-quarter", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "revision"], name="report_revision_unique"),
            # Asking twice while one is queued or running starts nothing new (the database says so).
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_active_per_period",
            ),
            # The schedule asks once per period, however many beat processes run.
            models.UniqueConstraint(
                fields=["year", "quarter"], condition=Q(trigger="schedule"), name="report_scheduled_once_per_period"
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(snapshot__isnull=False) & ~Q(pdf="") & ~Q(pdf_sha256="")),
                name="report_ready_has_files",
            ),
        ]

    def __str__(self):
        return f"{self.period} revision {self.revision}"

    @property
    def period(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_released(self) -> bool:
        """Ready and passed the disclosure check: offered for download."""
        return self.status == self.Status.READY and self.exposed_cells == 0

    @property
    def is_held_back(self) -> bool:
        return self.status == self.Status.READY and self.exposed_cells != 0

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class LessonReview(models.Model):
    """The safeguarding lead's decision on one closed case's lessons before they are published.

    Only `published_text` ever reaches a report, and only while `source_sha256` still matches the
    case's lessons (a case reopened and closed with new lessons needs a new review).
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved as written"
        EDITED = "edited", "Approved with edits"
        EXCLUDED = "excluded", "Left out of the report"

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="lesson_review")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    published_text = models.TextField(blank=True)
    source_sha256 = models.CharField(max_length=64, help_text="sha256 of the lessons text that was reviewed.")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="excluded") | ~Q(published_text=""),
                name="lesson_review_published_has_text",
            ),
        ]

    def __str__(self):
        return f"Lesson review {self.pk} ({self.decision})"
