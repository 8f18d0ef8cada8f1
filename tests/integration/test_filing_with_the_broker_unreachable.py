"""JR-01/JR-03 through the pages: a worker files with the broker unreachable.

tests/integration/test_broker_down.py stops a real Redis under the filing *service* and a real
worker. This test drives the worker's own pages instead, with Celery pointed at a Redis address
where nothing listens, so the publish after commit really fails (on_commit callbacks are run as
Django runs them at commit, robust ones logged and swallowed). It needs no Redis, so it always runs.
"""

import socket
import time

import pytest
from django.core import mail
from django.urls import reverse

from boundaries.celery import app as celery_app
from disclosures.models import Disclosure
from notifications.models import OutboxMessage
from notifications.services import outbox_relay_pending
from people.tests.factories import ServiceUserFactory
from policies.models import BoundaryCategory

NEW = "/disclosures/new/"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again on leaving: nothing listens there


def _forget_broker_connections():
    # The app caches producers bound to the broker it last used; drop them when switching.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _use_broker(url: str, *, eager: bool):
    celery_app.conf.update(broker_url=url, task_always_eager=eager)
    _forget_broker_connections()


@pytest.fixture
def broker_unreachable():
    """Celery publishes to a Redis that refuses connections, as if it were down."""
    before = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    port = _closed_port()
    _use_broker(f"redis://127.0.0.1:{port}/0", eager=False)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    yield
    _use_broker(before[0], eager=before[1])


def test_a_worker_files_with_the_broker_unreachable_sees_the_confirmation_and_mail_goes_once_later(
    client, org, broker_unreachable, django_capture_on_commit_callbacks
):
    service_user = ServiceUserFactory(reference="SU-00077", initials="KT", team=org.north_a)
    gifts = BoundaryCategory.objects.get(code="gifts-money")
    client.force_login(org.worker.user)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as published:
        response = client.post(
            NEW,
            {
                "step": "details",
                "kind": "self_declaration",
                "category": gifts.pk,
                "action": "submit",
                "gift_item": "A scarf",
                "gift_value": "15",
                "gift_from_whom": "service_user",
                "gift_response": "declined",
                "service_users": [service_user.pk],
                "narrative": "CANARY-unreachable KT offered me a scarf.",
            },
        )
    elapsed = time.monotonic() - started
    assert len(published) == 2  # one publish per e-mail was tried after commit, and failed

    disclosure = Disclosure.objects.get(reporter=org.worker)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("disclosures:submitted", args=[disclosure.pk])
    assert elapsed < 5.0, f"filing took {elapsed:.1f}s with the broker unreachable"
    assert disclosure.status == Disclosure.Status.SUBMITTED and disclosure.case_id
    confirmation = client.get(response["Location"]).content.decode()
    assert disclosure.reference in confirmation and "What happens next" in confirmation

    # Nothing could be sent; everything waits in the outbox.
    assert mail.outbox == []
    waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    assert {m.recipient for m in waiting} == {org.manager.user, org.worker.user}
    assert outbox_relay_pending(older_than_seconds=0) == 0  # still down: the relay gives up until next run
    assert waiting.count() == 2 and mail.outbox == []

    # The broker is back: the relay sends each e-mail once, and running it again sends nothing.
    _use_broker("memory://", eager=True)  # here: the in-process broker the unit tests use
    assert outbox_relay_pending(older_than_seconds=0) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.manager.user.email, org.worker.user.email])
    assert outbox_relay_pending(older_than_seconds=0) == 0
    assert len(mail.outbox) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert not any("CANARY" in m.subject + m.body for m in mail.outbox)
