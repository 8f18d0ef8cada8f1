"""The reviewer's working record of a case: the 5×5 risk matrix and assessments, statutory prompt
answers, the action library and agreed actions, reviews, and what the person concerned was told."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from core.formats import uk_date
from people.models import StaffMember
from policies.models import StatutoryPrompt


class RiskScaleLabel(models.Model):
    """The words on one axis of the 5×5 matrix (data, editable; default NHS wording)."""

    class Axis(models.TextChoices):
        LIKELIHOOD = "likelihood", "Likelihood"
        CONSEQUENCE = "consequence", "Consequence"

    axis = models.CharField(max_length=12, choices=Axis.choices)
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["axis", "value"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "value"], name="risk_scale_label_unique"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="risk_scale_value_1_to_5"),
        ]

    def __str__(self):
        return f"{self.get_axis_display()} {self.value}: {self.label}"


class RiskBand(models.Model):
    """A band of scores (likelihood × consequence), e.g. 15–25 "Extreme" (data; default NHS bands)."""

    code = models.SlugField(max_length=20, unique=True)
    label = models.CharField(max_length=40)
    min_score = models.PositiveSmallIntegerField()
    max_score = models.PositiveSmallIntegerField()
    is_high = models.BooleanField(default=False, help_text="Closing a case in this band needs a second person.")
    colour = models.CharField(max_length=20, default="secondary", help_text="A Bootstrap colour name.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["min_score"]
        constraints = [
            models.CheckConstraint(condition=Q(min_score__lte=F("max_score")), name="risk_band_range_ordered"),
        ]

    def __str__(self):
        return f"{self.label} ({self.min_score}–{self.max_score})"


class RiskAssessment(models.Model):
    """One assessment of a case on the 5×5 matrix; the latest is current. Never edited: reassess."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    assessed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    likelihood = models.PositiveSmallIntegerField()
    consequence = models.PositiveSmallIntegerField()
    score = models.GeneratedField(
        expression=F("likelihood") * F("consequence"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    # Boundary factors (DESIGN §3 "cases").
    factor_vulnerable = models.BooleanField("service user is a child or an adult at risk", default=False)
    factor_power_imbalance = models.BooleanField("power imbalance", default=False)
    factor_sexual = models.BooleanField("sexual element", default=False)
    factor_financial = models.BooleanField("financial element", default=False)
    factor_lone_working = models.BooleanField("lone working", default=False)
    factor_repeated = models.BooleanField("repeated", default=False)
    risk_to_service_user = models.TextField(blank=True)
    risk_to_worker = models.TextField(blank=True)
    risk_to_organisation = models.TextField(blank=True)
    mitigation = models.TextField(blank=True)
    residual_likelihood = models.PositiveSmallIntegerField()
    residual_consequence = models.PositiveSmallIntegerField()
    residual_score = models.GeneratedField(
        expression=F("residual_likelihood") * F("residual_consequence"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    history = HistoricalRecords()

    FACTOR_FIELDS = (
        "factor_vulnerable",
        "factor_power_imbalance",
        "factor_sexual",
        "factor_financial",
        "factor_lone_working",
        "factor_repeated",
    )

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = ["assessed_at", "pk"]
        # The current assessment of a case, read by the queue and the report (docs/performance.md).
        indexes = [models.Index(fields=["case", "-assessed_at", "-id"], name="assessment_latest_per_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    likelihood__gte=1,
                    likelihood__lte=5,
                    consequence__gte=1,
                    consequence__lte=5,
                    residual_likelihood__gte=1,
                    residual_likelihood__lte=5,
                    residual_consequence__gte=1,
                    residual_consequence__lte=5,
                ),
                name="risk_assessment_scores_1_to_5",
                violation_error_message="Likelihood and consequence are each from 1 to 5.",
            ),
        ]

    def __str__(self):
        return f"{self.case} risk {self.likelihood}×{self.consequence}"


class PromptAnswer(models.Model):
    """A statutory prompt considered before closure: yes or no, and why (seed 002 §5.6, §6.4, §7.5–7.6)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="prompt_answers")
    prompt = models.CharField(max_length=30, choices=StatutoryPrompt.choices)
    referral_made = models.BooleanField(help_text="Yes: the referral or report was made (or is being made).")
    reason = models.TextField(help_text="Why, in a sentence or two.")
    answered_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    answered_date = models.DateField(default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "prompt"]
        constraints = [models.UniqueConstraint(fields=["case", "prompt"], name="prompt_answer_once_per_case")]

    def __str__(self):
        return f"{self.case} {self.prompt}: {'yes' if self.referral_made else 'no'}"


class ActionTemplate(models.Model):
    """An entry of the action library (seed 002 §10.1.1–10.1.6, seed 001 handover, seed 000 §5.4)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(help_text="What the action involves, in plain words.")
    policy_refs = models.CharField(max_length=200, blank=True)
    default_days = models.PositiveSmallIntegerField(default=14, help_text="Due this many days after it is agreed.")
    refers_to = models.CharField(
        max_length=30,
        choices=StatutoryPrompt.choices,
        blank=True,
        help_text="For a referral: the statutory route it makes.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title


class Action(models.Model):
    """One agreed action on a case: owner, due date, status."""

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "No longer needed"
        NOT_POSSIBLE = "not_possible", "Not possible"

    # What the owner may record from "My actions" (cases.services.action_owner_mark); the reviewer's own
    # form offers the other statuses.
    OWNER_OUTCOMES = (Status.DONE, Status.NOT_POSSIBLE)
    REVIEWER_STATUSES = (Status.OPEN, Status.DONE, Status.CANCELLED)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    template = models.ForeignKey(ActionTemplate, on_delete=models.PROTECT, related_name="actions")
    details = models.TextField(blank=True, help_text="What exactly will be done.")
    owner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="case_actions")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    not_possible_reason = models.TextField(
        blank=True, help_text="Why the owner could not do it (when they marked it “not possible”)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        # A case's next open action and its overdue ones (the queue, docs/performance.md).
        indexes = [models.Index(fields=["case", "due_date"], condition=Q(status="open"), name="action_open_by_case")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False),
                name="action_done_has_completed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_possible") | ~Q(not_possible_reason=""),
                name="action_not_possible_has_reason",
                violation_error_message="Say why the action is not possible.",
            ),
        ]

    def __str__(self):
        return f"{self.case}: {self.template}"

    @staticmethod
    def overdue_q(today: datetime.date) -> Q:
        return Q(status=Action.Status.OPEN, due_date__lt=today)

    @staticmethod
    def due_q(today: datetime.date) -> Q:
        return Q(status=Action.Status.OPEN, due_date__lte=today)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and today > self.due_date


class Review(models.Model):
    """A scheduled review of the arrangements (seed 002 §10.3)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField()
    next_review_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self):
        return f"{self.case} review {uk_date(self.reviewed_at)}"


class ActionCheck(models.Model):
    """At a review, for one action: still needed? working? (seed 002 §10.3)."""

    class Working(models.TextChoices):
        YES = "yes", "Working"
        PARTLY = "partly", "Partly working"
        NO = "no", "Not working"
        TOO_EARLY = "too_early", "Too early to say"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="action_checks")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="checks")
    still_needed = models.BooleanField()
    working = models.CharField(max_length=10, choices=Working.choices)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "action"], name="action_check_once_per_review")]

    def __str__(self):
        return f"{self.review}: {self.action}"


class SubjectNotice(models.Model):
    """What the subject of a case was told, when, and their reply. The subject sees exactly `told`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="subject_notices")
    subject = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="notices_received")
    told = models.TextField(help_text="Exactly what the subject was told; they read this text.")
    told_date = models.DateField(default=timezone.localdate)
    told_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-told_date", "-pk"]

    def __str__(self):
        return f"{self.case} notice to staff {self.subject_id}"
