"""A personal self-declaration kept "between me and my line manager" (seed 004 supervision; seed 001 "Disclosure";
seed 002 §10.4; docs/cases.md "Confidential cases"): who sees it, in every list and page (AC-03, AC-06), what the
worker is told when that changes, and how safeguarding rules still win."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import TimelineEntry
from cases.selectors import case_list_for, case_queue_for
from cases.tests.factories import assess
from disclosures.tests.factories import category, disclosure_file
from notifications.models import OutboxMessage
from people.models import StaffMember
from people.tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db

# Who sees a confidential case of org.worker's (reviewed by org.manager, in team North A under org.senior).
PERSONAS = ["worker", "colleague", "manager", "senior", "other_manager", "safeguarding", "hr", "guardian"]
SEES = {"manager"}


def _nurse_feelings(org, **kwargs):
    """The nurse's disclosure of developing feelings for a service user (seed 004, supervision)."""
    StaffMember.objects.filter(pk=org.worker.pk).update(registration_body="nmc", registration_number="12A3456")
    org.worker.refresh_from_db()
    service_user = ServiceUserFactory(team=org.north_a)
    return disclosure_file(
        reporter=org.worker,
        category_code="attachment-feelings",
        service_users=[service_user],
        narrative="I think I am developing feelings for SU; I would like to talk it through.",
        confidential=True,
        **kwargs,
    )


def _user(org, name):
    return getattr(org, name).user


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reviewer_sees_a_confidential_case_in_lists_counts_and_pages(client, org, persona):
    """AC-03, AC-06: the senior manager overseeing the team, the safeguarding lead and HR do not see it either."""
    case = _nurse_feelings(org).case
    assert case.is_confidential and case.reviewer == org.manager
    user = _user(org, persona)
    sees = persona in SEES
    assert case_list_for(user).filter(pk=case.pk).exists() is sees
    assert case_queue_for(user).filter(pk=case.pk).exists() is sees
    client.force_login(user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == (200 if sees else 404)
    assert client.get(reverse("cases:history", args=[case.pk])).status_code == (200 if sees else 404)
    listing = client.get(reverse("cases:list"))
    if listing.status_code == 200:
        assert (case.reference in listing.text) is sees


def test_the_same_disclosure_without_confidentiality_is_seen_by_the_senior_manager(org):
    case = disclosure_file(reporter=org.worker, category_code="attachment-feelings").case
    assert not case.is_confidential
    assert case_list_for(org.senior.user).filter(pk=case.pk).exists()


def test_only_personal_categories_offer_it_and_the_service_ignores_it_elsewhere(client, org):
    client.force_login(org.worker.user)
    feelings = client.post(
        reverse("disclosures:new"),
        {"step": "category", "kind": "self_declaration", "category": category("attachment-feelings").pk},
    )
    assert "Keep this between me and my line manager" in feelings.text
    assert 'id="confidential-choice" hidden' not in feelings.text
    gifts = client.post(
        reverse("disclosures:new"),
        {"step": "category", "kind": "self_declaration", "category": category("gifts-money").pk},
    )
    assert 'id="confidential-choice" hidden' in gifts.text
    case = disclosure_file(reporter=org.worker, category_code="gifts-money", confidential=True).case
    assert not case.is_confidential and not case.disclosures.get().confidential
    assert category("attachment-feelings").may_be_confidential and not category("gifts-money").may_be_confidential


def test_a_worker_files_it_through_the_form_and_is_told_who_sees_it(client, org):
    client.force_login(org.worker.user)
    response = client.post(
        reverse("disclosures:new"),
        {
            "step": "details",
            "kind": "self_declaration",
            "category": category("attachment-feelings").pk,
            "narrative": "I have developed feelings for a service user.",
            "confidential": "on",
            "action": "submit",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    page = client.get(response["Location"]).text
    assert "Who can see it" in page
    assert "You asked to keep this between you and your line manager" in page
    assert org.manager.full_name in page
    assert "senior managers do not see it" in page


def test_escalation_lets_the_manager_asked_see_it_and_the_worker_is_told(client, org):
    disclosure = _nurse_feelings(org)
    case = disclosure.case
    services.case_escalate(
        case=case, actor=org.manager.user, to=org.senior, reason="I would like advice on this.", reassign=False
    )
    assert case_list_for(org.senior.user).filter(pk=case.pk).exists()
    assert not case_list_for(org.safeguarding.user).filter(pk=case.pk).exists()
    entry = case.timeline.filter(code=TimelineEntry.Code.WHO_CAN_SEE).last()
    assert org.senior.full_name in entry.text
    client.force_login(org.worker.user)
    page = client.get(reverse("disclosures:detail", args=[disclosure.pk])).text
    assert entry.text in page.replace("&#x27;", "'")


def test_a_safeguarding_rule_at_filing_wins_and_the_worker_is_told_why(client, org):
    disclosure = _nurse_feelings(org, at_risk_now=True)
    case = disclosure.case
    assert case.is_confidential and case.is_safeguarding and case.priority == "urgent"
    assert case_list_for(org.safeguarding.user).filter(pk=case.pk).exists()
    assert not case_list_for(org.senior.user).filter(pk=case.pk).exists()  # still not oversight
    assert OutboxMessage.objects.filter(
        recipient=org.safeguarding.user, template=OutboxMessage.Template.CASE_URGENT
    ).exists()
    client.force_login(org.worker.user)
    page = client.get(reverse("disclosures:submitted", args=[disclosure.pk])).text
    assert "The safeguarding lead can also see it, because of our rules" in page
    assert "When someone may be at risk of harm now" in page


def test_a_risk_assessment_that_finds_an_adult_at_risk_brings_in_the_safeguarding_lead(client, org):
    disclosure = _nurse_feelings(org)
    case = disclosure.case
    assess(case, org.manager.user, vulnerable=True)
    case.refresh_from_db()
    assert case.is_safeguarding
    assert case_list_for(org.safeguarding.user).filter(pk=case.pk).exists()
    assert not case_list_for(org.senior.user).filter(pk=case.pk).exists()
    client.force_login(org.worker.user)
    page = client.get(reverse("disclosures:detail", args=[disclosure.pk])).text
    assert "The safeguarding lead can now see it, because of our rules" in page
