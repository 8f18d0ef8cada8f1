"""Gift decisions (docs/registers.md; seed 004 §1.2, seed 000 §4.1): a gift worth more than
settings.GIFT_DECISION_THRESHOLD that the worker kept needs the reviewer's decision on the case (the move
"decide_gift"), and the case cannot close until it has one."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Case, GiftDecision, TimelineEntry
from cases.permissions import moves_for
from cases.selectors import case_closure_problems, case_gifts, case_gifts_undecided
from cases.tests.factories import close, gift_case
from cases.tests.test_moves import _accepted
from people.tests.factories import CarerFactory, ServiceUserFactory

S = Case.Status


def _gift(org, *, value="200", response="accepted", **kwargs):
    service_user = ServiceUserFactory(team=org.north_a)
    carer = CarerFactory(service_user=service_user, relationship_to_service_user="daughter", initials="KC")
    details = {"item": "£200 in an envelope", "from_whom": "carer", "response": response}
    if value is not None:
        details["approx_value"] = value
    return gift_case(org, service_users=[service_user], carers=[carer], details=details, **kwargs)


def _decide(case, user, **kwargs):
    reference = kwargs.pop("reference", None) or case.disclosures.get().reference
    return services.case_gift_decide(
        case=case,
        actor=user,
        disclosure_reference=reference,
        decision=kwargs.pop("decision", GiftDecision.Decision.RETURN),
        note=kwargs.pop("note", "Given back with a thank-you card."),
    )


@pytest.mark.parametrize(
    ("value", "response", "needs"),
    [
        ("200", "accepted", True),
        ("25", "accepted", False),  # "over" the threshold: £25 itself needs none
        ("25.01", "accepted", True),
        ("200", "declined", False),  # nothing kept, nothing to decide
        ("200", "returned", False),
        (None, "accepted", False),  # no value given
    ],
)
def test_a_gift_needs_a_decision_when_it_is_worth_more_than_the_threshold_and_was_kept(org, value, response, needs):
    case = _gift(org, value=value, response=response)
    assert bool(case_gifts_undecided(case=case)) is needs
    assert ("decide_gift" in moves_for(org.manager.user, case)) is needs


@override_settings(GIFT_DECISION_THRESHOLD="500")
def test_the_threshold_is_a_setting(org):
    case = _gift(org, value="200")
    assert case_gifts_undecided(case=case) == []


def test_the_decision_is_recorded_on_the_case_with_timeline_history_and_audit(org):
    case = _gift(org)
    version = case.version
    decision = _decide(case, org.manager.user, decision=GiftDecision.Decision.KEEP_FOR_TEAM, note="For the lounge.")
    case.refresh_from_db()
    assert case.version == version + 1
    assert decision.value == 200 and decision.decided_by == org.manager
    assert decision.history.first().history_change_reason == "cases.gift.decided"
    assert case.timeline.filter(code=TimelineEntry.Code.GIFT_DECIDED).exists()
    assert AuditEvent.objects.filter(action="cases.gift.decided", object_id=str(case.pk)).exists()
    (gift,) = case_gifts(case=case)
    assert gift.decision == decision and not gift.undecided
    assert "decide_gift" not in moves_for(org.manager.user, case)  # one decision per gift
    with pytest.raises(services.CaseError):
        _decide(case, org.manager.user)


def test_a_decision_needs_a_note_and_a_known_choice(org):
    case = _gift(org)
    with pytest.raises(services.CaseError, match="note"):
        _decide(case, org.manager.user, note="  ")
    with pytest.raises(services.CaseError, match="Choose what happens"):
        _decide(case, org.manager.user, decision="sell")


def test_only_the_reviewer_decides(org):
    case = _gift(org)
    for staff in (org.senior, org.colleague, org.worker, org.other_manager):
        with pytest.raises(services.CaseError):
            _decide(case, staff.user)


def test_a_case_with_an_undecided_gift_cannot_close(org):
    case = _gift(org)
    services.case_acknowledge(case=case, actor=org.manager.user)
    assert any("gift" in p for p in case_closure_problems(case=case))
    with pytest.raises(services.CaseError, match="gift"):
        close(case, org.manager.user)
    _decide(case, org.manager.user)
    assert close(case, org.manager.user).status in (S.CLOSED, S.CLOSURE_REVIEW)


def test_the_decision_page_is_offered_exactly_when_the_service_accepts_it(org):
    """test_moves' rule for this move, on a case that has a gift waiting: every persona, page and service agree."""
    case = _gift(org)
    client = Client()
    for staff in (org.manager, org.senior, org.safeguarding, org.other_manager, org.worker, org.colleague):
        user = staff.user
        allowed = "decide_gift" in moves_for(user, case)
        client.force_login(user)
        response = client.get(reverse("cases:detail", args=[case.pk]))
        shown = (
            response.status_code == 200 and reverse("cases:gift_decision", args=[case.pk]) in response.content.decode()
        )
        assert allowed == _accepted("decide_gift", case, user, org) == shown, staff.user.username
    assert "decide_gift" in moves_for(org.manager.user, case)


def test_the_reviewer_decides_through_the_page(org):
    case = _gift(org)
    client = Client()
    client.force_login(org.manager.user)
    url = reverse("cases:gift_decision", args=[case.pk])
    assert client.get(url).status_code == 200
    reference = case.disclosures.get().reference
    response = client.post(
        url, {"version": case.version, "disclosure_reference": reference, "decision": "donate", "note": "Charity."}
    )
    assert response.status_code == 302
    assert GiftDecision.objects.get(disclosure_reference=reference).decision == "donate"
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Donated to charity" in body
