"""The organisation: teams, staff and their line management, the people supported, and the
register of declared relationships (DESIGN §3 "people")."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

# Records identify service users by initials only (seed 003, "initials only").
initials_validator = RegexValidator(r"^[A-Z]{1,3}$", "Initials are one to three capital letters, e.g. JB.")


class Team(models.Model):
    class ServiceArea(models.TextChoices):
        DAY = "day", "Day services"
        COMMUNITY = "community", "Community"
        RESIDENTIAL = "residential", "Residential"
        HOUSING = "housing", "Housing and supported living"
        CHILDREN = "children", "Children and families"
        HEALTH = "health", "Health"
        CENTRAL = "central", "Central services"

    name = models.CharField(max_length=120, unique=True)
    service_area = models.CharField(max_length=20, choices=ServiceArea.choices, default=ServiceArea.COMMUNITY)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaffMemberQuerySet(models.QuerySet):
    def active(self, today=None):
        """Staff who may act today (StaffMember.is_active_on says the same of one row)."""
        return self.filter(StaffMember.active_q(today))


class StaffMember(models.Model):
    """A worker of any kind (seed 002 §4.1); one per user account."""

    class EmploymentType(models.TextChoices):
        # seed 002 §4.1: "permanent, fixed term, locum or seconded basis, trainees and students,
        # Bank workers, volunteers, agency workers, employed service users or self-employed contractor"
        PERMANENT = "permanent", "Permanent"
        FIXED_TERM = "fixed_term", "Fixed term"
        LOCUM = "locum", "Locum"
        SECONDED = "seconded", "Seconded"
        STUDENT = "student", "Trainee or student"
        APPRENTICE = "apprentice", "Apprentice"
        BANK = "bank", "Bank"
        VOLUNTEER = "volunteer", "Volunteer"
        AGENCY = "agency", "Agency"
        EMPLOYED_SERVICE_USER = "employed_service_user", "Employed service user"
        CONTRACTOR = "contractor", "Self-employed contractor"

    class RegistrationBody(models.TextChoices):
        NONE = "", "None"
        NMC = "nmc", "NMC"
        HCPC = "hcpc", "HCPC"
        GMC = "gmc", "GMC"
        SWE = "swe", "Social Work England"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    staff_number = models.CharField(
        max_length=30, unique=True, help_text="The id in the HR system; imports match on it."
    )
    employment_type = models.CharField(max_length=30, choices=EmploymentType.choices, default=EmploymentType.PERMANENT)
    job_title = models.CharField(max_length=120)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="staff")
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="direct_reports"
    )
    registration_body = models.CharField(max_length=10, choices=RegistrationBody.choices, blank=True, default="")
    registration_number = models.CharField(max_length=40, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = "staff member"
        constraints = [
            models.CheckConstraint(
                condition=Q(line_manager__isnull=True) | ~Q(line_manager=F("pk")),
                name="staff_not_own_line_manager",
                violation_error_message="A worker cannot be their own line manager.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="staff_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.staff_number})"

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    # "Active" has one meaning everywhere: the staff record and the account are on, and the end date
    # (the last day of employment) has not passed. Someone inactive is never routed a case, never acts
    # on one, and is re-routed away from the cases they review.
    @staticmethod
    def active_q(today=None) -> Q:
        """The rule as a filter, for querysets (StaffMember.objects.active())."""
        today = today or timezone.localdate()
        return Q(is_active=True, user__is_active=True) & (Q(end_date__isnull=True) | Q(end_date__gte=today))

    def is_active_on(self, today=None) -> bool:
        """The same rule for one row."""
        today = today or timezone.localdate()
        return self.is_active and self.user.is_active and (self.end_date is None or self.end_date >= today)


class ServiceUser(models.Model):
    """A person the organisation supports, held by reference and initials only (seed 003)."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        FORMER = "former", "Former"

    reference = models.CharField(max_length=40, unique=True, help_text="The id in the care record system.")
    initials = models.CharField(max_length=3, validators=[initials_validator])
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="service_users")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT)
    left_date = models.DateField(null=True, blank=True)
    is_child = models.BooleanField("child", default=False)
    is_adult_at_risk = models.BooleanField("adult at risk", default=False)
    lacks_capacity = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="current", left_date__isnull=True) | Q(status="former", left_date__isnull=False),
                name="service_user_left_date_iff_former",
                violation_error_message="A former service user has a leaving date; a current one has none.",
            ),
            models.CheckConstraint(
                condition=Q(initials__regex=r"^[A-Z]{1,3}$"),
                name="service_user_initials_format",
                violation_error_message="Initials are one to three capital letters.",
            ),
        ]

    def __str__(self):
        return f"{self.initials} ({self.reference})"


class CarerOrRelative(models.Model):
    """Someone close to a service user (seed 001; seed 002 §6.3.7), with the same minimal fields."""

    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="carers")
    initials = models.CharField(max_length=3, validators=[initials_validator])
    relationship_to_service_user = models.CharField(max_length=60, help_text="e.g. mother, paid carer, neighbour")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "carer or relative"
        verbose_name_plural = "carers and relatives"

    def __str__(self):
        return f"{self.initials}, {self.relationship_to_service_user} of {self.service_user}"


class AssignmentQuerySet(models.QuerySet):
    def current(self):
        today = timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today)


class Assignment(models.Model):
    """A worker's role in a service user's support. Made only through people.services.assignment_create."""

    class Role(models.TextChoices):
        KEY_WORKER = "key_worker", "Key worker"
        SUPPORT_WORKER = "support_worker", "Support worker"

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="assignments")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["service_user"],
                condition=Q(role="key_worker", end_date__isnull=True),
                name="one_open_key_worker_per_service_user",
                violation_error_message="This service user already has a key worker.",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.staff} for {self.service_user}"


class Relationship(models.Model):
    """The register of declared relationships (DESIGN §3): who knows whom outside the professional role."""

    class Counterpart(models.TextChoices):
        SERVICE_USER = "service_user", "Service user"
        FORMER_SERVICE_USER = "former_service_user", "Former service user"
        CARER = "carer", "Carer or relative of a service user"
        COLLEAGUE = "colleague", "Colleague"
        PARTNER_AGENCY = "partner_agency", "Worker from a partner agency"

    class Kind(models.TextChoices):
        FAMILY = "family", "Family"
        FRIEND = "friend", "Friend or prior acquaintance"
        ROMANTIC = "romantic", "Romantic or sexual"
        PARTNER = "partner", "Partner or living together"
        BUSINESS = "business", "Business or financial"
        SOCIAL_MEDIA = "social_media", "Social media contact"
        OTHER = "other", "Other"

    class Began(models.TextChoices):
        BEFORE = "before", "Before the service"
        DURING = "during", "During the service"

    class Status(models.TextChoices):
        DECLARED = "declared", "Declared"
        MANAGED = "managed", "Managed"
        ENDED = "ended", "Ended"

    OPEN_STATUSES = (Status.DECLARED, Status.MANAGED)
    # Close personal relationships between workers (seed 002 §4.4).
    CLOSE_KINDS = (Kind.FAMILY, Kind.ROMANTIC, Kind.PARTNER, Kind.BUSINESS)

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="relationships")
    counterpart = models.CharField(max_length=30, choices=Counterpart.choices)
    service_user = models.ForeignKey(
        ServiceUser, null=True, blank=True, on_delete=models.PROTECT, related_name="relationships"
    )
    carer = models.ForeignKey(
        CarerOrRelative, null=True, blank=True, on_delete=models.PROTECT, related_name="relationships"
    )
    colleague = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="relationships_as_colleague"
    )
    partner_agency = models.CharField(max_length=120, blank=True, help_text="The agency's name; never a person's.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    began = models.CharField(max_length=10, choices=Began.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DECLARED)
    declared_date = models.DateField(default=timezone.localdate)
    arrangement = models.TextField(blank=True, help_text="The arrangement agreed to manage it.")
    next_review_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-declared_date"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(counterpart__in=["service_user", "former_service_user"], service_user__isnull=False)
                    | Q(counterpart="carer", carer__isnull=False)
                    | Q(counterpart="colleague", colleague__isnull=False)
                    | Q(counterpart="partner_agency")
                ),
                name="relationship_names_its_counterpart",
                violation_error_message="Choose who the relationship is with.",
            ),
            models.CheckConstraint(
                condition=Q(colleague__isnull=True) | ~Q(colleague=F("staff")),
                name="relationship_not_with_self",
                violation_error_message="A relationship is with someone else.",
            ),
        ]

    def __str__(self):
        # Identifies the row without its kind: the string shows up in the admin, logs and messages,
        # where the nature of the relationship is not for everyone (AC-07; people engineer).
        return f"{self.staff} – declared relationship with {self.counterpart_label}"

    @property
    def counterpart_label(self) -> str:
        other = self.service_user or self.carer or self.colleague
        return str(other) if other else self.partner_agency or self.get_counterpart_display()

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ProcessingRestrictionQuerySet(models.QuerySet):
    def active(self):
        """Restrictions granted and not lifted."""
        return self.filter(lifted_at__isnull=True)


class ProcessingRestriction(models.Model):
    """A person's records whose use is restricted (UK GDPR Article 18) while a request is decided.

    Held here so that every app that shows a person (cases, registers) can read it; written only by the
    data protection officer's services (privacy.requests.erasure: granted, lifted). The rule "is this
    person restricted?" is people.selectors.restricted_people (docs/privacy.md "Restriction").
    """

    staff = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_user = models.ForeignKey(ServiceUser, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(CarerOrRelative, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    request_id = models.PositiveIntegerField(help_text="The data subject's request that granted it.")
    reason = models.TextField(help_text="What is restricted, and until when.")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = ProcessingRestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(staff__isnull=False, service_user__isnull=True, carer__isnull=True)
                    | Q(staff__isnull=True, service_user__isnull=False, carer__isnull=True)
                    | Q(staff__isnull=True, service_user__isnull=True, carer__isnull=False)
                ),
                name="processing_restriction_one_person",
                violation_error_message="A restriction is on exactly one person.",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="processing_restriction_lift_has_reason",
                violation_error_message="Say why the restriction is lifted.",
            ),
        ]

    def __str__(self):
        return f"Restriction {self.pk} (request {self.request_id})"


class RecordCorrectionNote(models.Model):
    """A person's correction of their staff record or of a register entry (UK GDPR Article 16), with the data
    protection officer's decision, shown on that record to those who can see it. The record is never
    overwritten. Written only by privacy.requests.services.correction_record; never edited."""

    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="correction_notes"
    )
    relationship = models.ForeignKey(
        Relationship, null=True, blank=True, on_delete=models.PROTECT, related_name="correction_notes"
    )
    request_id = models.PositiveIntegerField(help_text="The data subject's request it was made on.")
    text = models.TextField(help_text="The correction, the decision and why, as shown on the record.")
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__isnull=False, relationship__isnull=True)
                | Q(staff__isnull=True, relationship__isnull=False),
                name="record_correction_note_one_record",
                violation_error_message="A correction is attached to exactly one record.",
            ),
        ]

    def __str__(self):
        return f"Correction note {self.pk}"
