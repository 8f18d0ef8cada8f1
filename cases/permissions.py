"""Yes/no questions about cases. Whether a case is visible at all is cases.selectors.case_list_for."""

from cases.models import Case


def can_review_case(user, case: Case) -> bool:
    """Is the user this case's assigned reviewer?"""
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff is not None and staff.is_active and case.reviewer_id == staff.pk
