"""Who may do what with quarterly reports (DESIGN §6 "reports" column; AC-11)."""

from core.roles import Role, has_role

VIEWER_ROLES = (Role.COMMITTEE_MEMBER, Role.SAFEGUARDING_LEAD, Role.SENIOR_MANAGER)
REQUESTER_ROLES = (Role.COMMITTEE_MEMBER, Role.SAFEGUARDING_LEAD)


def can_view_reports(user) -> bool:
    """Committee members, the safeguarding lead and senior managers see the list and download files."""
    return any(has_role(user, role) for role in VIEWER_ROLES)


def can_request_report(user) -> bool:
    """The safeguarding lead and committee members may ask for a report (or retry a failed one)."""
    return any(has_role(user, role) for role in REQUESTER_ROLES)


def can_check_reports(user) -> bool:
    """The DPO (Auditor role) and the safeguarding lead run the disclosure check before release."""
    return has_role(user, Role.AUDITOR) or has_role(user, Role.SAFEGUARDING_LEAD)


def can_open_reports_page(user) -> bool:
    """The reports page: those who download reports, and the DPO for the disclosure check only."""
    return can_view_reports(user) or can_check_reports(user)


def can_review_lessons(user) -> bool:
    """Only the safeguarding lead reviews lessons before they are published."""
    return has_role(user, Role.SAFEGUARDING_LEAD)
