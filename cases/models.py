"""The manager's record of a situation (DESIGN §3 "cases"): the case, its timeline, and the
counter that numbers cases and disclosures.

cases never imports disclosures: a case reaches its disclosures through `case.disclosures`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Relationship, ServiceUser, StaffMember, Team
from policies.models import BoundaryCategory, Priority, StatutoryPrompt

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
        late_actions = Action.objects.filter(Action.overdue_q(today), case=models.OuterRef("pk"))
        return self.filter(Case.acknowledgement_overdue_q(today) | Case.review_overdue_q(today) | Exists(late_actions))


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
    # Issue 4: review, outcome and closure.
    next_review_date = models.DateField(null=True, blank=True, help_text="When the arrangements are next reviewed.")
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True, help_text="The reviewer's reasons for the outcome (case content).")
    lessons = models.TextField(
        blank=True,
        help_text="Lessons for training (seed 000 §6.1). Written without names; the safeguarding lead "
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
    def review_due_q(today: datetime.date) -> Q:
        return Q(next_review_date__lte=today) & ~Q(status=Case.Status.CLOSED)

    def is_acknowledgement_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.NEW and today > self.acknowledge_by_date

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


# ---------------------------------------------------------------------------------------------
# Issue 4: risk assessment, statutory prompts, actions, reviews, what the subject was told.
# ---------------------------------------------------------------------------------------------


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
        return f"{self.case} review {self.reviewed_at:%d/%m/%Y}"


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


class GiftDecision(models.Model):
    """The reviewer's decision on a gift declared on the case and worth more than
    settings.GIFT_DECISION_THRESHOLD (docs/registers.md; seed 004 §1.2, seed 000 §4.1).

    cases never imports disclosures: the gift is named by its disclosure's reference, which is unique and
    never changes once given. One decision per gift; never edited.
    """

    class Decision(models.TextChoices):
        KEEP_FOR_TEAM = "keep_for_team", "Kept for the team (passed to the organisation)"
        RETURN = "return", "Returned to the giver"
        DONATE = "donate", "Donated to charity"
        DECLINE = "decline", "Declined"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="gift_decisions")
    disclosure_reference = models.CharField(max_length=20, unique=True, help_text="The gift's disclosure.")
    value = models.DecimalField(max_digits=10, decimal_places=2, help_text="The value declared, when decided.")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    note = models.TextField(help_text="Why, and what happens to the gift.")
    decided_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.case} gift {self.disclosure_reference}: {self.decision}"
