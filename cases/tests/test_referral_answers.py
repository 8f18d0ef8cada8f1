"""Answering a referral prompt "yes" does what the referral means, exactly as agreeing the referral action does
(cases.services.assessment.referral_made_effects; DESIGN §6; docs/cases.md "Statutory prompts")."""

import pytest

from cases import services
from cases.models import TimelineEntry
from cases.selectors import case_list_for, case_prompts_raised
from cases.tests.factories import concern_case, template
from notifications.models import OutboxMessage
from policies.models import StatutoryPrompt

pytestmark = pytest.mark.django_db


def _accepted_money(org):
    """A worry that a colleague accepted money: raises a safeguarding referral and an HR prompt, not yet a
    safeguarding matter."""
    return concern_case(
        org,
        category_code="gifts-money",
        details={"item": "£50", "from_whom": "service_user", "response": "accepted"},
    )


def test_hr_investigation_yes_lets_hr_see_the_case_like_the_action_does(org):
    """AC-03: HR sees a case only once it is referred for HR investigation, whichever way it was referred."""
    case = _accepted_money(org)
    assert StatutoryPrompt.HR_INVESTIGATION in case_prompts_raised(case=case)
    assert not case_list_for(org.hr.user).filter(pk=case.pk).exists()
    services.prompt_answer(
        case=case,
        actor=org.manager.user,
        prompt=StatutoryPrompt.HR_INVESTIGATION,
        referral_made=True,
        reason="Money was accepted; HR to investigate.",
    )
    case.refresh_from_db()
    assert case.hr_referred_at is not None
    assert case_list_for(org.hr.user).filter(pk=case.pk).exists()
    assert case.timeline.filter(code=TimelineEntry.Code.HR_REFERRED).count() == 1
    # Agreeing the referral action afterwards changes nothing more: one rule, one place.
    services.action_add(case=case, actor=org.manager.user, template=template("referral-hr"), owner=org.manager)
    case.refresh_from_db()
    assert case.timeline.filter(code=TimelineEntry.Code.HR_REFERRED).count() == 1


def test_the_hr_action_after_a_no_answer_still_refers_the_case(org):
    case = _accepted_money(org)
    services.prompt_answer(
        case=case,
        actor=org.manager.user,
        prompt=StatutoryPrompt.HR_INVESTIGATION,
        referral_made=False,
        reason="Not at first.",
    )
    assert not case_list_for(org.hr.user).filter(pk=case.pk).exists()
    services.action_add(case=case, actor=org.manager.user, template=template("referral-hr"), owner=org.manager)
    assert case_list_for(org.hr.user).filter(pk=case.pk).exists()


def test_answering_no_refers_nothing(org):
    case = _accepted_money(org)
    for prompt in (StatutoryPrompt.HR_INVESTIGATION, StatutoryPrompt.SAFEGUARDING_REFERRAL):
        services.prompt_answer(
            case=case, actor=org.manager.user, prompt=prompt, referral_made=False, reason="Threshold not met."
        )
    case.refresh_from_db()
    assert case.hr_referred_at is None and not case.is_safeguarding
    assert not case_list_for(org.hr.user).filter(pk=case.pk).exists()
    assert not case_list_for(org.safeguarding.user).filter(pk=case.pk).exists()


def test_safeguarding_referral_yes_makes_it_a_safeguarding_matter_and_tells_the_lead(org):
    case = _accepted_money(org)
    assert not case.is_safeguarding
    assert not case_list_for(org.safeguarding.user).filter(pk=case.pk).exists()
    services.prompt_answer(
        case=case,
        actor=org.manager.user,
        prompt=StatutoryPrompt.SAFEGUARDING_REFERRAL,
        referral_made=True,
        reason="Referred to the local authority today.",
    )
    case.refresh_from_db()
    assert case.is_safeguarding
    assert case_list_for(org.safeguarding.user).filter(pk=case.pk).exists()
    assert OutboxMessage.objects.filter(recipient=org.safeguarding.user, link=f"/cases/{case.pk}/").exists()
    assert "safeguarding lead can see it" in case.timeline.filter(code="safeguarding_alerted").get().text
    assert case.history.latest().history_change_reason == "cases.prompt.answered"


def test_the_safeguarding_referral_action_does_the_same(org):
    case = _accepted_money(org)
    refer = template("referral-safeguarding")
    services.action_add(case=case, actor=org.manager.user, template=refer, owner=org.manager)
    case.refresh_from_db()
    assert case.is_safeguarding
    assert case_list_for(org.safeguarding.user).filter(pk=case.pk).exists()
