"""The daily review reminder: content-free, one a day per administrator (JR-03, JR-07, CP-07)."""

import datetime

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from policies.models import PolicyReviewReminder
from policies.services import policy_review_reminders_send
from policies.tasks import policy_review_reminders_send as task
from policies.tests.factories import import_and_publish

pytestmark = pytest.mark.django_db


def test_administrators_get_one_content_free_reminder_a_day(org):
    import_and_publish(
        title="Secretive policy title", actor=org.administrator, next_review_date=datetime.date(2020, 1, 1)
    )
    today = datetime.date(2026, 3, 2)
    assert policy_review_reminders_send(today=today) == 1
    assert policy_review_reminders_send(today=today) == 0  # run twice on a day: no duplicate
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [org.administrator.email]
    assert "1 policy is due for review" in message.body
    assert "/policies/reviews/" in message.body
    assert "Secretive" not in message.body + message.subject
    assert PolicyReviewReminder.objects.get().sent_date == today
    assert policy_review_reminders_send(today=today + datetime.timedelta(days=1)) == 1


def test_nothing_is_sent_when_no_review_is_due(org):
    import_and_publish(actor=org.administrator, next_review_date=datetime.date(2099, 1, 1))
    assert task.delay().get() == 0
    assert mail.outbox == []


def test_the_reminder_is_scheduled_daily_at_seven_london_time():
    periodic = PeriodicTask.objects.get(task="policies.tasks.policy_review_reminders_send")
    assert (periodic.crontab.hour, periodic.crontab.minute) == ("7", "0")
    assert str(periodic.crontab.timezone) == "Europe/London"
