"""Data subjects' requests (UK GDPR Articles 12, 15–18 and 21): what was asked, by whom, when it is due,
what the DPO decided, and what was attached to a record (docs/privacy.md).

A request names one person the organisation holds: a member of staff, a service user, or a carer or
relative (people app). Every write goes through privacy.requests.services.
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import CarerOrRelative, ServiceUser, StaffMember


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The corresponding calendar date `months` later, or that month's last day when it has none
    (ICO, "Right of access: how long do we have to comply?": 31 January → 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: datetime.date) -> datetime.date:
    """A limit falling on a Saturday or Sunday moves to the Monday (ICO). Bank holidays are not known to
    the product (as in cases.services.references), so a limit on one stays a day early."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


class RightsRequest(models.Model):
    """One request from a data subject, logged by the DPO."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access: a copy of what we hold (Article 15)"
        RECTIFICATION = "rectification", "Rectification: correct something (Article 16)"
        ERASURE = "erasure", "Erasure: delete what we hold (Article 17)"
        RESTRICTION = "restriction", "Restriction: stop using it for now (Article 18)"
        OBJECTION = "objection", "Objection to how we use it (Article 21)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        GRANTED = "granted", "Granted"
        PARTLY_GRANTED = "partly_granted", "Partly granted"
        REFUSED = "refused", "Refused"
        RELEASED = "released", "Copy released"

    CLOSED_STATUSES = (Status.GRANTED, Status.PARTLY_GRANTED, Status.REFUSED, Status.RELEASED)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    staff = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_user = models.ForeignKey(ServiceUser, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(CarerOrRelative, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_date = models.DateField(help_text="The day the request reached the organisation (day one).")
    details = models.TextField(blank=True, help_text="What the person asked for, in their words.")
    extension_reason = models.TextField(
        blank=True, help_text="Why the request is complex (Article 12(3)); the person must be told within the month."
    )
    extended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    decision_reason = models.TextField(blank=True, help_text="The decision and its legal reason.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_zip = models.BinaryField(null=True, blank=True, editable=False, help_text="The copy as released.")
    release_digest = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the ZIP released to the person (access requests)."
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    # The released copy is not repeated in the history rows (one copy of the content is enough).
    history = HistoricalRecords(excluded_fields=["released_zip"])

    class Meta:
        ordering = ["received_date", "pk"]
        verbose_name = "data subject's request"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(staff__isnull=False, service_user__isnull=True, carer__isnull=True)
                    | Q(staff__isnull=True, service_user__isnull=False, carer__isnull=True)
                    | Q(staff__isnull=True, service_user__isnull=True, carer__isnull=False)
                ),
                name="rights_request_one_person",
                violation_error_message="A request is from exactly one person.",
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True) | ~Q(extension_reason=""),
                name="rights_request_extension_has_reason",
                violation_error_message="Say why the request is complex.",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="rights_request_decision_has_reason",
                violation_error_message="A decision records its reason.",
            ),
        ]

    def __str__(self):
        return f"Request {self.pk} ({self.kind})"

    # The statutory limit (UK GDPR Article 12(3)): one month from receipt, extendable by two further months
    # for a complex request. The same rule as a filter is RightsRequest.overdue_q.
    @property
    def due_date(self) -> datetime.date:
        return next_working_day(months_after(self.received_date, 3 if self.extended_at else 1))

    @property
    def first_due_date(self) -> datetime.date:
        """The one-month limit, by which an extension must have been told to the person."""
        return next_working_day(months_after(self.received_date, 1))

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and today > self.due_date

    @property
    def person(self):
        return self.staff or self.service_user or self.carer

    @property
    def person_key(self) -> tuple[str, int]:
        if self.staff_id:
            return ("staff", self.staff_id)
        if self.service_user_id:
            return ("service_user", self.service_user_id)
        return ("carer", self.carer_id)


class Redaction(models.Model):
    """Something more the DPO withheld from an access request's copy, with the reason: a phrase (in one
    record, or everywhere) or a whole record. Never edited."""

    class Ground(models.TextChoices):
        # Data Protection Act 2018; the exemption is recorded with each redaction.
        THIRD_PARTY = "third_party", "Another person could be identified (DPA 2018 Sch 2 Part 3 para 16)"
        SOURCE = "source", "It would identify who gave the information (DPA 2018 Sch 2 Part 3 para 16(4)(a))"
        SERIOUS_HARM = "serious_harm", "Likely to cause serious harm (DPA 2018 Sch 3 Part 3, social work data)"
        CRIME = "crime", "Prevention or detection of crime (DPA 2018 Sch 2 Part 1 para 2)"
        LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege (DPA 2018 Sch 2 Part 4 para 19)"
        CONFIDENTIAL_REFERENCE = "confidential_reference", "A confidential reference (DPA 2018 Sch 2 Part 4 para 24)"

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="redactions")
    item_key = models.CharField(max_length=60, blank=True, help_text="The record, e.g. case:12; blank: everywhere.")
    phrase = models.CharField(max_length=300, blank=True, help_text="Blank: withhold the whole record.")
    ground = models.CharField(max_length=30, choices=Ground.choices)
    reason = models.TextField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(item_key="") | ~Q(phrase=""),
                name="redaction_names_a_record_or_a_phrase",
                violation_error_message="Choose a record, or type the words to withhold.",
            ),
        ]

    def __str__(self):
        return f"Redaction {self.pk} on request {self.request_id}"


class RecordCorrection(models.Model):
    """A person's correction of a record about them (Article 16), with the DPO's decision. Attached beside
    the record; the record and its history are never overwritten (docs/privacy.md)."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted: the record was inaccurate; the correction stands beside it"
        NOT_ACCEPTED = "not_accepted", "Not accepted: the record stands; the person's view is kept beside it"

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="corrections")
    item_key = models.CharField(max_length=60, help_text="The record corrected, e.g. case:12.")
    correction = models.TextField(help_text="What the person says is wrong, and what is right, in their words.")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"Correction {self.pk} to {self.item_key}"
