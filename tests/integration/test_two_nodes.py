"""Two hosts (DESIGN §9, docs/deployment.md): two gunicorn nodes and two Celery workers, each with
its own port and local folders, sharing PostgreSQL, Redis and an S3-compatible object store.

A worker files on node A with an attachment; the reviewer opens the case on node B and downloads the
file; the urgent alert is sent exactly once although both workers relay the outbox; the quarterly
report is compiled by whichever worker picks it up; beat, started on both nodes, sends the
schedule from one of them only."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from boundaries.celery import app as celery_app
from disclosures.models import Disclosure
from notifications.tasks import outbox_relay_pending
from people.tests.factories import ServiceUserFactory
from policies.models import BoundaryCategory
from reporting.models import QuarterlyReport
from reporting.tests.factories import make_case
from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n% the receipt for a bunch of flowers\n"


def _start(command, env, log_path, ready):
    log = open(log_path, "w")  # noqa: SIM115 - closed when the process is stopped
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return SimpleNamespace(process=process, log=log, log_path=log_path, ready=ready, name=" ".join(command[2:5]))


def _wait_until_ready(started):
    """All processes start at once; wait for each to say it is ready."""
    deadline = time.monotonic() + 90
    for item in started:
        while not item.ready():
            if item.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{item.name} did not start:\n{item.log_path.read_text()[-3000:]}")
            time.sleep(0.3)


def _stop_all(started):
    for item in started:
        item.process.terminate()
    for item in started:
        try:
            item.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            item.process.kill()
        item.log.close()


def _answers(url):
    def ready():
        try:
            return urllib.request.urlopen(url, timeout=1).status == 200  # noqa: S310 - our own local node
        except OSError:
            return False

    return ready


@pytest.fixture
def two_nodes(s3_server, redis_url, transactional_db, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.fail("the nodes need a database they can share: PostgreSQL") if os.environ.get(
            "BOUNDARIES_REQUIRE_ALL_TESTS"
        ) else pytest.skip("the nodes need a database they can share: PostgreSQL")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    settings.STORAGES = {**settings.STORAGES, "private": s3_server.storage}
    nodes, started = {}, []
    try:
        for name in ("a", "b"):
            folder = tmp_path / f"node-{name}"
            (folder / "mail").mkdir(parents=True)
            port = free_port()
            env = dict(
                os.environ,
                DJANGO_SETTINGS_MODULE="boundaries.settings.local",
                DJANGO_DEBUG="false",
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                PRIVATE_MEDIA_ROOT=str(folder / "files"),
                EMAIL_URL="filemail://",
                EMAIL_FILE_PATH=str(folder / "mail"),
                NOTIFICATIONS_RELAY_AFTER_SECONDS="0",
                SITE_URL=f"http://127.0.0.1:{port}",
                **s3_server.env,
            )
            web = _start(
                [sys.executable, "-m", "gunicorn", "boundaries.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                 "--no-control-socket", "--access-logfile", "-"],
                env, folder / "web.log", _answers(f"http://127.0.0.1:{port}/readyz"),
            )  # fmt: skip
            started.append(web)
            worker_log = folder / "worker.log"
            worker = _start(
                [sys.executable, "-m", "celery", "-A", "boundaries", "worker", "--pool=solo", "--loglevel=INFO",
                 "--without-mingle", "--without-gossip", "--hostname", f"node-{name}-{os.getpid()}@%h"],
                env, worker_log, lambda path=worker_log: "ready." in path.read_text(),
            )  # fmt: skip
            started.append(worker)
            beat_log = folder / "beat.log"
            beat = _start(
                [sys.executable, "-m", "celery", "-A", "boundaries", "beat", "--loglevel=INFO",
                 "--schedule", str(folder / "beat-schedule")],
                env, beat_log, lambda path=beat_log: "beat: Starting" in path.read_text(),
            )  # fmt: skip
            started.append(beat)
            nodes[name] = SimpleNamespace(
                url=f"http://127.0.0.1:{port}", mail=folder / "mail", worker=worker, beat=beat, files=folder / "files"
            )
        _wait_until_ready(started)
        saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, redis_url
        celery_app._pool = None
        yield SimpleNamespace(a=nodes["a"], b=nodes["b"], s3=s3_server)
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        celery_app._pool = None
    finally:
        _stop_all(started)


def _signed_in(node, user):
    """A browser session for `user` on `node` (sessions live in the shared database)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value, domain="127.0.0.1")
    session.base = node.url
    return session


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def _mails(*nodes):
    return [path.read_text() for node in nodes for path in sorted(node.mail.glob("*.log"))]


def _wait(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def _filed_on_a_reviewed_on_b_alerted_once(org, two_nodes):
    """JR-03: the urgent alert goes once though both workers relay the outbox; IN-09: the file comes
    back through the audited view on the other node."""
    service_user = ServiceUserFactory(reference="SU-00042", initials="JB", team=org.north_a)
    worker = _signed_in(two_nodes.a, org.worker.user)
    form = worker.get(f"{two_nodes.a.url}/disclosures/new/")
    assert form.status_code == 200
    response = worker.post(
        f"{two_nodes.a.url}/disclosures/new/",
        data={
            "csrfmiddlewaretoken": _csrf(form.text),
            "step": "details",
            "kind": "incident",
            "category": BoundaryCategory.objects.get(code="physical-contact").pk,
            "action": "submit",
            "occurred_date": timezone.localdate().isoformat(),
            "location": "The day centre lounge",
            "service_users": [service_user.pk],
            "narrative": "A visitor grabbed JB's arm hard.",
            "immediate_action": "I separated them and told the shift leader.",
            "at_risk_now": "yes",
        },
        files={"attachment": ("receipt.pdf", PDF, "application/pdf")},
        headers={"Referer": f"{two_nodes.a.url}/disclosures/new/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-2000:]
    disclosure = Disclosure.objects.get(reporter=org.worker)
    attachment = disclosure.attachments.get()
    assert disclosure.case.priority == "urgent"
    for _ in range(4):  # both workers relay the outbox while the alert is on its way
        outbox_relay_pending.delay()

    alerts = lambda: [m for m in _mails(two_nodes.a, two_nodes.b) if org.safeguarding.user.email in m]  # noqa: E731
    assert _wait(lambda: alerts()), two_nodes.a.worker.log_path.read_text()[-3000:]
    time.sleep(3)  # time for a second copy, if there were going to be one
    assert len(alerts()) == 1

    reviewer = _signed_in(two_nodes.b, org.manager.user)
    page = reviewer.get(f"{two_nodes.b.url}/cases/{disclosure.case_id}/")
    assert page.status_code == 200 and "receipt.pdf" in page.text
    download = reviewer.get(f"{two_nodes.b.url}/cases/{disclosure.case_id}/attachments/{attachment.pk}/")
    assert download.status_code == 200, download.status_code
    assert download.content == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert not any(two_nodes.b.files.rglob("*")) and not any(two_nodes.a.files.rglob("*"))  # only in the store


def _report_by_one_worker_schedule_from_one_beat(org, two_nodes):
    """JR-02, JR-03, JR-07: whichever worker takes the report compiles it, once; two beats, one sender."""
    quarter_end = timezone.localdate().replace(day=1)
    while quarter_end.month not in (1, 4, 7, 10):
        quarter_end = (quarter_end - timezone.timedelta(days=1)).replace(day=1)
    last = quarter_end - timezone.timedelta(days=1)
    quarter = f"{last.year}-Q{(last.month - 1) // 3 + 1}"
    make_case(team=org.north_a, opened=f"{last:%Y-%m}-01T09:00", subjects=[org.worker])

    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="two-node beat probe", task="notifications.tasks.outbox_relay_pending", interval=every_second
    )
    call_command("compile_report", "--quarter", quarter, "--wait", "90")
    report = QuarterlyReport.objects.get()
    assert report.status == QuarterlyReport.Status.READY
    compiled = [
        node
        for node in (two_nodes.a, two_nodes.b)
        if re.search(r"Task reporting\.tasks\.report_compile\[[^\]]+\] succeeded", node.worker.log_path.read_text())
    ]
    assert len(compiled) == 1

    sent = lambda node: node.beat.log_path.read_text().count("Sending due task two-node beat probe")  # noqa: E731
    assert _wait(lambda: sent(two_nodes.a) + sent(two_nodes.b) >= 3, timeout=30)
    assert min(sent(two_nodes.a), sent(two_nodes.b)) == 0, "both beats sent the schedule"


def test_two_nodes_share_the_work_and_each_thing_happens_once(org, two_nodes):
    """One start of both nodes (six processes) for both journeys, to keep the suite short."""
    _filed_on_a_reviewed_on_b_alerted_once(org, two_nodes)
    _report_by_one_worker_schedule_from_one_beat(org, two_nodes)
