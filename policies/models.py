"""Policies, the boundaries taxonomy and the rules that decide urgency, alerts and prompts (DESIGN §3 "policies")."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class DisclosureKind(models.TextChoices):
    """The four kinds of thing a worker files (DESIGN §3 "disclosures")."""

    SELF_DECLARATION = "self_declaration", "Something about me"
    INCIDENT = "incident", "Something that happened"
    CONCERN = "concern", "A worry about a colleague"
    VARIATION = "variation", "A plan that stretches a boundary"


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"


class StatutoryPrompt(models.TextChoices):
    """Routes a reviewer must consider before closing (seed 002 §5.6, §6.4, §7.5–7.6)."""

    SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral to the local authority"
    LADO_PIPOT = "lado_pipot", "LADO (child) or PiPoT (adult) referral"
    POLICE = "police", "Report to the police"
    REGULATOR = "regulator", "Referral to the professional regulator"
    DBS = "dbs", "DBS referral duty"
    SERIOUS_INCIDENT = "serious_incident", "Serious Incident report"
    HR_INVESTIGATION = "hr_investigation", "HR disciplinary investigation"


class Part(models.TextChoices):
    """The part a person plays in a case (seed 002 §7; seed 001 "Sexualised behaviour"; seed 000 §4)."""

    RAISED = "raised", "Raised it"
    CONCERNED = "concerned", "Person concerned"  # whose conduct is in question
    HARMED = "harmed", "Harmed or affected"
    SERVICE_USER = "service_user", "Service user involved"
    RELATIVE = "relative", "Carer or relative involved"
    COLLEAGUE = "colleague", "Colleague involved"
    GIVER = "giver", "Gave or offered a gift"
    PARTY = "party", "Party to the relationship"


# The parts a disclosure of this category gives the people it names; a concern always makes the worker
# who raised it "raised it" and the colleagues named "concerned".
PART_FIELDS = ("worker_part", "service_user_part", "relative_part", "colleague_part")


class BoundaryCategory(models.Model):
    """One entry of the boundaries taxonomy; seeded by migration 0002, editable by administrators."""

    code = models.SlugField(max_length=60, unique=True, help_text="A stable code; never shown to users.")
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(help_text="Plain words shown on the disclosure form.")
    policy_refs = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the rule comes from in the source documents, for the record; pages cite the policy "
        "sections linked below instead.",
    )
    disclosure_kinds = models.JSONField(default=list, help_text="Codes from DisclosureKind this category applies to.")
    # How cases in the category behave (data, not code; migration 0007 sets them from the seeds).
    is_relationship = models.BooleanField(
        "about a relationship",
        default=False,
        help_text="A self-declaration in this category is about a relationship: the people named in it are "
        "parties to it, and it goes into the relationships register.",
    )
    restricted_to_parties = models.BooleanField(
        "kept to the people in it",
        default=False,
        help_text="Cases are seen only by the people in them and their reviewer.",  # seed 002 §10.4
    )
    may_be_confidential = models.BooleanField(
        "may be kept between the worker and their line manager",
        default=False,
        help_text="A worker declaring something personal in this category (feelings or attachment, a relationship, "
        "their health) may ask to keep it between them and their line manager.",
    )
    needs_sign_off = models.BooleanField(
        "closure needs a second person",
        default=False,
        help_text="Closing a case in this category needs a senior manager or safeguarding lead to sign off.",
    )

    worker_part = models.CharField(
        "part of the worker who tells us",
        max_length=20,
        choices=Part.choices,
        default=Part.CONCERNED,
        help_text="In a self-declaration or incident: the part the worker filing it plays.",
    )
    service_user_part = models.CharField(
        "part of the service users named",
        max_length=20,
        choices=Part.choices,
        default=Part.SERVICE_USER,
        help_text="A gift from a service user makes them the giver whatever this says.",
    )
    relative_part = models.CharField(
        "part of the carers or relatives named",
        max_length=20,
        choices=Part.choices,
        default=Part.RELATIVE,
        help_text="A gift from a carer or relative makes them the giver whatever this says.",
    )
    colleague_part = models.CharField(
        "part of the colleagues named",
        max_length=20,
        choices=Part.choices,
        default=Part.COLLEAGUE,
        help_text="In a self-declaration or incident (in a concern, the colleagues named are concerned).",
    )

    class Questions(models.TextChoices):
        NONE = "", "None"
        GIFT = "gift", "The gift or offer"
        RELATIONSHIP = "relationship", "The relationship"
        SOCIAL_MEDIA = "social_media", "Social media"
        VARIATION = "variation", "The planned activity"

    questions = models.CharField(
        "extra questions on the form",
        max_length=20,
        choices=Questions.choices,
        blank=True,
        default=Questions.NONE,
        help_text="The extra questions a worker answers when choosing this category.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    # The sections that govern this category, shown as "what the policy says" on the
    # disclosure form. Links point at one version's sections; publishing a new version carries
    # them over by section number (policies.services.policy_version_publish).
    policy_sections = models.ManyToManyField(
        "PolicySection",
        blank=True,
        related_name="categories",
        help_text="The policy sections that govern this category.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "boundary categories"

    def __str__(self):
        return self.name

    def applies_to(self, kind: str) -> bool:
        return kind in self.disclosure_kinds

    def offers_confidentiality(self, kind: str) -> bool:
        """May a worker keep a disclosure of this kind in this category between them and their line manager?"""
        return self.may_be_confidential and kind == DisclosureKind.SELF_DECLARATION


# ---------------------------------------------------------------------------------------------
# The policy library: policies, versions, sections, acknowledgements.
# ---------------------------------------------------------------------------------------------


class Policy(models.Model):
    """A policy document; its text lives in versions, one of which at most is active."""

    title = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self):
        return self.title


class PolicyVersion(models.Model):
    """One version of a policy. Made by policies.services.policy_version_import; once published its
    text (label, body, sections) is never edited – a change is a new version. On PostgreSQL a
    trigger refuses such edits too (migration 0004)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        SUPERSEDED = "superseded", "Superseded"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField("version", max_length=20, help_text="As the document numbers it, e.g. 1.1.")
    body = models.TextField(help_text="The document as imported (plain text or Markdown).")
    source_name = models.CharField(max_length=200, blank=True, help_text="The imported file's name.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    approved_by = models.CharField(max_length=200, blank=True, help_text="Who approved it, e.g. the Board.")
    approved_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy__title", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "label"],
                name="policy_version_label_unique",
                violation_error_message="This policy already has a version with that number.",
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status="active"),
                name="policy_one_active_version",
                violation_error_message="A policy has one active version at most.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="policy_version_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.policy.title}, version {self.label} ({self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def review_is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.next_review_date is not None and self.next_review_date < today


class PolicySection(models.Model):
    """A clause or headed section of a version, as the import split it."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(max_length=20, blank=True, help_text="As the document numbers it, e.g. 4.3.")
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    order = models.PositiveIntegerField()
    anchor = models.SlugField(max_length=80, help_text="Stable id on the page; matches sections across versions.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="policy_section_order_unique"),
            models.UniqueConstraint(fields=["version", "anchor"], name="policy_section_anchor_unique"),
        ]

    def __str__(self):
        return f"{self.version.policy.title} {self.version.label}: {self.title}"

    @property
    def title(self) -> str:
        """What a reader calls it: "4.3 Gifts", "4.3", "Befriending" or "Opening text"."""
        if self.number and self.heading:
            return f"{self.number} {self.heading}"
        return self.number or self.heading or "Opening text"


class Acknowledgement(models.Model):
    """A worker confirmed "I have read and understood" a version (seed 002 §16.1.5)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_once_per_version"),
        ]

    def __str__(self):
        return f"{self.user} acknowledged {self.version}"


# ---------------------------------------------------------------------------------------------
# The rules: when a case is urgent, who is alerted at once, which statutory prompts it raises.
# One table, edited by the safeguarding lead and administrators in the admin, shown to every
# member of staff at /policies/rules/. Seeded by migration 0010 from the source policies.
# ---------------------------------------------------------------------------------------------


class RiskCondition(models.TextChoices):
    """What the reviewer's current risk assessment shows (cases.RiskAssessment factors and band)."""

    VULNERABLE = "vulnerable", "the manager's risk assessment says a child or an adult at risk is involved"
    POWER_IMBALANCE = "power_imbalance", "the manager's risk assessment finds a power imbalance"
    SEXUAL = "sexual", "the manager's risk assessment finds a sexual element"
    FINANCIAL = "financial", "the manager's risk assessment finds a financial element"
    LONE_WORKING = "lone_working", "the manager's risk assessment finds lone working"
    REPEATED = "repeated", "the manager's risk assessment finds it has happened before"
    HIGH_BAND = "high_band", "the risk assessment puts it in a high band"


class FormAnswer(models.TextChoices):
    """Answers a worker gives on the disclosure form."""

    AT_RISK_NOW = "at_risk_now", "the worker says someone is at risk of harm now"
    GIFT_ACCEPTED = "gift_accepted", "the gift or money was accepted"


class CaseDecision(models.TextChoices):
    """What the reviewer has decided on the case so far."""

    HR_REFERRED = "hr_referred", "the case has been referred for HR investigation"
    DISCIPLINARY = "disciplinary", "the case is referred for HR investigation or closes with a disciplinary referral"


PRIORITY_RANK = {Priority.NORMAL: 0, Priority.HIGH: 1, Priority.URGENT: 2}


@dataclass(frozen=True)
class Situation:
    """What the rules look at, gathered by cases from a disclosure or a case (cases.selectors.rules)."""

    category_id: int
    kinds: frozenset = frozenset()
    staff_parts: frozenset = frozenset()  # parts played by members of staff
    registered_parts: frozenset = frozenset()  # parts played by staff registered with a professional regulator
    vulnerable: bool = False  # a child or an adult at risk is involved
    risks: frozenset = frozenset()  # RiskCondition values
    answers: frozenset = frozenset()  # FormAnswer values
    decisions: frozenset = frozenset()  # CaseDecision values


class Rule(models.Model):
    """When a situation meets every condition set on a rule, the rule's effects apply. Effects add up:
    the highest priority wins, any alert alerts, the prompts are the union of every matching rule's."""

    name = models.CharField(max_length=120, unique=True, help_text="A short name, e.g. “Sexualised behaviour”.")
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    # When … (a condition left empty does not narrow the rule)
    categories = models.ManyToManyField(
        BoundaryCategory, blank=True, related_name="rules", help_text="Any of these categories (none: any category)."
    )
    kinds = models.JSONField(
        "kinds of report", default=list, blank=True, help_text="Codes from DisclosureKind (none: any kind)."
    )
    staff_part = models.CharField(
        "a member of staff's part",
        max_length=20,
        choices=Part.choices,
        blank=True,
        help_text="A member of staff plays this part, e.g. “Person concerned”: their own conduct is in question.",
    )
    staff_registered = models.BooleanField(
        "that member of staff is registered",
        default=False,
        help_text="The member of staff with that part (the person concerned if no part is chosen) is registered "
        "with a professional regulator (NMC, HCPC, GMC, Social Work England).",
    )
    vulnerable = models.BooleanField(
        "a child or an adult at risk is involved",
        default=False,
        help_text="A service user named is recorded as a child or an adult at risk, or the risk assessment says so.",
    )
    risk = models.CharField("risk assessment", max_length=20, choices=RiskCondition.choices, blank=True)
    answer = models.CharField("answer on the form", max_length=20, choices=FormAnswer.choices, blank=True)
    decision = models.CharField("reviewer's decision", max_length=20, choices=CaseDecision.choices, blank=True)

    # … then
    priority = models.CharField(
        max_length=10, choices=Priority.choices, blank=True, help_text="The case is at least this urgent."
    )
    safeguarding = models.BooleanField(
        "safeguarding matter", default=False, help_text="The safeguarding lead can see the case."
    )
    alert = models.BooleanField(
        "alert the safeguarding lead at once",
        default=False,
        help_text="Every safeguarding lead who is not conflicted is e-mailed at once (and the case is a "
        "safeguarding matter).",
    )
    prompts = models.JSONField(
        "statutory prompts",
        default=list,
        blank=True,
        help_text="Codes from StatutoryPrompt the reviewer must consider.",
    )

    # … because
    reason = models.TextField(help_text="Why, in plain words a care worker understands; shown on /policies/rules/.")
    policy_sections = models.ManyToManyField(
        PolicySection, blank=True, related_name="rules", help_text="The organisation's policy clauses behind the rule."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the default came from in the source policies (for the record)."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[categories])

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(priority="") | Q(safeguarding=True) | Q(alert=True) | ~Q(prompts=[]),
                name="rule_has_an_effect",
                violation_error_message="A rule must do something: set a priority, a safeguarding flag, an alert "
                "or a prompt.",
            ),
        ]

    def __str__(self):
        return self.name

    def category_ids(self) -> set[int]:
        """The categories condition (prefetched by policies.selectors.rules_active)."""
        return {c.pk for c in self.categories.all()}

    def matches(self, situation: Situation) -> bool:
        """Does the situation meet every condition set on this rule?"""
        categories = self.category_ids()
        if categories and situation.category_id not in categories:
            return False
        if self.kinds and not set(self.kinds) & situation.kinds:
            return False
        if self.staff_part and self.staff_part not in situation.staff_parts:
            return False
        if self.staff_registered and (self.staff_part or Part.CONCERNED) not in situation.registered_parts:
            return False
        if self.vulnerable and not situation.vulnerable:
            return False
        if self.risk and self.risk not in situation.risks:
            return False
        if self.answer and self.answer not in situation.answers:
            return False
        return not (self.decision and self.decision not in situation.decisions)

    def get_prompts_display(self) -> list[str]:
        return [StatutoryPrompt(code).label for code in StatutoryPrompt.values if code in (self.prompts or [])]
