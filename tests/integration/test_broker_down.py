"""Nothing is lost when Redis is down (SECURITY-REQUIREMENTS JR-01, JR-02, JR-03; docs/notifications.md).

A real Redis server of the test's own (a throwaway redis-server on port 6391, so the shared
Redis is never touched) is really shut down while a worker files a disclosure, then started
again; the relay and a real Celery worker then send each e-mail exactly once.

Runs when REDIS_URL is set (required in CI: BOUNDARIES_REQUIRE_ALL_TESTS=1) on PostgreSQL,
which the worker process shares with the test.
"""

import os
import shutil
import socket
import subprocess
import time
from email import message_from_string

import pytest
from django.db import transaction

from audit.models import AuditEvent
from boundaries.celery import app as celery_app
from cases.models import Case
from conftest import _skip_or_fail
from disclosures.models import Disclosure
from disclosures.services import disclosure_submit
from disclosures.tests.factories import DraftDisclosureFactory, disclosure_file
from notifications.models import OutboxMessage
from notifications.services import outbox_relay_pending
from notifications.tasks import outbox_deliver

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THROWAWAY_PORT = int(os.environ.get("BOUNDARIES_TEST_REDIS_PORT", "6391"))


class ThrowawayRedis:
    """A redis-server owned by this test: it can be stopped and started without disturbing anyone."""

    def __init__(self, port: int, workdir):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.workdir = workdir
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        """Really stop the server, as an outage would: the port is closed afterwards."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()


@pytest.fixture
def throwaway_redis(tmp_path):
    if not os.environ.get("REDIS_URL"):
        _skip_or_fail("needs Redis (set REDIS_URL=redis://...)")
    if not shutil.which("redis-server"):
        _skip_or_fail("needs the redis-server program to start a Redis it may stop")
    server = ThrowawayRedis(THROWAWAY_PORT, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(throwaway_redis):
    """The Celery worker fixture (root conftest) consumes from the throwaway Redis."""
    return throwaway_redis.url


def _forget_broker_connections():
    # The app caches a producer pool bound to whatever broker it first published to (memory://
    # in the in-process tests that ran before); drop it so this test publishes to its own Redis.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(celery_worker_process, throwaway_redis):
    """A real Celery worker on the throwaway Redis, and this process publishing to it."""
    _forget_broker_connections()
    assert f":{throwaway_redis.port}/" in celery_app.connection_for_write().as_uri()
    yield celery_worker_process
    _forget_broker_connections()


def mails_in(mail_dir) -> list:
    """Every e-mail the worker's file backend wrote (one file may hold several)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(message_from_string(chunk.strip()))
    return found


def wait_until(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def test_a_disclosure_filed_while_redis_is_down_is_saved_and_mailed_exactly_once_when_it_is_back(
    org, throwaway_redis, worker
):
    """JR-01: saved and quick with the broker stopped; JR-03: sent once after recovery."""
    worker_log = worker.log_path
    throwaway_redis.stop()

    started = time.monotonic()
    disclosure = disclosure_file(reporter=org.worker, category_code="sexual-boundaries", narrative="CANARY-broker-down")
    elapsed = time.monotonic() - started

    # JR-01: the submission stands and the request was not held up by the dead broker.
    assert elapsed < 3.0, f"submitting took {elapsed:.1f}s with the broker down"
    saved = Disclosure.objects.get(pk=disclosure.pk)
    assert saved.status == Disclosure.Status.SUBMITTED
    assert Case.objects.filter(pk=saved.case_id).exists()
    assert AuditEvent.objects.filter(action="disclosures.disclosure.submitted", object_id=str(saved.pk)).exists()

    def pending():
        return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)

    expected = {org.manager.user.email, org.worker.user.email, org.safeguarding.user.email}
    assert {m.recipient.email for m in pending()} == expected
    time.sleep(1)
    assert mails_in(worker.mail_dir) == []

    # Redis comes back, empty (it keeps nothing on disk here: the harshest restart). The relay
    # runs every minute under celery beat; here it runs every second until nothing waits. A
    # message published before the worker has re-declared its queue is lost by Redis, stays
    # pending, and is published again on a later run; duplicates are harmless (JR-03).
    throwaway_redis.start()

    def relay_until_sent():
        outbox_relay_pending(older_than_seconds=0)
        return wait_until(lambda: not pending().exists(), timeout=1.0)

    assert wait_until(relay_until_sent, timeout=60, interval=0), (
        list(OutboxMessage.objects.values("template", "status", "attempts", "last_error")),
        worker_log.read_text()[-3000:],
    )
    assert wait_until(lambda: len(mails_in(worker.mail_dir)) >= 3, 30), worker_log.read_text()

    # Running the relay again and redelivering a sent message change nothing (JR-03).
    assert outbox_relay_pending(older_than_seconds=0) == 0
    for message in OutboxMessage.objects.all():
        outbox_deliver.delay(message.pk)
    time.sleep(3)
    mails = mails_in(worker.mail_dir)
    assert sorted(m["To"] for m in mails) == sorted(expected), worker_log.read_text()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    for message in mails:  # CP-07 holds on the real path too
        assert "CANARY" not in message.as_string()


def test_a_rolled_back_submission_publishes_nothing_to_a_live_broker(org, worker):
    """JR-02: with Redis up, a transaction that fails after the submit queues no e-mail."""

    class Boom(Exception):
        pass

    draft = DraftDisclosureFactory(reporter=org.worker)
    with pytest.raises(Boom), transaction.atomic():
        disclosure_submit(disclosure=draft, actor=org.worker.user)
        raise Boom

    assert not OutboxMessage.objects.exists()
    assert not Case.objects.exists()
    # A committed submission right after proves the worker is listening.
    disclosure_file(reporter=org.colleague)
    assert wait_until(lambda: len(mails_in(worker.mail_dir)) >= 2, 60)
    time.sleep(1)
    assert sorted(m["To"] for m in mails_in(worker.mail_dir)) == sorted(
        [org.manager.user.email, org.colleague.user.email]
    )


def test_the_broker_settings_fail_fast_instead_of_hanging_the_request():
    """JR-01: a short connection timeout and a bounded publish retry (celery/celery#6046)."""
    assert celery_app.conf.broker_connection_timeout <= 2
    assert celery_app.conf.task_publish_retry_policy["max_retries"] <= 1
