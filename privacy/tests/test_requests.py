"""Data subjects' requests: who may open the pages, the statutory due dates, rectification beside the record,
erasure and restriction refused where records must be kept, and who looked at whose records."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, TimelineEntry
from disclosures.models import Disclosure
from disclosures.tests.factories import DraftDisclosureFactory, disclosure_file
from privacy.models import RecordCorrection, RightsRequest
from privacy.models.requests import months_after, next_working_day
from privacy.requests import erasure
from privacy.requests.services import RequestError, request_extend
from privacy.tests.factories import concern_about, log_request

PERSONAS = ["worker", "manager", "senior", "other_manager", "safeguarding", "hr", "guardian", "committee",
            "administrator", "superuser", "auditor"]  # fmt: skip

# Every page of the requests part of /privacy/ (GET), by URL name; POST-only ones are checked below.
PAGES = ["privacy:requests", "privacy:request_new", "privacy:request", "privacy:sar_draft", "privacy:who_looked"]
POSTS = ["privacy:request_extend", "privacy:request_decide", "privacy:request_correct", "privacy:request_erase",
         "privacy:request_restrict", "privacy:request_lift", "privacy:sar_redact", "privacy:sar_release"]  # fmt: skip


def _user(org, persona):
    person = getattr(org, persona)
    return getattr(person, "user", person)


def _url(name, rr):
    return reverse(name, args=[rr.pk]) if name not in ("privacy:requests", "privacy:request_new",
                                                         "privacy:who_looked") else reverse(name)  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_dpo_opens_the_request_pages_everyone_else_gets_404(client, org, persona):
    """AC-07: only the Auditor / DPO role; superusers and administrators too get 404."""
    rr = log_request(actor=org.auditor, person=org.worker)
    client.force_login(_user(org, persona))
    for name in PAGES:
        response = client.get(_url(name, rr))
        assert response.status_code == (200 if persona == "auditor" else 404), (name, response.status_code)
    if persona != "auditor":
        for name in POSTS + ["privacy:sar_download"]:
            assert client.post(_url(name, rr), {"reason": "x"}).status_code in (404, 405), name
        assert (
            client.get(reverse("privacy:sar_record", args=[rr.pk, f"person:staff:{org.worker.pk}"])).status_code == 404
        )


def test_every_requests_url_is_in_the_access_table():
    from privacy.urls import urlpatterns

    mine = {f"privacy:{p.name}" for p in urlpatterns if p.name.startswith(("request", "sar", "who"))}
    assert mine == set(PAGES) | set(POSTS) | {"privacy:sar_download", "privacy:sar_record"}


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (datetime.date(2026, 9, 3), 1, datetime.date(2026, 10, 5)),  # 3 October 2026 is a Saturday → Monday
        (datetime.date(2026, 9, 21), 1, datetime.date(2026, 10, 21)),
        (datetime.date(2026, 1, 30), 1, datetime.date(2026, 3, 2)),  # no 30 February: the 28th, a Saturday → Monday
        (datetime.date(2026, 8, 31), 1, datetime.date(2026, 9, 30)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 3, 1)),  # extended: 28 Feb 2027 is a Sunday
        (datetime.date(2027, 12, 15), 1, datetime.date(2028, 1, 17)),  # 15 January 2028 is a Saturday
    ],
)
def test_the_due_date_is_the_corresponding_day_of_the_month_moved_off_a_weekend(received, months, due):
    assert next_working_day(months_after(received, months)) == due


@time_machine.travel(datetime.datetime(2026, 9, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_complex_request_is_extended_by_two_months_with_its_reason(client, org):
    rr = log_request(actor=org.auditor, person=org.worker, received_date=datetime.date(2026, 9, 1))
    assert rr.due_date == datetime.date(2026, 10, 1)
    client.force_login(org.auditor)
    response = client.post(reverse("privacy:request_extend", args=[rr.pk]), {"reason": ""})
    assert response.status_code == 400 and "Say why" in response.text
    client.post(reverse("privacy:request_extend", args=[rr.pk]), {"reason": "Six years of records in three systems."})
    rr.refresh_from_db()
    assert rr.due_date == datetime.date(2026, 12, 1) and rr.extension_reason.startswith("Six years")
    assert "1 December 2026" in client.get(reverse("privacy:request", args=[rr.pk])).text
    assert AuditEvent.objects.filter(action="privacy.request.extended", object_id=str(rr.pk)).exists()


def test_an_extension_after_the_first_month_is_refused(org):
    rr = log_request(actor=org.auditor, person=org.worker, received_date=datetime.date(2026, 1, 5))
    with (
        time_machine.travel(datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.UTC)),
        pytest.raises(RequestError, match="month has passed"),
    ):
        request_extend(request=rr, actor=org.auditor, reason="Too late.")


def test_the_dpo_logs_a_request_and_sees_its_due_date(client, org):
    client.force_login(org.auditor)
    response = client.post(
        reverse("privacy:request_new"), {"person": "", "kind": "access", "received_date": "2026-11-02"}
    )
    assert response.status_code == 200 and "Choose who is asking" in response.text and "2026-11-02" in response.text
    response = client.post(
        reverse("privacy:request_new"),
        {"person": f"staff:{org.worker.pk}", "kind": "access", "received_date": "2026-11-02", "details": "All of it."},
    )
    rr = RightsRequest.objects.get()
    assert response.status_code == 302 and rr.staff == org.worker and rr.due_date == datetime.date(2026, 12, 2)
    page = client.get(reverse("privacy:requests")).text
    assert "2 December 2026" in page and org.worker.full_name in page
    assert AuditEvent.objects.filter(action="privacy.request.logged", object_id=str(rr.pk)).exists()


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_an_overdue_request_waits_on_the_dpos_dashboard(client, org):
    log_request(actor=org.auditor, person=org.worker, received_date=datetime.date(2026, 10, 1))  # due 1 Nov → overdue
    log_request(actor=org.auditor, person=org.colleague, received_date=datetime.date(2026, 11, 19))  # not yet due
    client.force_login(org.auditor)
    page = client.get(reverse("dashboard")).text
    assert "1 request from a data subject overdue" in page
    assert "Overdue" in client.get(reverse("privacy:requests")).text


def test_a_correction_stands_beside_the_case_and_never_overwrites_it(client, org):
    case = concern_about(org.worker, reporter=org.colleague, narrative="She shouted at a client on 3 May.")
    disclosure = case.disclosures.get()
    history_before = (case.history.count(), disclosure.history.count())
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RECTIFICATION)
    client.force_login(org.auditor)
    response = client.post(
        reverse("privacy:request_correct", args=[rr.pk]),
        {"item_key": f"disclosure:{disclosure.pk}", "correction": "It was 4 May and I did not shout.",
         "decision": "not_accepted", "reason": "Two witnesses agree with the account as recorded."},
    )  # fmt: skip
    assert response.status_code == 302
    made = RecordCorrection.objects.get()
    assert made.decision == "not_accepted" and made.item_key == f"disclosure:{disclosure.pk}"
    disclosure.refresh_from_db()
    assert disclosure.narrative == "She shouted at a client on 3 May."  # the statement is never changed
    entry = case.timeline.filter(code=TimelineEntry.Code.NOTE).last()
    assert "It was 4 May and I did not shout." in entry.text and "Not accepted" in entry.text
    assert (case.history.count(), disclosure.history.count()) == history_before  # no row rewritten
    # Those who may see the case read the correction there.
    client.force_login(org.manager.user)
    assert "It was 4 May and I did not shout." in client.get(reverse("cases:detail", args=[case.pk])).text


def test_a_correction_needs_the_record_and_keeps_what_was_typed(client, org):
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RECTIFICATION)
    client.force_login(org.auditor)
    response = client.post(reverse("privacy:request_correct", args=[rr.pk]),
                           {"item_key": "", "correction": "My start date is wrong.", "decision": "accepted",
                            "reason": ""})  # fmt: skip
    assert response.status_code == 400
    assert "Choose the record" in response.text and "My start date is wrong." in response.text
    assert not RecordCorrection.objects.exists()


def test_erasure_is_refused_while_a_safeguarding_case_is_open_and_the_reason_is_recorded(client, org):
    case = concern_about(org.worker, reporter=org.colleague, at_risk_now=True)
    assert case.is_safeguarding and case.is_open
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.ERASURE)
    client.force_login(org.auditor)
    assert "An open safeguarding matter" in client.get(reverse("privacy:request", args=[rr.pk])).text
    client.post(reverse("privacy:request_erase", args=[rr.pk]))
    rr.refresh_from_db()
    assert rr.status == RightsRequest.Status.REFUSED and rr.decided_by == org.auditor
    assert case.reference in rr.decision_reason and "Article 17(3)(b)" in rr.decision_reason
    event = AuditEvent.objects.get(action="privacy.erasure.refused", object_id=str(rr.pk))
    assert event.detail == {"reasons": ["open_safeguarding"]}
    assert Case.objects.filter(pk=case.pk).exists()


def test_erasure_is_refused_while_a_legal_hold_keeps_the_person_or_one_of_their_cases(org):
    """CP-08: a legal hold wins over erasure, on the person or on a case they are in."""
    from privacy.holds import legal_hold_lift, legal_hold_place

    review = timezone.localdate() + datetime.timedelta(days=90)
    rr = log_request(actor=org.auditor, person=org.colleague, kind=RightsRequest.Kind.ERASURE)
    assert erasure.erasure_keep_reasons(person_key=rr.person_key) == []
    hold = legal_hold_place(
        actor=org.safeguarding.user, staff=org.colleague, reason="Tribunal claim.", review_date=review
    )
    reasons = erasure.erasure_keep_reasons(person_key=rr.person_key)
    assert [code for code, _ in reasons] == ["legal_hold"] and "a hold on the person" in reasons[0][1]
    rr = erasure.apply_erasure(request=rr, actor=org.auditor)
    assert rr.status == RightsRequest.Status.REFUSED and "legal hold" in rr.decision_reason
    legal_hold_lift(hold=hold, actor=org.safeguarding.user, reason="Claim withdrawn.")
    assert erasure.erasure_keep_reasons(person_key=rr.person_key) == []


def test_restriction_is_refused_while_a_safeguarding_case_is_open(org):
    concern_about(org.worker, reporter=org.colleague, at_risk_now=True)
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RESTRICTION)
    rr = erasure.apply_restriction(request=rr, actor=org.auditor, reason="Until the review.")
    assert rr.status == RightsRequest.Status.REFUSED and "Article 18(2)" in rr.decision_reason


def test_erasure_removes_unsent_drafts_and_their_history_and_keeps_closed_cases_for_the_schedule(org, monkeypatch):
    draft = DraftDisclosureFactory(reporter=org.worker, narrative="CANARY-draft")
    draft_id = draft.pk
    filed = disclosure_file(reporter=org.worker)  # an open case: kept, and erasure refused for now
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.ERASURE)
    assert erasure.erasure_keep_reasons(person_key=rr.person_key)[0][0] == "open_case"
    monkeypatch.setattr(erasure, "KEEP_RULES", [])  # pretend the case has closed: nothing stops erasure
    rr = erasure.apply_erasure(request=rr, actor=org.auditor)
    assert rr.status == RightsRequest.Status.PARTLY_GRANTED and "retention" in rr.decision_reason
    assert not Disclosure.objects.filter(pk=draft_id).exists()
    assert not Disclosure.history.filter(id=draft_id).exists()
    assert Disclosure.objects.filter(pk=filed.pk).exists()
    assert AuditEvent.objects.get(action="privacy.erasure.applied").detail["drafts"] == 1


def test_who_looked_lists_every_view_of_the_persons_records_with_names_for_the_dpo(client, org):
    case = concern_about(org.worker, reporter=org.colleague)
    client.force_login(org.manager.user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    client.force_login(org.auditor)
    page = client.get(reverse("privacy:who_looked"), {"person": f"staff:{org.worker.pk}"}).text
    assert "Opened the case" in page and org.manager.user.username in page
    assert "1 time someone looked" in page
    other = client.get(reverse("privacy:who_looked"), {"person": f"staff:{org.other_manager.pk}"}).text
    assert "0 times someone looked" in other
    assert AuditEvent.objects.filter(action="privacy.who_looked.viewed").count() == 2


def test_an_objection_is_decided_with_its_reason_and_a_missing_reason_keeps_the_choice(client, org):
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.OBJECTION)
    client.force_login(org.auditor)
    response = client.post(reverse("privacy:request_decide", args=[rr.pk]), {"status": "refused", "reason": ""})
    assert response.status_code == 400 and "Give the decision and its legal reason" in response.text
    assert re.search(r'<input[^>]*value="refused"[^>]*checked', response.text)  # the choice is kept
    why = "Compelling legitimate grounds: the safeguarding record protects service users (Article 21(1))."
    client.post(reverse("privacy:request_decide", args=[rr.pk]), {"status": "refused", "reason": why})
    rr.refresh_from_db()
    assert rr.status == RightsRequest.Status.REFUSED and rr.decision_reason == why
    assert why in client.get(reverse("privacy:request", args=[rr.pk])).text
    assert AuditEvent.objects.get(action="privacy.request.decided").detail == {"status": "refused"}


def test_a_restriction_is_granted_when_no_safeguarding_matter_uses_the_records(client, org):
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RESTRICTION)
    client.force_login(org.auditor)
    client.post(reverse("privacy:request_restrict", args=[rr.pk]), {"reason": "Stored only, until 1 March 2027."})
    rr.refresh_from_db()
    assert rr.status == RightsRequest.Status.GRANTED and rr.decision_reason == "Stored only, until 1 March 2027."
    assert AuditEvent.objects.filter(action="privacy.restriction.granted", object_id=str(rr.pk)).exists()


def test_the_dpos_own_reading_of_a_draft_shows_in_who_looked(client, org):
    case = concern_about(org.worker, reporter=org.colleague)
    disclosure = case.disclosures.get()
    rr = log_request(actor=org.auditor, person=org.worker)
    client.force_login(org.auditor)
    client.get(reverse("privacy:sar_record", args=[rr.pk, f"disclosure:{disclosure.pk}"]))
    page = client.get(reverse("privacy:who_looked"), {"person": f"staff:{org.worker.pk}"}).text
    assert "Read the record while preparing a request for a copy" in page
    assert f"disclosures.disclosure {disclosure.pk}" in page
