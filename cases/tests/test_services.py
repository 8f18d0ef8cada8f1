"""Case-level services and selectors: references, deadlines, who sees a routed case."""

import datetime

import pytest

from cases.models import Case
from cases.selectors import case_list_for
from cases.services import reference_next, working_days_after
from disclosures.tests.factories import disclosure_file
from policies.models import DisclosureKind


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-11-23", 1, "2026-11-24"),  # Monday -> Tuesday
        ("2026-11-20", 1, "2026-11-23"),  # Friday -> Monday
        ("2026-11-21", 1, "2026-11-23"),  # Saturday -> Monday
        ("2026-11-23", 5, "2026-11-30"),  # Monday -> next Monday
    ],
)
def test_deadlines_count_working_days(start, days, expected):
    assert working_days_after(datetime.date.fromisoformat(start), days) == datetime.date.fromisoformat(expected)


def test_references_restart_each_year(db):
    assert reference_next(prefix="C", year=2026) == "C-2026-00001"
    assert reference_next(prefix="C", year=2026) == "C-2026-00002"
    assert reference_next(prefix="C", year=2027) == "C-2027-00001"
    assert reference_next(prefix="D", year=2026) == "D-2026-00001"


def test_the_reviewer_sees_the_case_and_the_subject_and_other_teams_do_not(org):
    """AC-05: the subject of a concern never sees the case; another team's manager gets nothing."""
    case = disclosure_file(
        reporter=org.worker, kind=DisclosureKind.CONCERN, category_code="discrimination", subjects=[org.colleague]
    ).case
    assert list(case_list_for(org.manager.user)) == [case]
    assert list(case_list_for(org.senior.user)) == [case]  # their team, not restricted
    for outsider in (org.colleague, org.worker, org.other_manager, org.hr, org.guardian):
        assert not case_list_for(outsider.user).exists(), outsider
    for user in (org.committee, org.auditor, org.administrator, org.superuser):
        assert not case_list_for(user).exists()


def test_a_restricted_case_is_seen_by_its_reviewer_only(org):
    """AC-06: not the colleague named in it, not the senior manager, not the safeguarding lead."""
    case = disclosure_file(
        reporter=org.worker, category_code="relationship-between-workers", subjects=[org.colleague]
    ).case
    assert case.is_restricted
    assert list(case_list_for(org.manager.user)) == [case]
    for other in (org.worker, org.colleague, org.senior, org.safeguarding, org.guardian):
        assert not case_list_for(other.user).exists(), other


def test_safeguarding_leads_see_safeguarding_cases_and_guardians_see_speak_up_cases(org):
    safeguarding = disclosure_file(reporter=org.worker, category_code="sexual-boundaries").case
    speak_up = disclosure_file(
        reporter=org.worker,
        kind=DisclosureKind.CONCERN,
        category_code="discrimination",
        subjects=[org.colleague],
        speak_up=True,
    ).case
    assert set(case_list_for(org.safeguarding.user)) == {safeguarding}
    assert set(case_list_for(org.guardian.user)) == {speak_up}


def test_a_case_cannot_jump_from_new_to_monitoring():
    case = Case(status=Case.Status.NEW)
    assert case.can_transition_to(Case.Status.FACT_FINDING)
    assert not case.can_transition_to(Case.Status.MONITORING)
