"""The retention schedule, legal holds and the record of what the retention job did (docs/retention.md).

The schedule is data: one row per record type (and, for case records, per kind of outcome), with the
period, the event it is counted from and the guidance it comes from. Administrators edit it in the
admin; every change is kept (history). The periods seeded by migration 0002 and their sources are
in docs/retention.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import Case
from people.models import ServiceUser, StaffMember


class RecordType(models.TextChoices):
    """What a rule of the schedule covers (docs/retention.md "What each record type holds")."""

    CASE_RECORDS = "case_records", "Case records (disclosures, files, timeline, notices, reviews, actions, history)"
    OUTBOX = "outbox", "E-mail outbox rows"
    AUDIT_EVENTS = "audit_events", "Audit events"
    REPORTS = "reports", "Quarterly reports"
    STAFF_RECORDS = "staff_records", "Staff records (people no longer needed)"
    SERVICE_USER_RECORDS = "service_user_records", "Service user and carer records (people no longer needed)"
    SAR_COPIES = "sar_copies", "Released copies of subject-access requests (the ZIP kept on the request)"
    RIGHTS_REQUESTS = "rights_requests", "Requests from data subjects (the request, decision, redactions, corrections)"


class CaseGroup(models.TextChoices):
    """How a closed case is grouped for retention (privacy.retention.case_group_of says which)."""

    NONE = "", "Not a case record"
    UNFOUNDED_OR_MALICIOUS = "unfounded_or_malicious", "Allegation found unfounded or malicious"
    POSITION_OF_TRUST = "position_of_trust", "Safeguarding allegation about a member of staff (a position of trust)"
    SUBSTANTIATED = "substantiated", "Concern upheld or acted on"
    NOT_SUBSTANTIATED = "not_substantiated", "Concern not substantiated"
    OTHER = "other", "Declarations and everything else closed with no further action"


class CountedFrom(models.TextChoices):
    CASE_CLOSED = "case_closed", "the case was closed"
    STAFF_LEFT = "staff_left", "the staff member left"
    SERVICE_USER_LEFT = "service_user_left", "the service user left the service"
    RECORD_MADE = "record_made", "the record was made"
    REQUEST_CLOSED = "request_closed", "the request was decided or its copy released"


class RetentionRule(models.Model):
    """One line of the retention schedule."""

    record_type = models.CharField(max_length=30, choices=RecordType.choices)
    case_group = models.CharField(max_length=30, choices=CaseGroup.choices, blank=True, default="")
    counted_from = models.CharField(max_length=30, choices=CountedFrom.choices)
    period_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="How long after the event the record is kept. Empty: kept, never removed."
    )
    source = models.TextField(help_text="The law or guidance the period comes from, and why it was chosen.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["record_type", "case_group"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "case_group"], name="retention_rule_once"),
            models.CheckConstraint(
                condition=Q(record_type="case_records", counted_from="case_closed")
                | (~Q(record_type="case_records") & Q(case_group="")),
                name="retention_rule_case_group_only_for_cases",
                violation_error_message="Only case records are grouped by outcome, counted from the case's closure.",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_record_type_display()}: {self.get_case_group_display()}"
            if self.case_group
            else self.get_record_type_display()
        )

    @property
    def period_label(self) -> str:
        """ "10 years", "12 months", "kept"."""
        months = self.period_months
        if months is None:
            return "Kept (never removed)"
        if months % 12 == 0:
            years = months // 12
            return f"{years} year{'s' if years != 1 else ''}"
        return f"{months} month{'s' if months != 1 else ''}"


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        """Holds placed and not lifted: what they cover is never removed."""
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """Keep a case, or everything about a person, whatever the schedule says, until lifted."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds")
    staff = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds")
    service_user = models.ForeignKey(
        ServiceUser, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField(help_text="Why the records must be kept, e.g. a claim, an inquiry, a police request.")
    review_date = models.DateField(help_text="When the hold is next looked at, to lift it or keep it.")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["review_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, staff__isnull=True, service_user__isnull=True)
                | Q(case__isnull=True, staff__isnull=False, service_user__isnull=True)
                | Q(case__isnull=True, staff__isnull=True, service_user__isnull=False),
                name="legal_hold_on_one_thing",
                violation_error_message="A hold is on one case or one person.",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | (Q(lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="legal_hold_lifted_with_reason",
                violation_error_message="Say why the hold is lifted.",
            ),
        ]

    def __str__(self):
        return f"Legal hold {self.pk} on {self.target_label}"

    @property
    def target_label(self) -> str:
        """What is held, by reference only: "case C-2026-00042", "staff member 10042", "service user SU-17"."""
        if self.case_id:
            return f"case {self.case.reference}"
        if self.staff_id:
            return f"staff member {self.staff.staff_number}"
        return f"service user {self.service_user.reference}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RetentionRun(models.Model):
    """One run of the retention job, or a dry run: what it removed, or would remove, in counts."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    dry_run = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the daily schedule.",
    )
    as_of = models.DateField(help_text="The day the schedule was applied for.")
    limit = models.PositiveIntegerField(help_text="The most records one run handles (RETENTION_BATCH_SIZE).")
    counts = models.JSONField(default=dict, blank=True, help_text="Rows removed or anonymised, by table.")
    items = models.JSONField(
        default=list, blank=True, help_text="What was (or would be) removed: references, rules and counts; no content."
    )
    more_due = models.BooleanField(default=False, help_text="The run stopped at its limit; the next run goes on.")
    last_error = models.CharField(max_length=200, blank=True, help_text="The exception's class only.")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"Retention {'dry run' if self.dry_run else 'run'} {self.pk} ({self.status})"

    @property
    def rows_total(self) -> int:
        return sum(self.counts.values())


class RetentionDisposal(models.Model):
    """A record the job has dealt with: it is never dealt with twice (the job is idempotent)."""

    record_type = models.CharField(max_length=30, choices=RecordType.choices)
    object_id = models.PositiveIntegerField()
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(RetentionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="disposals")
    disposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="retention_disposal_once"),
        ]

    def __str__(self):
        return f"{self.get_record_type_display()} {self.object_id} disposed {self.disposed_at:%Y-%m-%d}"
