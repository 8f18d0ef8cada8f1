"""The manager's record of a situation (DESIGN §3 "cases"): the case, its timeline, and the
counter that numbers cases and disclosures.

cases never imports disclosures: a case reaches its disclosures through `case.disclosures`.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Relationship, ServiceUser, StaffMember, Team
from policies.models import BoundaryCategory, Priority

# How the person who raised a speak-up concern is named to everyone but the guardian (DESIGN §5, §6).
SPEAK_UP_REPORTER = "the person who raised it"


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


class Outcome(models.TextChoices):
    """How a case ended (DESIGN §3 "Outcome")."""

    NO_FURTHER_ACTION = "no_further_action", "No further action"
    MANAGED_ARRANGEMENT = "managed_arrangement", "Managed arrangement in place"
    GUIDANCE = "guidance", "Informal guidance or supervision"
    TRAINING = "training", "Training"
    DISCIPLINARY = "disciplinary", "Referred for disciplinary investigation"
    EXTERNAL_REFERRAL = "external_referral", "Referred externally"
    NOT_SUBSTANTIATED = "not_substantiated", "Concern not substantiated"
    UNFOUNDED = "unfounded", "Concern unfounded"
    MALICIOUS = "malicious", "Concern malicious"


class CaseQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        """Open cases with something past its date: the acknowledgement, the review, or an action."""
        today = today or timezone.localdate()
        Action = apps.get_model("cases", "Action")  # noqa: N806 - defined beside the review records
        late_actions = Action.objects.filter(Action.overdue_q(today), case=models.OuterRef("pk"))
        return self.filter(
            Case.acknowledgement_overdue_q(today)
            | Case.review_overdue_q(today)
            | Case.decision_overdue_q(today)
            | Exists(late_actions)
        )


def _priority_rank() -> models.Case:
    return models.Case(
        models.When(priority=Priority.URGENT, then=models.Value(0)),
        models.When(priority=Priority.HIGH, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )


class Case(models.Model):
    """One or more disclosures about the same situation, routed to one reviewer."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        FACT_FINDING = "fact_finding", "Fact-finding"
        ACTION_PLAN = "action_plan", "Action plan"
        MONITORING = "monitoring", "Monitoring"
        CLOSURE_REVIEW = "closure_review", "Closure review"
        CLOSED = "closed", "Closed"

    # The moves between statuses are a table in cases.permissions (MOVES); anything else is refused.
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
        "restricted", default=False, help_text="Visible only to the people in it and the reviewer."
    )
    is_speak_up = models.BooleanField(
        "speak-up", default=False, help_text="Raised through the speak-up route; routed to the guardian."
    )
    is_confidential = models.BooleanField(
        "between the worker and their line manager",
        default=False,
        help_text="The worker asked to keep it between them and their line manager: only the "
        "reviewer and whoever it is escalated to see it, and the safeguarding lead if a rule makes it a "
        "safeguarding matter.",
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
    # Review, outcome and closure (DESIGN §4).
    next_review_date = models.DateField(null=True, blank=True, help_text="When the arrangements are next reviewed.")
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True, help_text="The reviewer's reasons for the outcome (case content).")
    lessons = models.TextField(
        blank=True,
        # seed 000 §6.1: lessons feed training.
        help_text="Lessons for training. Written without names; the safeguarding lead "
        "reviews them before they reach a quarterly report.",
    )
    relationship = models.ForeignKey(
        Relationship,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The entry in the relationships register this case manages, if any.",
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The second person who signed off closure (never the reviewer).",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    activity_date = models.DateField(
        null=True, blank=True, help_text="For a variation request: when the planned activity would happen."
    )
    decision_due_date = models.DateField(
        null=True,
        blank=True,
        help_text="For a variation request: the decision is due by this date (before the activity).",
    )
    hr_referred_at = models.DateTimeField(
        null=True, blank=True, help_text="Referred for HR investigation: from then on HR may see the case."
    )
    shared_with = models.ManyToManyField(
        StaffMember,
        blank=True,
        related_name="cases_shared",
        help_text="People the case was escalated to, who may see it besides the reviewer.",
    )
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        # Chosen from EXPLAIN ANALYZE at 100,000 and 1,000,000 cases (docs/performance.md "Indexes").
        indexes = [
            # The queue's order (urgent, high, then the oldest): a page of 25 is read in index order.
            models.Index(_priority_rank(), "opened_at", "id", name="case_queue_order"),
            # A reviewer's open cases (the line manager's queue, reminders, the dashboard).
            models.Index(fields=["reviewer"], condition=~Q(status="closed"), name="case_open_by_reviewer"),
            # The quarterly report: opened in the quarter, closed in it or open at its end.
            models.Index(fields=["opened_at"], name="case_opened_at"),
            models.Index(fields=["closed_at"], name="case_closed_at"),
        ]
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
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="case_closed_has_outcome",
                violation_error_message="A closed case has an outcome.",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=F("reviewer")),
                name="case_sign_off_not_by_reviewer",
                violation_error_message="The reviewer cannot sign off their own case.",
            ),
        ]

    def __str__(self):
        return self.reference

    @staticmethod
    def priority_rank() -> models.Case:
        """Urgent 0, high 1, anything else 2: the queue's first sort key (and its index's)."""
        return _priority_rank()

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT

    # "Overdue" means past its date: the day after the deadline. "Due" means on or past it (the digest and
    # the dashboard list what is due today). Each rule is written once as a filter and once for a row.
    @staticmethod
    def acknowledgement_overdue_q(today: datetime.date) -> Q:
        return Q(status=Case.Status.NEW, acknowledge_by_date__lt=today)

    @staticmethod
    def review_overdue_q(today: datetime.date) -> Q:
        return Q(next_review_date__lt=today) & ~Q(status=Case.Status.CLOSED)

    @staticmethod
    def decision_overdue_q(today: datetime.date) -> Q:
        return Q(decision_due_date__lt=today) & ~Q(status=Case.Status.CLOSED)

    @staticmethod
    def decision_due_q(today: datetime.date) -> Q:
        return Q(decision_due_date__lte=today) & ~Q(status=Case.Status.CLOSED)

    @staticmethod
    def review_due_q(today: datetime.date) -> Q:
        return Q(next_review_date__lte=today) & ~Q(status=Case.Status.CLOSED)

    def is_acknowledgement_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.NEW and today > self.acknowledge_by_date

    def is_decision_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.decision_due_date is not None and today > self.decision_due_date

    def is_review_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.next_review_date is not None and today > self.next_review_date


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
        STATUS_CHANGED = "status_changed", "Status changed"
        ASSESSED = "assessed", "Risk assessed"
        BAND_CHANGED = "band_changed", "Risk band changed"
        PROMPT_ANSWERED = "prompt_answered", "Statutory prompt answered"
        ACTION_ADDED = "action_added", "Action added"
        ACTION_UPDATED = "action_updated", "Action updated"
        REVIEWED = "reviewed", "Reviewed"
        SUBJECT_TOLD = "subject_told", "Subject told"
        SUBJECT_REPLIED = "subject_replied", "Subject replied"
        ESCALATED = "escalated", "Escalated"
        REASSIGNED = "reassigned", "Reassigned"
        CLOSURE_REQUESTED = "closure_requested", "Closure requested"
        SIGNED_OFF = "signed_off", "Closure signed off"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        HR_REFERRED = "hr_referred", "Referred to HR"
        GIFT_DECIDED = "gift_decided", "Gift decided"
        # Who can see a confidential case: the worker who asked for confidentiality reads these entries.
        WHO_CAN_SEE = "who_can_see", "Who can see it"

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
