"""Who sees which case (DESIGN §6): one queryset for every list, count and export."""

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.selectors import (
    case_current_band,
    case_list_for,
    digest_counts_for,
    notice_list_for,
    risk_band_for,
)
from cases.tests.factories import assess, concern_case, gift_case
from people.models import Relationship
from people.services import staff_save
from people.tests.factories import RelationshipFactory

PERSONAS = ("worker", "colleague", "manager", "senior", "other_manager", "safeguarding", "hr", "guardian")
NO_STAFF_RECORD = ("committee", "auditor", "administrator", "superuser")


def _who_sees(org, case) -> set[str]:
    seen = {name for name in PERSONAS if case_list_for(getattr(org, name).user).filter(pk=case.pk).exists()}
    seen |= {name for name in NO_STAFF_RECORD if case_list_for(getattr(org, name)).filter(pk=case.pk).exists()}
    return seen


def test_a_concern_is_seen_by_its_reviewer_and_the_teams_senior_manager_only(org):
    """AC-03, AC-05, AC-07, AC-11: not the subject, not the reporter, not another team, not admins."""
    assert _who_sees(org, concern_case(org)) == {"manager", "senior"}


def test_a_safeguarding_case_is_also_seen_by_the_safeguarding_lead(org):
    assert _who_sees(org, gift_case(org, category_code="physical-contact")) == {"manager", "senior", "safeguarding"}


def test_a_speak_up_case_is_seen_by_the_guardian_who_reviews_it(org):
    case = concern_case(org, speak_up=True)
    assert "guardian" in _who_sees(org, case)
    assert not {"colleague", "worker", "hr", "committee", "administrator", "superuser"} & _who_sees(org, case)


def test_a_restricted_case_is_seen_by_its_reviewer_only(org):
    """AC-06: not the senior manager, not the safeguarding lead, not the colleague in it."""
    case = gift_case(org, category_code="relationship-between-workers", subjects=[org.colleague])
    assert _who_sees(org, case) == {"manager"}


def test_hr_sees_a_case_only_after_it_is_referred_for_investigation(org):
    """DESIGN §6: HR only after an HR referral action (hr_referred_at)."""
    case = concern_case(org)
    assert "hr" not in _who_sees(org, case)
    from cases.models import ActionTemplate
    from policies.models import StatutoryPrompt

    hr_template = ActionTemplate.objects.get(refers_to=StatutoryPrompt.HR_INVESTIGATION)
    services.action_add(case=case, actor=org.manager.user, template=hr_template, owner=org.manager)
    assert "hr" in _who_sees(org, case)


def test_hr_never_sees_a_restricted_case_even_after_referral(org):
    from cases.models import ActionTemplate
    from policies.models import StatutoryPrompt

    case = gift_case(org, category_code="relationship-between-workers", subjects=[org.colleague])
    hr_template = ActionTemplate.objects.get(refers_to=StatutoryPrompt.HR_INVESTIGATION)
    services.action_add(case=case, actor=org.manager.user, template=hr_template, owner=org.manager)
    assert "hr" not in _who_sees(org, case)


def test_someone_a_case_is_escalated_to_sees_it(org):
    case = concern_case(org, category_code="contact-outside-work")
    assert "safeguarding" not in _who_sees(org, case)
    services.case_escalate(case=case, actor=org.manager.user, to=org.safeguarding, reason="Advice.", reassign=False)
    assert "safeguarding" in _who_sees(org, case)


def test_escalating_a_restricted_case_grants_access_to_that_person_only(org):
    """AC-06: a grant lets the third person in; nobody else."""
    case = gift_case(org, category_code="relationship-between-workers", subjects=[org.colleague])
    services.case_escalate(case=case, actor=org.manager.user, to=org.senior, reason="Advice.", reassign=False)
    assert _who_sees(org, case) == {"manager", "senior"}


def test_a_senior_manager_with_a_close_relationship_to_the_subject_does_not_see_it(org):
    """DESIGN §6: senior managers see their teams' cases unless conflicted."""
    case = concern_case(org)
    RelationshipFactory(
        staff=org.senior,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        colleague=org.colleague,
        service_user=None,
        kind=Relationship.Kind.FAMILY,
    )
    assert "senior" not in _who_sees(org, case)


def test_a_reviewer_who_leaves_sees_nothing(org):
    """AC-09: access follows the current state of the account."""
    gift_case(org)
    org.manager.is_active = False
    staff_save(staff=org.manager, actor=None)
    assert not case_list_for(org.manager.user).exists()


def test_the_list_has_no_duplicates_and_can_be_counted_and_annotated(org):
    from django.db.models import Count

    case = gift_case(org, category_code="relationship-between-workers", subjects=[org.colleague])
    services.case_escalate(case=case, actor=org.manager.user, to=org.senior, reason="r", reassign=False)
    services.case_escalate(case=case, actor=org.manager.user, to=org.safeguarding, reason="r", reassign=False)
    visible = case_list_for(org.manager.user)
    assert visible.count() == len(list(visible)) == 1
    assert visible.annotate(n=Count("timeline")).get().n == case.timeline.count()


def test_the_subject_sees_only_the_notices_addressed_to_them(org):
    case = concern_case(org)
    notice = services.subject_notice_record(case=case, actor=org.manager.user, subject=org.colleague, told="Told.")
    assert list(notice_list_for(org.colleague.user)) == [notice]
    for other in (org.worker, org.manager, org.senior):
        assert not notice_list_for(other.user).exists()
    assert not notice_list_for(org.superuser).exists()


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "low"), (3, "low"), (4, "moderate"), (6, "moderate"), (8, "high"), (12, "high"), (25, "extreme")],
)
def test_scores_fall_in_the_bands_held_as_data(db, score, band):
    assert risk_band_for(score).code == band


def test_the_current_band_follows_the_latest_assessment(org):
    case = gift_case(org)
    assert case_current_band(case=case) is None
    assess(case, org.manager.user, likelihood=5, consequence=4)
    assert case_current_band(case=case).code == "extreme"
    assess(case, org.manager.user, likelihood=1, consequence=1)
    assert case_current_band(case=case).code == "low"


def test_digest_counts_only_cases_the_person_may_see(org):
    case = gift_case(org)
    Case.objects.filter(pk=case.pk).update(acknowledge_by_date=timezone.localdate().replace(year=2000))
    assert digest_counts_for(user=org.manager.user).acknowledgements_overdue == 1
    assert digest_counts_for(user=org.senior.user).acknowledgements_overdue == 0  # not their case to acknowledge
    assert digest_counts_for(user=org.superuser).total == 0
