"""The audit-trail viewer (/audit/): only the Auditor / DPO reads it (DESIGN §6 "audit log" column; AU-08,
AC-02, AC-07), every view and export is itself an audit event (AU-08), and exports cannot smuggle
spreadsheet formulas (CSV injection)."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from audit.models import AuditEvent
from audit.services import audit_record

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")
OTHER_PERSONAS = ["worker", "manager", "senior", "safeguarding", "hr", "guardian", "committee", "administrator",
                  "superuser"]  # fmt: skip


def url_name(url) -> str:
    return resolve(url).view_name


def _user(org, persona):
    person = getattr(org, persona)
    return getattr(person, "user", person)


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def auditor_client(client, org):
    client.force_login(org.auditor)
    return client


@pytest.fixture
def events(org):
    """A short trail: a log-in, a case view and a report download by different people."""
    return [
        audit_record(action="accounts.login.succeeded", actor=org.manager.user, obj=org.manager.user),
        audit_record(action="cases.case.viewed", actor=org.manager.user, object_type="cases.case", object_id=7),
        audit_record(
            action="reporting.report.downloaded",
            actor=org.committee,
            object_type="reporting.quarterlyreport",
            object_id=3,
            detail={"format": "pdf"},
        ),
    ]


def _shown_actions(response) -> list[str]:
    return [event.action for event, _detail in response.context["rows"]]


@pytest.mark.parametrize("persona", OTHER_PERSONAS)
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_nobody_but_the_auditor_can_open_the_audit_trail_or_export_it(client, org, events, persona, url):
    """AU-08, AC-02, AC-07: only the auditor; the administrator and a superuser without the role get 404.
    AU-03: the refused attempt is the one event it leaves."""
    user = _user(org, persona)
    client.force_login(user)
    before = AuditEvent.objects.count()
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="audit.events.").exists()
    assert AuditEvent.objects.count() == before + 1
    refused = AuditEvent.objects.get(action="audit.access.refused")
    assert (refused.actor, refused.detail["route"], refused.detail["status"]) == (user, url_name(url), 404)


def test_the_auditor_sees_every_event_newest_first_with_who_what_which_object_and_detail(auditor_client, org, events):
    """AU-04: who, what, which object, when, which request; the detail shown compactly."""
    response = auditor_client.get(LIST)
    assert response.status_code == 200
    shown = [event.action for event, _ in response.context["rows"] if event.actor != org.auditor]  # not her log-in
    assert shown == ["reporting.report.downloaded", "cases.case.viewed", "accounts.login.succeeded"]
    page = response.content.decode()
    assert "committee" in page and "reporting.quarterlyreport" in page
    assert "{&quot;format&quot;: &quot;pdf&quot;}" in page
    assert '<th scope="col">Time (UK)</th>' in page and "<caption" in page


def test_times_are_shown_in_uk_time_with_utc_in_the_title(auditor_client, org):
    """AU-04: stored in UTC; shown in Europe/London, with the UTC time on hover."""
    with time_machine.travel(datetime.datetime(2026, 7, 1, 8, 5, 9, tzinfo=datetime.UTC), tick=False):
        audit_record(action="cases.case.viewed", actor=org.manager.user, object_type="cases.case", object_id=1)
    page = auditor_client.get(LIST).content.decode()
    assert 'datetime="2026-07-01T08:05:09+00:00" title="2026-07-01 08:05:09 UTC">1 July 2026, 09:05:09</time>' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "COMMIT"}, ["reporting.report.downloaded"]),
        ({"action": "cases.case."}, ["cases.case.viewed"]),
        ({"action": "case"}, ["cases.case.viewed"]),
        ({"object_type": "cases.case", "object_id": "7"}, ["cases.case.viewed"]),
        ({"object_type": "cases.case", "object_id": "8"}, []),
        ({"actor": "manager", "action": "accounts."}, ["accounts.login.succeeded"]),
    ],
)
def test_the_auditor_can_filter_by_actor_action_prefix_and_object(auditor_client, events, query, expected):
    assert _shown_actions(auditor_client.get(LIST, query)) == expected


def test_the_auditor_can_filter_by_uk_dates_counted_in_uk_days(auditor_client, org):
    """00:30 on 1 July in London is 23:30 UTC on 30 June: it belongs to 1 July."""
    for moment, action in [
        (datetime.datetime(2026, 6, 30, 22, 59, tzinfo=datetime.UTC), "test.june"),
        (datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC), "test.july.first"),
        (datetime.datetime(2026, 7, 1, 22, 59, tzinfo=datetime.UTC), "test.july.last"),
        (datetime.datetime(2026, 7, 1, 23, 1, tzinfo=datetime.UTC), "test.july.second"),
    ]:
        with time_machine.travel(moment, tick=False):
            audit_record(action=action)
    one_day = {"action": "test.", "date_from": "01/07/2026", "date_to": "01/07/2026"}
    assert _shown_actions(auditor_client.get(LIST, one_day)) == ["test.july.last", "test.july.first"]
    iso = {"action": "test.", "date_from": "2026-07-02"}
    assert _shown_actions(auditor_client.get(LIST, iso)) == ["test.july.second"]


def test_the_auditor_can_find_everything_one_request_did(auditor_client, org):
    first = audit_record(action="test.one")
    AuditEvent.objects.create(action="test.two", request_id="11111111-2222-3333-4444-555555555555")
    response = auditor_client.get(LIST, {"request_id": "11111111-2222-3333-4444-555555555555"})
    assert _shown_actions(response) == ["test.two"]
    assert first.action not in _shown_actions(response)


def test_an_invalid_date_is_explained_and_shows_no_events(auditor_client, events):
    response = auditor_client.get(LIST, {"date_from": "31/02/2026"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Enter a valid date" in response.content.decode()
    assert auditor_client.get(EXPORT, {"date_from": "31/02/2026"}).status_code == 400


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_to": "31/12/9999"}, "The “to” date cannot be more than 5 years ahead"),
        ({"date_from": "01/01/0001"}, "The “from” date cannot be before 1 January 1900"),
        ({"date_from": "9999-12-31", "date_to": "9999-12-31"}, "cannot be more than 5 years ahead"),
    ],
)
def test_a_date_out_of_range_is_explained_not_a_server_error(auditor_client, events, query, message):
    """IN-01: 31/12/9999 in "To" was a server error (the day after it does not exist); now it is a message."""
    response = auditor_client.get(LIST, query)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert message in response.content.decode()
    assert auditor_client.get(EXPORT, query).status_code == 400


def test_a_filter_typed_with_a_nul_character_is_recorded_without_it(auditor_client, events):
    """IN-01: the view's own audit event keeps the filters as typed; PostgreSQL cannot store NUL in JSON, so
    a NUL was a server error. It is recorded as U+FFFD."""
    response = auditor_client.get(LIST, {"actor": "wor\x00ker", "date_from": "\x00"})
    assert response.status_code == 200
    viewed = AuditEvent.objects.filter(action="audit.events.viewed").latest("pk")
    assert viewed.detail["filters"]["actor"] == "wor\ufffdker"


def test_the_trail_is_paginated_fifty_a_page_and_pages_keep_the_filters(auditor_client, org):
    for number in range(60):
        audit_record(action="test.paged", object_id=number)
    first = auditor_client.get(LIST, {"action": "test."})
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0][0].object_id == "59"
    assert "?action=test.&amp;page=2" in first.content.decode()
    second = auditor_client.get(LIST, {"action": "test.", "page": 2})
    assert [event.object_id for event, _ in second.context["rows"]] == [str(n) for n in range(9, -1, -1)]


def test_viewing_the_trail_is_itself_an_audit_event_with_the_filters(auditor_client, org, events):
    """AU-08: viewing the audit store is itself audited, exactly once per view (AU-01)."""
    auditor_client.get(LIST, {"action": "cases.", "actor": "manager", "page": "1"})
    viewed = AuditEvent.objects.get(action="audit.events.viewed")
    assert viewed.actor == org.auditor
    assert viewed.detail == {"filters": {"action": "cases.", "actor": "manager"}, "page": 1}
    assert viewed.request_id
    # The page shows the trail as it was when the auditor asked; the next view shows the first one.
    assert "audit.events.viewed" in _shown_actions(auditor_client.get(LIST))


def test_export_gives_the_filtered_events_as_csv(auditor_client, org, events):
    response = auditor_client.get(EXPORT, {"actor": "manager"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    rows = _csv(response)
    assert [row["action"] for row in rows] == ["cases.case.viewed", "accounts.login.succeeded"]
    assert rows[0]["actor"] == "manager"
    assert (rows[0]["object_type"], rows[0]["object_id"]) == ("cases.case", "7")
    assert rows[0]["occurred_at_utc"].endswith("+00:00")


def test_export_neutralises_values_a_spreadsheet_would_run_as_formulas(auditor_client, org):
    """CSV injection: a leading =, +, - or @ gets a leading apostrophe."""
    audit_record(action='=HYPERLINK("http://evil")', object_type="+cmd", object_id="-1", detail={"a": 1})
    audit_record(action="@SUM(1)")
    rows = _csv(auditor_client.get(EXPORT))
    by_action = {row["action"]: row for row in rows}
    evil = by_action['\'=HYPERLINK("http://evil")']
    assert (evil["object_type"], evil["object_id"], evil["detail"]) == ("'+cmd", "'-1", '{"a": 1}')
    assert "'@SUM(1)" in by_action


def test_exporting_is_itself_an_audit_event_with_the_filters_and_row_count(auditor_client, org, events):
    """AU-08, AU-01: every download is audited exactly once."""
    auditor_client.get(EXPORT, {"action": "cases."})
    exported = AuditEvent.objects.get(action="audit.events.exported")
    assert exported.actor == org.auditor
    assert exported.detail == {"filters": {"action": "cases."}, "rows": 1}
    assert not AuditEvent.objects.filter(action="audit.events.viewed").exists()


def test_the_list_takes_the_same_number_of_queries_for_one_event_or_sixty(auditor_client, org):
    """No N+1: session, user, roles, count, the page (actor joined), the savepoint and the audit insert."""
    audit_record(action="test.first", actor=org.manager.user)
    with CaptureQueriesContext(connection) as one:
        auditor_client.get(LIST)
    for number in range(60):
        audit_record(action="test.more", actor=org.worker.user if number % 2 else org.hr.user, object_id=number)
    with CaptureQueriesContext(connection) as sixty:
        response = auditor_client.get(LIST)
    assert len(response.context["rows"]) == 50
    assert len(one) == len(sixty)


def test_the_export_takes_the_same_number_of_queries_for_one_event_or_sixty(auditor_client, org):
    audit_record(action="test.first", actor=org.manager.user)
    with CaptureQueriesContext(connection) as one:
        auditor_client.get(EXPORT)
    for number in range(60):
        audit_record(action="test.more", actor=org.worker.user, object_id=number)
    with CaptureQueriesContext(connection) as sixty:
        assert len(_csv(auditor_client.get(EXPORT))) > 60
    assert len(one) == len(sixty)


def test_the_auditor_is_offered_the_audit_trail_on_the_dashboard(auditor_client):
    assert f'href="{LIST}">Audit trail</a>' in auditor_client.get(reverse("dashboard")).content.decode()


def test_the_trail_says_each_action_and_object_in_words_beside_its_code(client, org):
    """The auditor reads "Case opened" and "case 12", with the codes the filters use beside them."""
    from audit.services import audit_record
    from audit.words import action_words, object_words

    assert action_words("cases.case.opened") == "Case opened"
    assert action_words("privacy.sar.record_viewed") == "Subject-access copy record viewed"
    assert object_words("cases.case") == "case" and object_words("gone.model") == "model"
    audit_record(action="cases.case.opened", object_type="cases.case", object_id=12)
    client.force_login(org.auditor)
    body = client.get("/audit/").content.decode()
    assert "Case opened" in body and "Case 12" in body and '<code class="small">cases.case.opened</code>' in body
