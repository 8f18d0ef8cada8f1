"""The transactional outbox for e-mail (JR-01..JR-03; docs/notifications.md).

A message is written in the same database transaction as the change it announces, so it
exists exactly when the change does. It holds no case content: a template code, a link
path and a date are all an e-mail may say (CP-07).

Not history-tracked on purpose: it is delivery bookkeeping with no content, and the relay
touches pending rows every minute while the broker is down.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    class Template(models.TextChoices):
        CASE_NEW = "case_new", "New case for the reviewer"
        CASE_URGENT = "case_urgent", "Urgent case for the safeguarding lead"
        CASE_UPDATED = "case_updated", "New information on a case for the reviewer"
        DISCLOSURE_RECEIPT = "disclosure_receipt", "Receipt for the worker who filed"
        CASE_ASSIGNED = "case_assigned", "A case was reassigned or escalated to the recipient"
        CASE_SIGN_OFF = "case_sign_off", "A case waits for the recipient's closure sign-off"
        CASE_CLOSED = "case_closed", "The case the recipient filed is closed"
        SUBJECT_NOTICE = "subject_notice", "A notice for the subject of a case"
        SUBJECT_REPLIED = "subject_replied", "The subject replied to a notice"
        DAILY_DIGEST = "daily_digest", "Daily digest of overdue and due items"
        REPORT_READY = "report_ready", "A quarterly report is ready"
        VARIATION_DECIDED = "variation_decided", "A decision on the plan the recipient put forward"
        PATTERN_ALERT = "pattern_alert", "A pattern across cases for the safeguarding lead"
        ROLE_GRANT_REQUESTED = "role_grant_requested", "A role waits for the recipient's approval"
        ROLE_GRANTED = "role_granted", "A role was added to the recipient's account"
        ROLE_GRANT_APPROVED = "role_grant_approved", "A role was granted to someone (for the safeguarding lead)"
        ACTOR_REVEALED = "actor_revealed", "The auditor revealed who acted on a speak-up case (for the guardian)"

        CASES_HANDED_OVER = "cases_handed_over", "Cases handed to the recipient when their reviewer left"

    # Messages whose recipient is a party to a concern: the person it is about (a notice, a decision on
    # their plan) or the person who raised it (a receipt, the closing summary). Who received one of
    # these is itself case content, so the outbox admin never shows it (docs/notifications.md).
    PARTY_TEMPLATES = frozenset(
        {
            Template.SUBJECT_NOTICE,
            Template.VARIATION_DECIDED,
            Template.DISCLOSURE_RECEIPT,
            Template.CASE_CLOSED,
        }
    )

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    template = models.CharField(max_length=40, choices=Template.choices)
    link = models.CharField(max_length=200, help_text="A path on this site, e.g. /cases/42/. Never content.")
    due_date = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many items the e-mail is about (cases handed over). Never content."
    )
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, help_text="The exception's class only.")
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="Last handed to the broker.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
            models.CheckConstraint(condition=Q(link__startswith="/"), name="outbox_link_is_a_path"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_template_display()} to user {self.recipient_id} ({self.status})"
