"""What a worker files (DESIGN §3 "disclosures"): disclosures, follow-ups and attachments.

Once submitted, a disclosure's statement is never edited; later facts are FollowUps.
Written only through disclosures/services.py.
"""

import uuid
from pathlib import Path

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import Case
from core.storage import private_storage as core_private_storage
from people.models import CarerOrRelative, ServiceUser, StaffMember
from policies.models import BoundaryCategory, DisclosureKind


def private_storage():
    """Attachments are kept in the private storage and served only through the permission-checked
    download view (core/storage.py). Kept here because migrations name it."""
    return core_private_storage()


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A server-made name: the uploader's file name never reaches the file system."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"disclosures/{uuid.uuid4().hex}{suffix}"


class Disclosure(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    reference = models.CharField(
        max_length=20, unique=True, null=True, blank=True, help_text="Given on submit, e.g. D-2026-00042."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    kind = models.CharField(max_length=20, choices=DisclosureKind.choices)
    category = models.ForeignKey(
        BoundaryCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    reporter = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="disclosures_reported")
    occurred_date = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    narrative = models.TextField(blank=True)
    immediate_action = models.TextField(blank=True)
    at_risk_now = models.BooleanField("someone is at risk of harm now", default=False)
    # Category-specific answers; the keys are listed in docs/disclosures.md.
    details = models.JSONField(default=dict, blank=True)
    subjects = models.ManyToManyField(StaffMember, blank=True, related_name="disclosures_as_subject")
    service_users = models.ManyToManyField(ServiceUser, blank=True, related_name="disclosures")
    carers = models.ManyToManyField(CarerOrRelative, blank=True, related_name="disclosures")
    speak_up = models.BooleanField(
        "raised through the speak-up route",
        default=False,
        help_text="The reporter's name is visible only to the speak-up guardian.",
    )
    good_faith_confirmed = models.BooleanField(default=False)
    confidential = models.BooleanField(
        "keep this between me and my line manager",
        default=False,
        help_text="Only for a personal self-declaration in a category that allows it; the case is seen by the "
        "reviewer only, unless a safeguarding rule applies.",
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(
                    reference__isnull=False,
                    submitted_at__isnull=False,
                    category__isnull=False,
                    case__isnull=False,
                ),
                name="disclosure_submitted_is_complete",
                violation_error_message="A submitted disclosure has a reference, a category and a case.",
            ),
            models.CheckConstraint(
                condition=Q(speak_up=False) | Q(kind="concern"),
                name="disclosure_speak_up_only_for_concerns",
                violation_error_message="Only a concern about a colleague can use the speak-up route.",
            ),
        ]

    def __str__(self):
        return self.reference or f"Draft {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def details_display(self) -> list[tuple[str, str]]:
        """The category's questions and answers in plain words, for any page that shows the statement (the
        case page asks it, since cases never imports disclosures)."""
        from disclosures.forms import details_display  # the questions' labels live on the form, which imports this

        return details_display(self)


class FollowUp(models.Model):
    """Something added after submission. Never edited."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="follow_ups")
    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Follow-up {self.pk} to {self.disclosure}"


class Attachment(models.Model):
    """A file added to a disclosure or a follow-up, served only through a permission-checked view."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="attachments")
    follow_up = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"Attachment {self.pk} to {self.disclosure}"
