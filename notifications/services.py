"""The outbox: queue an e-mail in the caller's transaction, deliver it once, relay what is stuck.

See docs/notifications.md. Requirements: JR-01 (a change is saved even when the broker is
down), JR-02 (nothing is published unless the transaction commits), JR-03 (delivering
twice sends one e-mail), JR-05 (bounded retries), JR-06 (task payloads are ids), CP-07
(no case content in any e-mail).
"""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from audit.services import audit_record
from notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

# Errors worth another try: the mail server or the network, not our own bugs.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


class DeliveryDeferred(Exception):
    """Sending failed for a reason that may pass; the task retries with backoff (JR-05)."""


# Template code -> function(message=...) returning extra context for that template, computed when the
# e-mail is rendered. Another app registers one in its AppConfig.ready() (cases: the daily digest's
# counts), so notifications never imports it. A provider returns numbers and paths only (CP-07).
_CONTEXT_PROVIDERS: dict = {}


def notification_context_register(*, template: str, provider) -> None:
    """Let another app add context (numbers, paths) to one template's e-mails at render time."""
    _CONTEXT_PROVIDERS[template] = provider


def notification_queue(
    *,
    recipient,
    template: str,
    link: str,
    dedupe_key: str,
    due_date: datetime.date | None = None,
    count: int | None = None,
) -> OutboxMessage:
    """Write an outbox message in the current transaction and publish it after commit.

    A message with the same dedupe_key is never written twice. Publishing uses
    on_commit(robust=True): if the broker is down the error is logged, the caller's
    transaction stands, and the relay publishes the message later (JR-01, JR-02).
    """
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"recipient": recipient, "template": template, "link": link, "due_date": due_date, "count": count},
    )
    if created:
        message_id = message.pk

        def publish_after_commit():  # a named function: Django logs its __qualname__ on failure
            outbox_publish(message_id=message_id)

        transaction.on_commit(publish_after_commit, robust=True)
    return message


def outbox_publish(*, message_id: int) -> None:
    """Hand one message to the broker; the only place outbox_deliver is queued."""
    from notifications.tasks import outbox_deliver

    outbox_deliver.delay(message_id)
    # Not history-tracked, so a plain UPDATE is fine; a message already sent is left alone.
    OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING).update(queued_at=timezone.now())


def outbox_render(*, message: OutboxMessage) -> tuple[str, str]:
    """Subject and body of a message: a generic line, a date and a link, nothing else (CP-07)."""
    context = {
        "due_date": message.due_date,
        "count": message.count,
        "url": settings.SITE_URL.rstrip("/") + message.link,
        "organisation": settings.ORGANISATION_NAME,
    }
    provider = _CONTEXT_PROVIDERS.get(message.template)
    if provider is not None:
        extra = provider(message=message)
        # CP-07: only numbers and site paths may reach an e-mail this way.
        for key, value in extra.items():
            if not (isinstance(value, int) or (isinstance(value, str) and value.startswith("/"))):
                raise ValueError(f"context {key!r} for {message.template} must be a number or a path")
            context[key] = settings.SITE_URL.rstrip("/") + value if isinstance(value, str) else value
    subject = render_to_string(f"notifications/{message.template}_subject.txt", context)
    body = render_to_string(f"notifications/{message.template}.txt", context)
    return " ".join(subject.split()), body


def outbox_deliver(*, message_id: int) -> bool:
    """Send one pending message; True if it was sent now. Running it twice sends once (JR-03).

    The row is locked while sending, so two workers holding the same message (a relay
    re-publish, a redelivery after a lost acknowledgement) cannot both send it.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != OutboxMessage.Status.PENDING:
            return False
        message.attempts += 1
        address = message.recipient.email
        if not address or not message.recipient.is_active:
            message.status = OutboxMessage.Status.FAILED
            message.last_error = "NoActiveAddress"
            message.save(update_fields=["status", "attempts", "last_error"])
            audit_record(action="notifications.message.failed", obj=message, detail={"reason": "no address"})
            return False
        subject, body = outbox_render(message=message)
        try:
            EmailMessage(subject=subject, body=body, to=[address]).send()
        except TRANSIENT_ERRORS as exc:
            message.last_error = type(exc).__name__
            final = message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
            if final:
                message.status = OutboxMessage.Status.FAILED
                audit_record(action="notifications.message.failed", obj=message, detail={"error": message.last_error})
            message.save(update_fields=["status", "attempts", "last_error"])
            logger.warning(
                "outbox message %s not sent (%s), attempt %s", message.pk, message.last_error, message.attempts
            )
            if final:
                return False
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["status", "attempts", "last_error", "sent_at"])
            return True
    # Outside the transaction, so the attempt count is kept when the task retries.
    raise DeliveryDeferred(f"outbox message {message_id}: {message.last_error}")


def outbox_relay_pending(*, older_than_seconds: int | None = None, limit: int = 500) -> int:
    """Publish again pending messages that have waited too long; how many were published.

    This is how a message written while Redis was down goes out once Redis is back. If the
    broker is still down the relay stops at the first failure and tries again next minute.
    """
    if older_than_seconds is None:
        older_than_seconds = settings.NOTIFICATIONS_RELAY_AFTER_SECONDS
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    waiting = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, created_at__lte=cutoff)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=cutoff))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    published = 0
    for message_id in waiting:
        try:
            outbox_publish(message_id=message_id)
        except Exception as exc:  # noqa: BLE001 - any publish failure: the broker is still down, retry next run
            logger.warning("outbox relay stopped: broker unavailable (%s)", type(exc).__name__)
            break
        published += 1
    return published
