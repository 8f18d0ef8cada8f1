"""Leavers, handled at once whichever box is used (DESIGN §5): an end date on the staff record, "Active"
unticked on the staff record or on the account (admin page, import, anywhere), or the reviewing role taken
away. Each re-routes the person's open cases through cases.services.cases_reroute_for, writes a timeline
entry, and sends each new reviewer ONE e-mail saying how many cases arrived. The safety net on the
safeguarding lead's and senior managers' dashboards lists any open case whose reviewer cannot act."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Case, TimelineEntry
from cases.selectors import case_list_reviewer_cannot_act
from cases.tests.factories import gift_case
from core.roles import Role
from notifications.models import OutboxMessage
from people.imports import STAFF_COLUMNS, staff_import
from people.models import StaffMember
from people.services import staff_save
from people.tests.test_imports import csv_bytes, staff_row

pytestmark = pytest.mark.django_db


def _two_cases_with_the_manager(org):
    first = gift_case(org)
    second = gift_case(org, category_code="social-media")
    assert {first.reviewer, second.reviewer} == {org.manager}
    return first, second


def _handed_over(to) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=OutboxMessage.Template.CASES_HANDED_OVER, recipient=to.user))


def _assert_moved_to_senior(org, cases, why: str):
    for case in cases:
        case.refresh_from_db()
        assert case.reviewer == org.senior
        entry = case.timeline.filter(code=TimelineEntry.Code.REASSIGNED).get()
        assert entry.text.startswith("Re-routed:") and why in entry.text
    messages = _handed_over(org.senior)
    assert len(messages) == 1 and messages[0].count == len(cases)  # one e-mail, not one per case
    assert not OutboxMessage.objects.filter(
        template=OutboxMessage.Template.CASE_ASSIGNED, recipient=org.senior.user
    ).exists()


def test_unticking_active_on_the_account_page_reroutes_the_open_cases_at_once(client, org):
    cases = _two_cases_with_the_manager(org)
    user = org.manager.user
    admin = org.administrator
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "groups": list(user.groups.values_list("pk", flat=True)),
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "01/01/2024",
            "date_joined_1": "09:00:00",
        },  # "is_active" left out: the box is unticked
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    _assert_moved_to_senior(org, cases, "no longer active")
    entry = cases[0].timeline.filter(code=TimelineEntry.Code.REASSIGNED).get()
    assert entry.actor == admin


def test_an_end_date_on_the_staff_record_reroutes_the_open_cases_at_once(org):
    cases = _two_cases_with_the_manager(org)
    org.manager.end_date = datetime.date.today() - datetime.timedelta(days=1)
    staff_save(staff=org.manager, actor=org.administrator)
    _assert_moved_to_senior(org, cases, "no longer active")


def test_unticking_active_on_the_staff_record_reroutes_the_open_cases_at_once(org):
    cases = _two_cases_with_the_manager(org)
    org.manager.is_active = False
    staff_save(staff=org.manager, actor=org.administrator)
    _assert_moved_to_senior(org, cases, "no longer active")


def test_a_leaver_in_the_hr_file_has_their_cases_rerouted_by_the_import(org):
    cases = _two_cases_with_the_manager(org)
    manager = org.manager
    row = staff_row(
        manager.staff_number,
        username=manager.user.username,
        first_name=manager.user.first_name,
        last_name=manager.user.last_name,
        email=manager.user.email,
        team=manager.team.name,
        job_title=manager.job_title,
        line_manager=org.senior.staff_number,
        active="no",
    )
    staff_import(file=csv_bytes(STAFF_COLUMNS, [row]), actor=org.administrator)
    _assert_moved_to_senior(org, cases, "no longer active")


def test_switching_the_account_off_anywhere_else_reroutes_too(org):
    """The shell, a script, another page: the account's own save is enough (people.receivers)."""
    cases = _two_cases_with_the_manager(org)
    org.manager.user.is_active = False
    org.manager.user.save()
    _assert_moved_to_senior(org, cases, "no longer active")


def test_taking_the_reviewing_role_away_reroutes_the_open_cases(org, django_capture_on_commit_callbacks):
    cases = _two_cases_with_the_manager(org)
    with django_capture_on_commit_callbacks(execute=True):
        org.manager.user.groups.remove(*org.manager.user.groups.filter(name=Role.LINE_MANAGER.value))
    _assert_moved_to_senior(org, cases, "no longer holds a role that reviews cases, so they cannot review it")


def test_replacing_one_reviewing_role_by_another_moves_nothing(org, django_capture_on_commit_callbacks):
    """A form that swaps roles removes before it adds: the check waits for the commit."""
    case = gift_case(org)
    user = org.manager.user
    with django_capture_on_commit_callbacks(execute=True):
        user.groups.set(
            list(user.groups.exclude(name=Role.LINE_MANAGER.value))
            + [user.groups.model.objects.get(name=Role.SENIOR_MANAGER.value)]
        )
    case.refresh_from_db()
    assert case.reviewer == org.manager


def test_the_handover_e_mail_says_how_many_cases_and_nothing_about_them(org, django_capture_on_commit_callbacks):
    """CP-07: a count and a link, no category, no names."""
    with django_capture_on_commit_callbacks(execute=True):
        _two_cases_with_the_manager(org)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        org.manager.is_active = False
        staff_save(staff=org.manager, actor=org.administrator)
    to_senior = [m for m in mail.outbox if m.to == [org.senior.user.email]]
    assert len(to_senior) == 1
    message = to_senior[0]
    assert message.subject == "2 cases passed to you"
    assert "2 cases have been passed to you" in message.body and "/cases/" in message.body
    for secret in (org.manager.full_name, org.worker.full_name, "gift", "Gift", "social", "Social"):
        assert secret not in message.subject + message.body


def test_the_safety_net_lists_an_open_case_whose_reviewer_cannot_act(client, org):
    """Should never happen; if it does (here: a leaver recorded behind the services' back), the safeguarding
    lead and the senior manager see it on their dashboard with a link to reassign it."""
    case = gift_case(org, at_risk_now=True)  # a safeguarding case: the lead oversees it too
    assert case.is_safeguarding and case.reviewer == org.manager
    assert case_list_reviewer_cannot_act(user=org.safeguarding.user) == []
    StaffMember.objects.filter(pk=org.manager.pk).update(is_active=False)  # skips every hook, on purpose
    assert [c.pk for c, _ in case_list_reviewer_cannot_act(user=org.senior.user)] == [case.pk]
    for persona in (org.safeguarding, org.senior):
        client.force_login(persona.user)
        page = client.get(reverse("dashboard")).content.decode()
        assert "Cases whose reviewer cannot act" in page
        assert f"{org.manager.full_name} is no longer active, so they cannot review it." in page
        assert f'href="{reverse("cases:reassign", args=[case.pk])}"' in page
        assert case.reference in page
        listed = client.get(reverse("cases:list") + "?waiting=reviewer_cannot_act").content.decode()
        assert case.reference in listed and "1 case<" in listed
    client.force_login(org.manager.user)
    assert "Cases whose reviewer cannot act" not in client.get(reverse("dashboard")).content.decode()


def test_the_daily_sweep_sends_one_e_mail_per_new_reviewer(org):
    """An end date that passes overnight: the sweep groups the e-mail as the changes do."""
    cases = _two_cases_with_the_manager(org)
    StaffMember.objects.filter(pk=org.manager.pk).update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    from cases.services import cases_reroute_leavers

    assert sorted(c.pk for c in cases_reroute_leavers()) == sorted(c.pk for c in cases)
    _assert_moved_to_senior(org, cases, "no longer active")
    assert Case.objects.filter(reviewer=org.manager).count() == 0
