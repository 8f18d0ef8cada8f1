"""Yes/no questions about cases (docs/cases.md "Who may do what").

Whether a case is visible at all is cases.selectors.case_list_for: a predicate here never grants
more than that selector; each one that matters calls it, so a view that asks these questions
gets 404 for an invisible case and 403 for a visible one the user may not change.
"""

from cases.models import Case, SubjectNotice
from cases.selectors import case_is_visible_to, case_list_for, notice_list_for
from people.models import StaffMember
from people.permissions import has_role
from people.roles import Role


def _staff(user) -> StaffMember | None:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    if staff is None or not staff.is_active or not user.is_active:
        return None
    return staff


def can_review_case(user, case: Case) -> bool:
    """Is the user this case's assigned reviewer?"""
    staff = _staff(user)
    return staff is not None and case.reviewer_id == staff.pk


def can_act_on_case(user, case: Case) -> bool:
    """May the user work on the case: the reviewer, or someone it was escalated to (shared with)?"""
    staff = _staff(user)
    if staff is None:
        return False
    if case.reviewer_id != staff.pk and not case.shared_with.filter(pk=staff.pk).exists():
        return False
    return case_is_visible_to(user, case)


def can_update_case(user, case: Case) -> bool:
    """May the user change an open case (assess, add actions, record reviews and notices, close)?"""
    return case.is_open and can_act_on_case(user, case)


def _is_overseer(user) -> bool:
    return has_role(user, Role.SENIOR_MANAGER) or has_role(user, Role.SAFEGUARDING_LEAD)


def can_sign_off_case(user, case: Case) -> bool:
    """A senior manager or safeguarding lead who may see the case, is not its reviewer and did not ask
    for closure, may sign off a case waiting in CLOSURE_REVIEW (DESIGN §4)."""
    staff = _staff(user)
    if staff is None or case.status != Case.Status.CLOSURE_REVIEW or not _is_overseer(user):
        return False
    if staff.pk in {case.reviewer_id, case.closure_requested_by_id}:
        return False
    return case_is_visible_to(user, case)


def can_escalate_case(user, case: Case) -> bool:
    """The reviewer, or someone the case is shared with, may escalate an open case."""
    return can_update_case(user, case)


def can_reassign_case(user, case: Case) -> bool:
    """The reviewer may hand an open case on; so may a senior manager or safeguarding lead who sees it."""
    if not case.is_open:
        return False
    if can_act_on_case(user, case):
        return True
    return _staff(user) is not None and _is_overseer(user) and case_is_visible_to(user, case)


def can_reopen_case(user, case: Case) -> bool:
    """A closed case may be reopened by its reviewer, or by a senior manager or safeguarding lead who sees it."""
    if case.status != Case.Status.CLOSED or _staff(user) is None:
        return False
    if can_act_on_case(user, case):
        return True
    return _is_overseer(user) and case_is_visible_to(user, case)


def can_reply_to_notice(user, notice: SubjectNotice) -> bool:
    """Only the subject a notice is addressed to may reply to it."""
    staff = _staff(user)
    return staff is not None and notice.subject_id == staff.pk


# Who has a review queue: the roles DESIGN §6 gives cases to. Navigation shows "Cases" by the same rule.
QUEUE_ROLES = (Role.LINE_MANAGER, Role.SENIOR_MANAGER, Role.SAFEGUARDING_LEAD, Role.HR, Role.SPEAK_UP_GUARDIAN)


def can_open_case_queue(user) -> bool:
    """The queue is for the roles that review or oversee cases, and anyone a case is routed to."""
    if any(has_role(user, role) for role in QUEUE_ROLES):
        return True
    return _staff(user) is not None and case_list_for(user).exists()


def can_see_notices(user) -> bool:
    """ "Notices about you" is for someone with a staff record who has been sent a notice."""
    return _staff(user) is not None and notice_list_for(user).exists()
