""" "Superuser" grants nothing the Administrator role does not (AC-07; docs/roles.md): every admin page,
the outbox and the Celery-beat schedules included, answers from the same rule; the outbox shows no party
to a concern and no case link (CP-07); schedule changes are audited (AU-01)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from audit.models import AuditEvent
from core.admin_access import AdministratorAdminMixin
from core.roles import Role
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_every_admin_page_and_inline_asks_the_administrator_role():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AdministratorAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, AdministratorAdminMixin), (model, inline)


def test_a_superuser_administrator_has_exactly_the_rights_of_an_administrator(org):
    """AC-07: for every model in the admin, view/add/change/delete are the same with or without is_superuser."""
    plain = org.administrator
    boss = org.superuser
    boss.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    for model, model_admin in admin.site._registry.items():
        answers = []
        for user in (plain, boss):
            request = RequestFactory().get("/")
            request.user = user
            answers.append(
                (
                    model_admin.has_view_permission(request),
                    model_admin.has_add_permission(request),
                    model_admin.has_change_permission(request),
                    model_admin.has_delete_permission(request),
                )
            )
        assert answers[0] == answers[1], model


@pytest.mark.parametrize(
    "url_name",
    ["admin:notifications_outboxmessage_changelist", "admin:django_celery_beat_periodictask_changelist"],
)
def test_a_superuser_without_the_role_gets_neither_the_outbox_nor_the_schedules(client, org, url_name):
    client.force_login(org.superuser)
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.force_login(org.administrator)
    assert client.get(reverse(url_name)).status_code == 200


def test_the_outbox_shows_no_party_to_a_concern_and_no_case_link(client, org):
    """CP-07: a notice went to the colleague a concern is about; the outbox page must not say so."""
    notice = OutboxMessage.objects.create(
        recipient=org.colleague.user, template="subject_notice", link="/cases/notices/", dedupe_key="t1"
    )
    receipt = OutboxMessage.objects.create(
        recipient=org.worker.user, template="disclosure_receipt", link="/disclosures/4242/", dedupe_key="t2"
    )
    new_case = OutboxMessage.objects.create(
        recipient=org.manager.user, template="case_new", link="/cases/4343/", dedupe_key="t3"
    )
    client.force_login(org.administrator)
    pages = [client.get(reverse("admin:notifications_outboxmessage_changelist")).content.decode()]
    for message in (notice, receipt, new_case):
        pages.append(
            client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk])).content.decode()
        )
    text = "\n".join(pages)
    assert ">colleague<" not in text and ">worker<" not in text
    assert "/cases/4343/" not in text and "/disclosures/4242/" not in text and "/cases/notices/" not in text
    assert "manager" in text  # a reviewer's failed e-mail can still be followed up
    assert client.post(reverse("admin:notifications_outboxmessage_change", args=[new_case.pk]), {}).status_code == 403


def test_changing_a_schedule_is_audited_and_bulk_actions_are_gone(client, org):
    """AU-01: the relay's schedule changed in the admin leaves an event naming who and which fields."""
    task = PeriodicTask.objects.get(task="notifications.tasks.outbox_relay_pending")
    interval = task.interval
    client.force_login(org.administrator)
    url = reverse("admin:django_celery_beat_intervalschedule_change", args=[interval.pk])
    response = client.post(
        url,
        {
            "every": 5,
            "period": IntervalSchedule.MINUTES,
            "periodictask_set-TOTAL_FORMS": 0,
            "periodictask_set-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.schedule.changed")
    assert event.actor == org.administrator
    assert event.object_type == "django_celery_beat.intervalschedule"
    assert "every" in event.detail["fields"]
    page = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "enable_tasks" not in page and "run_tasks" not in page
