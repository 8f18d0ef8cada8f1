"""The outbox: delivered once, retried with a limit, relayed when the broker was down."""

import datetime
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import OutboxMessage
from notifications.services import DeliveryDeferred, notification_queue, outbox_deliver, outbox_relay_pending
from notifications.tasks import outbox_deliver as outbox_deliver_task


def a_user(*, email: str):
    """A recipient: notifications sit below the people app, so a bare account (not people's factories)."""
    return get_user_model().objects.create_user(username=email or "no-address", email=email)


@pytest.fixture
def message(db):
    with transaction.atomic():
        return notification_queue(
            recipient=a_user(email="reviewer@example.org"),
            template=OutboxMessage.Template.CASE_NEW,
            link="/cases/7/",
            dedupe_key="case:7:new",
        )


def test_delivering_the_same_message_twice_sends_one_e_mail(message):
    """JR-03: a redelivered or relayed task is harmless."""
    assert outbox_deliver(message_id=message.pk) is True
    assert outbox_deliver(message_id=message.pk) is False
    outbox_deliver_task.apply(args=[message.pk])
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1


def test_queueing_with_the_same_dedupe_key_writes_one_message(message):
    again = notification_queue(
        recipient=message.recipient, template=message.template, link=message.link, dedupe_key=message.dedupe_key
    )
    assert again.pk == message.pk
    assert OutboxMessage.objects.count() == 1


def test_an_smtp_failure_is_retried_and_then_succeeds(message, monkeypatch):
    """JR-05: transient errors retry with backoff; one e-mail in the end."""
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    failures = iter([smtplib.SMTPServerDisconnected("gone"), smtplib.SMTPServerDisconnected("gone")])

    def flaky(self, messages):
        error = next(failures, None)
        if error:
            raise error
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    # In-process, a retry runs at once; let each one run rather than raise to the caller.
    conf = outbox_deliver_task.app.conf
    saved, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        outbox_deliver_task.apply(args=[message.pk], throw=False)
    finally:
        conf.task_eager_propagates = saved
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 3
    assert len(mail.outbox) == 1


def test_a_message_that_keeps_failing_is_marked_failed_after_the_last_attempt(message, monkeypatch, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    from django.core.mail.backends.locmem import EmailBackend

    def down(self, messages):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    with pytest.raises(DeliveryDeferred):
        outbox_deliver(message_id=message.pk)
    assert outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error == "ConnectionRefusedError"  # the class only, never content
    assert AuditEvent.objects.filter(action="notifications.message.failed", object_id=str(message.pk)).exists()


def test_the_relay_publishes_only_messages_that_have_waited(message, time_machine):
    """JR-01: what was written while the broker was down goes out on the next relay run."""
    assert outbox_relay_pending() == 0  # too recent: its own publish may still be on the way
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
    assert outbox_relay_pending() == 1  # in-process here: delivered at once
    assert len(mail.outbox) == 1
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
    assert outbox_relay_pending() == 0  # sent messages are never relayed again
    assert len(mail.outbox) == 1


def test_the_relay_stops_quietly_while_the_broker_is_still_down(message, monkeypatch, time_machine):
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(outbox_deliver_task, "delay", refuse)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
    assert outbox_relay_pending() == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING


def test_a_recipient_without_an_address_is_marked_failed_not_retried(db):
    with transaction.atomic():
        message = notification_queue(recipient=a_user(email=""), template="case_new", link="/cases/1/", dedupe_key="k")
    assert outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED


def test_the_relay_is_scheduled_every_minute_by_celery_beat(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="notifications.tasks.outbox_relay_pending")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")


def test_every_notifications_task_has_bounded_retries():
    """JR-05: no unbounded retries."""
    from notifications import tasks

    for task in (tasks.outbox_deliver, tasks.outbox_relay_pending):
        assert task.max_retries is not None and task.max_retries <= 5
