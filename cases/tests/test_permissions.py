"""Yes/no predicates on a case (docs/cases.md "Who may do what")."""

from cases import permissions as p
from cases import services
from cases.models import SubjectNotice
from cases.tests.factories import close, concern_case, gift_case


def test_the_reviewer_and_people_it_is_shared_with_may_act(org):
    case = concern_case(org)
    assert case.reviewer == org.manager and p.can_act_on_case(org.manager.user, case)
    assert not p.can_act_on_case(org.senior.user, case)  # sees it, but does not work on it
    services.case_escalate(case=case, actor=org.manager.user, to=org.senior, reason="Advice.", reassign=False)
    assert p.can_act_on_case(org.senior.user, case)
    for user in (org.colleague.user, org.worker.user, org.other_manager.user, org.superuser, org.administrator):
        assert not p.can_act_on_case(user, case)


def test_a_closed_case_cannot_be_updated_but_can_be_reopened_by_its_reviewer_or_an_overseer(org):
    case = close(gift_case(org), org.manager.user)
    assert p.moves_for(org.manager.user, case) == {"reopen", "note"}
    assert p.moves_for(org.senior.user, case) == {"reopen"}
    assert not p.moves_for(org.worker.user, case)
    assert not p.moves_for(org.other_manager.user, case)


def test_sign_off_is_for_a_second_person_who_may_see_the_case(org):
    case = close(gift_case(org, category_code="physical-contact"), org.manager.user)
    assert p.can_sign_off_case(org.senior.user, case)
    assert p.can_sign_off_case(org.safeguarding.user, case)
    for user in (org.manager.user, org.worker.user, org.other_manager.user, org.hr.user, org.superuser):
        assert not p.can_sign_off_case(user, case), user


def test_nothing_can_be_signed_off_before_closure_is_requested(org):
    case = gift_case(org, category_code="physical-contact")
    assert not p.can_sign_off_case(org.senior.user, case)


def test_a_senior_manager_may_reassign_a_case_they_oversee_but_not_another_teams(org):
    case = concern_case(org)
    assert "reassign" in p.moves_for(org.senior.user, case)
    assert "reassign" in p.moves_for(org.manager.user, case)
    assert "reassign" not in p.moves_for(org.other_manager.user, case)
    assert "reassign" not in p.moves_for(org.safeguarding.user, case)  # not a safeguarding case: cannot see it


def test_only_the_reviewer_side_may_escalate(org):
    case = concern_case(org)
    assert "escalate" in p.moves_for(org.manager.user, case)
    assert "escalate" not in p.moves_for(org.senior.user, case)


def test_only_the_subject_may_reply_to_their_notice(org):
    case = concern_case(org)
    notice = services.subject_notice_record(case=case, actor=org.manager.user, subject=org.colleague, told="Told.")
    notice = SubjectNotice.objects.get(pk=notice.pk)
    assert p.can_reply_to_notice(org.colleague.user, notice)
    assert not p.can_reply_to_notice(org.manager.user, notice)
    assert not p.can_reply_to_notice(org.worker.user, notice)
