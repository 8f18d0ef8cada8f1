"""seed_demo's case history (demo/cases.py): two years of cases moved through the services at the dates they
happened, the demo manager's queue with a case in each state, and the quarterly reports.

The organisation is seeded once for the module (demo/tests/conftest.py); each test runs in a savepoint."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings

from cases.models import Case, TimelineEntry
from demo.context import ANCHOR_DATE
from notifications.models import OutboxMessage
from reporting.models import QuarterlyReport
from reporting.services import report_file_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", "--cases", "40", stdout=StringIO())  # the reports compile once the seeding commits


def test_the_demo_manager_has_a_case_in_every_state(seeded):
    statuses = set(Case.objects.filter(reviewer__user__username="manager").values_list("status", flat=True))
    assert statuses == set(Case.Status.values)


def test_the_history_spans_two_years_and_each_step_is_dated_when_it_happened(seeded):
    opened = sorted(Case.objects.values_list("opened_at", flat=True))
    assert opened[0].date() < ANCHOR_DATE - datetime.timedelta(days=365)
    # Only the handful of disclosures the demo files "today" (demo/disclosures.py, demo/registers.py) are later.
    assert sum(day.date() > ANCHOR_DATE for day in opened) <= 8
    closed = Case.objects.filter(status=Case.Status.CLOSED).exclude(outcome="").first()
    steps = list(closed.timeline.values_list("at", "code"))
    assert [at for at, _ in steps] == sorted(at for at, _ in steps)
    assert steps[0][0] == closed.opened_at and steps[-1][0] <= closed.closed_at + datetime.timedelta(days=5)
    assert {TimelineEntry.Code.ASSESSED, TimelineEntry.Code.ACTION_ADDED} <= {code for _, code in steps}
    # The change history carries the service's reasons and the date it happened, not today.
    first = closed.history.earliest("history_date")
    assert first.history_change_reason == "cases.case.opened" and first.history_date == closed.opened_at


def test_the_history_s_old_emails_are_not_sent_again(seeded):
    assert not OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, created_at__date__lt=ANCHOR_DATE
    ).exists()


def test_the_last_two_quarters_reports_are_ready_for_the_committee(seeded):
    reports = QuarterlyReport.objects.order_by("year", "quarter")
    assert [(r.year, r.quarter, r.status) for r in reports] == [(2026, 2, "ready"), (2026, 3, "ready")]
    assert report_file_bytes(reports.last(), "pdf").startswith(b"%PDF")


def test_running_it_again_adds_no_cases(seeded, debug_on):
    before = (Case.objects.count(), TimelineEntry.objects.count(), QuarterlyReport.objects.count())
    call_command("seed_demo", "--cases", "40", stdout=StringIO())
    assert (Case.objects.count(), TimelineEntry.objects.count(), QuarterlyReport.objects.count()) == before
