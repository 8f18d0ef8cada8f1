"""The manager's record of a situation (DESIGN §3 "cases"): the case, its timeline, and the
counter that numbers cases and disclosures.

cases never imports disclosures: a case reaches its disclosures through `case.disclosures`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import ServiceUser, StaffMember, Team
from policies.models import BoundaryCategory, Priority


class ReferenceSequence(models.Model):
    """The last number handed out per prefix and year ("C-2026-00042", "D-2026-00042").

    A row locked with SELECT ... FOR UPDATE gives gap-free, collision-free numbers on
    several web processes; it holds no personal data, so it is not history-tracked.
    """

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_sequence_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class Case(models.Model):
    """One or more disclosures about the same situation, routed to one reviewer."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        FACT_FINDING = "fact_finding", "Fact-finding"
        ACTION_PLAN = "action_plan", "Action plan"
        MONITORING = "monitoring", "Monitoring"
        CLOSURE_REVIEW = "closure_review", "Closure review"
        CLOSED = "closed", "Closed"

    # DESIGN §4: the only moves a case may make; anything else is refused.
    ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
        Status.NEW: frozenset({Status.FACT_FINDING, Status.CLOSURE_REVIEW, Status.CLOSED}),
        Status.FACT_FINDING: frozenset({Status.ACTION_PLAN, Status.CLOSURE_REVIEW, Status.CLOSED}),
        Status.ACTION_PLAN: frozenset({Status.MONITORING, Status.CLOSURE_REVIEW, Status.CLOSED}),
        Status.MONITORING: frozenset({Status.ACTION_PLAN, Status.CLOSURE_REVIEW, Status.CLOSED}),
        Status.CLOSURE_REVIEW: frozenset({Status.CLOSED, Status.FACT_FINDING}),
        Status.CLOSED: frozenset({Status.FACT_FINDING}),
    }
    OPEN_STATUSES = (
        Status.NEW,
        Status.FACT_FINDING,
        Status.ACTION_PLAN,
        Status.MONITORING,
        Status.CLOSURE_REVIEW,
    )

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    category = models.ForeignKey(BoundaryCategory, on_delete=models.PROTECT, related_name="cases")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    is_safeguarding = models.BooleanField("safeguarding", default=False)
    is_restricted = models.BooleanField(
        "restricted", default=False, help_text="Visible only to the people in it and the reviewer (seed 002 §10.4)."
    )
    is_speak_up = models.BooleanField(
        "speak-up", default=False, help_text="Raised through the speak-up route; routed to the guardian."
    )
    subjects = models.ManyToManyField(StaffMember, blank=True, related_name="cases_as_subject")
    service_users = models.ManyToManyField(ServiceUser, blank=True, related_name="cases")
    reviewer = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_to_review"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    restricted_to = models.ManyToManyField(
        StaffMember,
        blank=True,
        related_name="restricted_cases",
        help_text="For a restricted case: everyone allowed to see it.",
    )
    acknowledge_by_date = models.DateField()
    opened_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: raised by every change.")
    outcome_summary_for_reporter = models.TextField(
        blank=True, help_text="What the worker who filed may read once the case is closed."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="case_closed_has_closed_at",
                violation_error_message="A closed case records when it was closed.",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="case_version_positive",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT

    def is_acknowledgement_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.NEW and today > self.acknowledge_by_date

    def can_transition_to(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, frozenset())


class TimelineEntry(models.Model):
    """One line of a case's story: routing, status changes, notes, escalations. Case content."""

    class Code(models.TextChoices):
        OPENED = "opened", "Opened"
        ROUTED = "routed", "Routed"
        ATTACHED = "attached", "Disclosure attached"
        RESTRICTED = "restricted", "Restricted"
        SAFEGUARDING_ALERTED = "safeguarding_alerted", "Safeguarding lead alerted"
        ACTION_PROPOSED = "action_proposed", "Action proposed"
        NOTE = "note", "Note"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=40, choices=Code.choices)
    text = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "timeline entries"

    def __str__(self):
        return f"{self.case} {self.at:%Y-%m-%d %H:%M} {self.code}"
