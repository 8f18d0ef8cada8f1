"""Refused attempts are audited (AU-03), at most one event per person, route and minute plus one for
the minute's repeats, so a crawler cannot flood the table; pages that show a case inside a form are
case views (AU-01); asking for a password reset is an event (AU-02)."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.factories import concern_case

REFUSED, REPEATED = "audit.access.refused", "audit.access.refused_repeated"
NOON = datetime.datetime(2026, 7, 1, 12, 0, 5, tzinfo=datetime.UTC)


@pytest.fixture
def case(org):
    return concern_case(org)


def _refusals():
    return list(AuditEvent.objects.filter(action__in=[REFUSED, REPEATED]).order_by("pk"))


def test_a_refused_case_page_is_one_event_with_the_actor_the_route_and_the_id_tried(client, org, case):
    """AU-03, AU-06: another team's manager probes a case: 404, and one event naming who, which route
    and which id, with nothing of the case's content."""
    client.force_login(org.other_manager.user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    [event] = _refusals()
    assert event.actor == org.other_manager.user
    assert (event.action, event.object_type, event.object_id) == (REFUSED, "cases.case", str(case.pk))
    assert event.detail == {"route": "cases:detail", "status": 404, "method": "GET", "ids": {"pk": str(case.pk)}}
    assert event.request_id
    stored = json.dumps([event.object_type, event.object_id, event.detail])
    assert case.reference not in stored and case.category.name not in stored


@pytest.mark.parametrize(
    ("route", "kwargs", "object_type", "object_id"),
    [
        ("cases:history", {"pk": 987654}, "cases.case", "987654"),
        ("cases:attachment_download", {"pk": 987654, "attachment_id": 12}, "cases.attachment", "12"),
        ("cases:action_status", {"pk": 987654, "action_id": 13}, "cases.action", "13"),
        ("cases:review", {"pk": 987654}, "cases.case", "987654"),
        ("cases:notice_reply", {"pk": 987654}, "cases.subjectnotice", "987654"),
        ("disclosures:detail", {"pk": 987654}, "disclosures.disclosure", "987654"),
        ("disclosures:attachment_download", {"pk": 987654}, "disclosures.attachment", "987654"),
        ("reporting:download_pdf", {"pk": 987654}, "reporting.report", "987654"),
    ],
)
def test_every_kind_of_object_route_records_the_id_tried(client, org, route, kwargs, object_type, object_id):
    """AU-03: cases, histories, attachments, actions, notices, disclosures and reports, even for ids
    that do not exist (a probe is a probe)."""
    client.force_login(org.worker.user)
    post_only = route == "cases:notice_reply"
    response = (client.post if post_only else client.get)(reverse(route, kwargs=kwargs))
    assert response.status_code in (403, 404)
    [event] = _refusals()
    assert (event.actor, event.object_type, event.object_id) == (org.worker.user, object_type, object_id)
    assert event.detail["route"] == route and event.detail["status"] == response.status_code
    assert event.detail["method"] == ("POST" if post_only else "GET")


def test_a_forbidden_move_is_recorded_as_403(client, org, case):
    """AU-03: someone who sees the case but may not make the move gets 403, recorded the same way."""
    client.force_login(org.senior.user)
    response = client.get(reverse("cases:assess", args=[case.pk]))
    assert response.status_code == 403
    [event] = _refusals()
    assert event.detail == {"route": "cases:assess", "status": 403, "method": "GET", "ids": {"pk": str(case.pk)}}


def test_the_audit_trail_and_the_admin_refused_are_recorded(client, org):
    """AU-03, AC-07: the audit trail and the admin are refused to those without the role, and recorded;
    for the admin, the page and id that were asked for (the admin refuses on its log-in page)."""
    client.force_login(org.worker.user)
    assert client.get(reverse("audit:list")).status_code == 404
    client.force_login(org.superuser)
    url = reverse("admin:people_staffmember_change", args=[987654])
    assert client.get(url, follow=True).status_code == 403
    assert [(e.actor.username, e.detail["route"], e.object_type, e.object_id) for e in _refusals()] == [
        ("worker", "audit:list", "", ""),
        ("root_no_role", "admin:people_staffmember_change", "people.staffmember", "987654"),
    ]


def test_a_crawler_leaves_one_event_a_minute_per_route_and_one_for_the_repeats(client, org, case):
    """AU-03: 50 probes in a minute are one event (the first id) plus, once the minute is over, one
    event with the count of the other 49 and the first 20 ids they tried."""
    client.force_login(org.other_manager.user)
    with time_machine.travel(NOON, tick=False):
        for pk in range(case.pk, case.pk + 50):
            assert client.get(reverse("cases:detail", args=[pk])).status_code == 404
        assert client.get(reverse("disclosures:detail", args=[case.pk])).status_code == 404
    assert [(e.action, e.detail["route"], e.object_id) for e in _refusals()] == [
        (REFUSED, "cases:detail", str(case.pk)),
        (REFUSED, "disclosures:detail", str(case.pk)),
    ]
    with time_machine.travel(NOON + datetime.timedelta(minutes=1), tick=False):
        client.get(reverse("dashboard"))
        client.get(reverse("dashboard"))
    repeats = [e for e in _refusals() if e.action == REPEATED]
    assert len(repeats) == 1  # the disclosure probe had no repeats; the flush happens once
    assert repeats[0].actor == org.other_manager.user
    assert repeats[0].detail == {
        "route": "cases:detail",
        "minute_utc": "2026-07-01T12:00Z",
        "repeats": 49,
        "ids": [str(pk) for pk in range(case.pk + 1, case.pk + 21)],
    }
    assert AuditEvent.objects.filter(action__in=[REFUSED, REPEATED]).count() == 3


def test_logging_out_writes_the_repeats_of_the_current_minute(client, org, case):
    """AU-03: a crawler that logs out straight away still leaves its count."""
    client.force_login(org.other_manager.user)
    with time_machine.travel(NOON, tick=False):
        for pk in range(case.pk, case.pk + 3):
            client.get(reverse("cases:detail", args=[pk]))
        client.post(reverse("logout"))
    assert [(e.action, e.detail.get("repeats")) for e in _refusals()] == [(REFUSED, None), (REPEATED, 2)]


def test_allowed_pages_and_anonymous_visitors_leave_no_refusal(client, org, case):
    """AU-03: only refusals of signed-in people count (anonymous visitors are sent to log in)."""
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 302
    client.force_login(org.manager.user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get("/no-such-page/").status_code == 404  # not a route: nothing was tried
    assert _refusals() == []


@pytest.mark.parametrize("move", ["acknowledge", "review", "close", "sign_off", "assess"])
def test_a_page_that_shows_the_case_inside_a_form_is_a_case_view(client, org, case, move):
    """AU-01: the move pages show the case's header and details: each showing is a case view."""
    client.force_login(org.manager.user)
    response = client.get(reverse(f"cases:{move}", args=[case.pk]))
    views = AuditEvent.objects.filter(action="cases.case.viewed", actor=org.manager.user)
    if response.status_code == 200:
        [view] = views
        assert (view.object_type, view.object_id) == ("cases.case", str(case.pk))
        assert view.detail["page"]
    else:  # the move is not open to the reviewer now: a refusal, not a view
        assert not views.exists() and len(_refusals()) == 1


def test_asking_for_a_password_reset_is_an_event_without_what_was_typed(client, org):
    """AU-02: one event per account the link goes to; an address that matches none is recorded
    without the address."""
    worker = org.worker.user
    worker.email = "worker@example.org"
    worker.save()
    client.post(reverse("password_reset"), {"email": "worker@example.org"})
    client.post(reverse("password_reset"), {"email": "nobody.here@example.org"})
    events = list(AuditEvent.objects.filter(action="accounts.password.reset_requested").order_by("pk"))
    assert [(e.object_type, e.object_id, e.detail) for e in events] == [
        ("auth.user", str(worker.pk), {}),
        ("", "", {"account": "none"}),
    ]
    assert all(e.ip_address for e in events)
    assert "nobody.here" not in json.dumps([e.detail for e in events])
