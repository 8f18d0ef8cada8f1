"""The quarterly report compiled by a real Celery worker through Redis (JR-02, JR-03).

Runs whenever REDIS_URL and a PostgreSQL DATABASE_URL are set; required in CI."""

import time

import pytest
from django.core.management import call_command

from core.roles import Role
from people.tests.factories import StaffMemberFactory, TeamFactory, UserFactory
from reporting.models import QuarterlyReport
from reporting.services import report_file_bytes
from reporting.tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.integration


def test_compile_report_is_compiled_by_the_worker_and_the_committee_is_told(celery_worker_process, capsys):
    committee = UserFactory(username="committee", email="committee@example.org", roles=[Role.COMMITTEE_MEMBER])
    team = TeamFactory(name="North A")
    worker = StaffMemberFactory(team=team)
    for day in range(1, 6):
        case = make_case(team=team, opened=f"2026-05-{day:02d}T09:00", subjects=[worker])
        make_disclosure(case=case, kind="incident", submitted=f"2026-05-{day:02d}T09:00", reporter=worker)

    call_command("compile_report", "--quarter", "2026-Q2", "--wait", "90")

    report = QuarterlyReport.objects.get()
    assert report.status == QuarterlyReport.Status.READY, celery_worker_process.log_path.read_text()[-3000:]
    assert report.trigger == "command" and report_file_bytes(report, "pdf").startswith(b"%PDF")
    assert "ready" in capsys.readouterr().out
    assert {i["key"]: i["value"] for i in report.snapshot["headline"]}["opened"] == 5

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(celery_worker_process.mail_dir.glob("*.log")):
        time.sleep(0.2)
    time.sleep(0.3)
    mails = [f.read_text() for f in celery_worker_process.mail_dir.glob("*.log")]
    assert len(mails) == 1 and committee.email in mails[0]
    assert "A quarterly report is ready" in mails[0] and "/reports/" in mails[0]
