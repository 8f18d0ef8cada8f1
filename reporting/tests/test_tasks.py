"""The quarterly schedule (JR-07) and the compile_report command."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from reporting.models import QuarterlyReport
from reporting.periods import Quarter
from reporting.services import report_schedule_tick


def test_the_beat_schedule_runs_the_tick_every_morning(db):
    periodic = PeriodicTask.objects.get(task="reporting.tasks.report_schedule_tick")
    assert periodic.enabled
    assert (periodic.crontab.minute, periodic.crontab.hour, periodic.crontab.day_of_week) == ("30", "6", "*")
    assert str(periodic.crontab.timezone) == "Europe/London"


@pytest.mark.parametrize(
    ("quarter", "first_working_day"),
    [
        ("2026-Q2", "2026-07-01"),  # Wednesday
        ("2026-Q3", "2026-10-01"),  # Thursday
        ("2026-Q4", "2027-01-01"),  # Friday (New Year's Day is a bank holiday: not known here)
        ("2027-Q1", "2027-04-01"),
        ("2025-Q4", "2026-01-01"),
        ("2026-Q1", "2026-04-01"),
        ("2025-Q2", "2025-07-01"),
        ("2027-Q2", "2027-07-01"),
        ("2022-Q3", "2022-10-03"),  # 1 October 2022 was a Saturday
    ],
)
def test_first_working_day_after_a_quarter_skips_weekends(quarter, first_working_day):
    assert Quarter.parse(quarter).first_working_day_after() == datetime.date.fromisoformat(first_working_day)


def test_the_tick_asks_once_on_the_first_working_day_and_catches_up(db, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2022, 10, 1, 7, tzinfo=datetime.UTC)):
        assert report_schedule_tick(today=datetime.date(2022, 10, 1)) is None  # Saturday: not yet
        assert report_schedule_tick(today=datetime.date(2022, 10, 2)) is None  # Sunday
    with time_machine.travel(datetime.datetime(2022, 10, 4, 7, tzinfo=datetime.UTC)):
        # Beat was down on Monday 3 October: Tuesday's tick catches up.
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report = report_schedule_tick(today=datetime.date(2022, 10, 4))
            assert report_schedule_tick(today=datetime.date(2022, 10, 5)) is None  # once only
        assert (report.period, report.trigger, report.status) == ("2022-Q3", "schedule", "queued")
        assert len(callbacks) == 1
    assert QuarterlyReport.objects.filter(trigger="schedule").count() == 1


def test_the_scheduled_report_is_unique_per_period_in_the_database(db):
    from django.db import IntegrityError, transaction

    QuarterlyReport.objects.create(year=2022, quarter=3, trigger="schedule", status="failed")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReport.objects.create(year=2022, quarter=3, revision=2, trigger="schedule", status="failed")


def test_one_active_report_per_period_is_enforced_by_the_database(db):
    from django.db import IntegrityError, transaction

    QuarterlyReport.objects.create(year=2022, quarter=3, trigger="person")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReport.objects.create(year=2022, quarter=3, revision=2, trigger="person", status="running")


def test_compile_report_command_compiles_in_process(dataset, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("compile_report", "--quarter", "2026-Q2")
    report = QuarterlyReport.objects.get()
    # In a test the compile runs when the captured on-commit callbacks run, at the end of the block;
    # outside a test it runs inside the command (tasks in-process), before it prints.
    assert (report.trigger, report.status) == ("command", "ready")
    assert "2026-Q2 revision 1" in capsys.readouterr().out


def test_compile_report_command_rejects_a_bad_quarter(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("compile_report", "--quarter", "2026-Q5")
