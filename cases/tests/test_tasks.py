"""The daily reminders job: one content-free digest per person per day (DESIGN §7; CP-07, JR-03, JR-06, JR-07)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cases import services, tasks
from cases.models import Case
from cases.tests.factories import concern_case, drive_to, gift_case, template
from notifications.models import OutboxMessage

CANARY = "CANARY-7f3a-private-narrative"
TODAY = timezone.localdate
LATER = datetime.timedelta(days=10)


def _digests():
    return OutboxMessage.objects.filter(template=OutboxMessage.Template.DAILY_DIGEST)


def _overdue_world(org):
    """An unacknowledged case past its deadline, a review and an action due – all with a canary."""
    late = gift_case(org, narrative=f"{CANARY} gift")
    Case.objects.filter(pk=late.pk).update(acknowledge_by_date=TODAY() - datetime.timedelta(days=2))
    reviewed = drive_to(
        concern_case(org, narrative=f"{CANARY} concern"), Case.Status.MONITORING, reviewer=org.manager.user
    )
    services.action_add(
        case=reviewed,
        actor=org.manager.user,
        template=template("supervision"),
        owner=org.manager,
        due_date=TODAY(),
        details=CANARY,
    )
    Case.objects.filter(pk=reviewed.pk).update(next_review_date=TODAY() - datetime.timedelta(days=1))
    return late, reviewed


def test_the_digest_counts_everything_waiting_in_one_email_with_no_case_content(
    org, django_capture_on_commit_callbacks
):
    """CP-07: counts and a link only; no canary, no category, no names."""
    _overdue_world(org)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.cases_daily_reminders_send.delay().get() == 1
    message = _digests().get()
    assert message.recipient == org.manager.user and message.link == "/cases/"
    sent = [m for m in mail.outbox if m.to == [org.manager.user.email]]
    assert len(sent) == 1
    text = sent[0].subject + sent[0].body
    assert "1 case not yet acknowledged" in text
    assert "1 review due or overdue" in text
    assert "1 action due or overdue" in text
    assert "/cases/" in text
    for secret in (CANARY, "gift", "Gifts", "Discrimination", org.worker.full_name, org.colleague.full_name):
        assert secret not in text, secret


def test_running_the_digest_twice_on_one_day_sends_nothing_twice(org, django_capture_on_commit_callbacks):
    """JR-03, JR-07: the dedupe key is per person per date."""
    _overdue_world(org)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_queue() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_queue() == 0
        assert tasks.cases_daily_reminders_send.delay().get() == 0
    assert _digests().count() == 1
    assert len([m for m in mail.outbox if "waiting for you" in m.subject]) == 1


def test_the_next_day_brings_a_new_digest(org):
    _overdue_world(org)
    services.digest_queue()
    assert services.digest_queue(today=TODAY() + datetime.timedelta(days=1)) == 1
    assert _digests().count() == 2


def test_nobody_gets_a_digest_when_nothing_is_due(org):
    gift_case(org)  # acknowledgement not yet due
    assert services.digest_queue() == 0
    assert not _digests().exists()


def test_an_action_owner_who_is_not_the_reviewer_gets_their_own_digest(org):
    case = gift_case(org)
    services.action_add(
        case=case, actor=org.manager.user, template=template("training"), owner=org.senior, due_date=TODAY()
    )
    services.digest_queue(today=TODAY() + LATER)
    assert set(_digests().values_list("recipient", flat=True)) >= {org.senior.user.pk}


def test_administrators_get_policies_due_in_the_same_digest(org, django_capture_on_commit_callbacks):
    from policies.tests.factories import import_and_publish

    import_and_publish(actor=org.administrator, next_review_date=TODAY())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_queue() == 1
    message = _digests().get()
    assert message.recipient == org.administrator and message.link == "/policies/reviews/"
    body = next(m.body for m in mail.outbox if m.to == [org.administrator.email])
    assert "1 policy due for review" in body and "/policies/reviews/" in body and "/cases/" not in body


def test_the_digest_is_scheduled_daily_at_seven_and_replaces_the_separate_policy_reminder(db):
    periodic = PeriodicTask.objects.get(task="cases.tasks.cases_daily_reminders_send")
    assert periodic.enabled and (periodic.crontab.hour, periodic.crontab.minute) == ("7", "0")
    assert str(periodic.crontab.timezone) == "Europe/London"
    assert not PeriodicTask.objects.filter(task__startswith="policies.").exists()  # one e-mail a person a day


def test_the_task_takes_no_arguments_and_retries_a_bounded_number_of_times():
    """JR-05, JR-06: nothing personal in the broker message; retries capped."""
    import inspect

    assert list(inspect.signature(tasks.cases_daily_reminders_send.run).parameters) == []
    assert tasks.cases_daily_reminders_send.max_retries == 3


def test_the_daily_job_reroutes_cases_of_reviewers_who_left(org):
    case = gift_case(org)
    org.manager.user.is_active = False
    org.manager.user.save()  # switched off in the user table: only the sweep notices
    tasks.cases_daily_reminders_send.delay().get()
    assert Case.objects.get(pk=case.pk).reviewer == org.senior


@pytest.mark.parametrize(
    "template_code",
    [c for c in OutboxMessage.Template.values if c not in ("report_ready",)],
)
def test_every_case_notification_renders_without_case_content(org, template_code):
    """CP-07: every template is a generic line, perhaps a date or numbers, and a link."""
    from notifications.services import outbox_render

    message = OutboxMessage(
        recipient=org.manager.user, template=template_code, link="/cases/1/", due_date=TODAY(), dedupe_key="x"
    )
    subject, body = outbox_render(message=message)
    assert "http" in body and subject
    for word in ("gift", "sexual", "concern about", org.worker.full_name):
        assert word.lower() not in (subject + body).lower()
