"""Roles are Django groups (DESIGN §1), created by migration people/0002_roles.py. A person may hold several.

Record-level access is decided by predicates in each app's permissions.py, never by
is_superuser or a bare model permission; they ask has_role() here.
"""

from django.db import models


class Role(models.TextChoices):
    WORKER = "Worker", "Worker"
    LINE_MANAGER = "Line manager", "Line manager"
    SENIOR_MANAGER = "Senior manager", "Senior manager"
    SAFEGUARDING_LEAD = "Safeguarding lead", "Safeguarding lead"
    HR = "HR", "HR"
    SPEAK_UP_GUARDIAN = "Speak-up guardian", "Speak-up guardian"
    COMMITTEE_MEMBER = "Committee member", "Committee member"
    AUDITOR = "Auditor", "Auditor / DPO"
    ADMINISTRATOR = "Administrator", "Administrator"


def user_roles(user) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


def has_role(user, role: Role) -> bool:
    """Does the user hold this role? Superuser status grants nothing here (AC-07)."""
    return role.value in user_roles(user)


def holds_any(user, roles) -> bool:
    """Does the user hold at least one of these roles?"""
    return any(has_role(user, role) for role in roles)


# Granting one of these roles needs a second person, the holder of the role on the right, and takes
# effect only once they approve (accounts.services.role_grant_approve; docs/roles.md "Granting a
# role"). These are the roles that read case content, reports or the audit trail, and the
# Administrator role, which runs the system: GlobaLeaks' rule that the people who run the system
# cannot read the reports (SECURITY-REQUIREMENTS AC-07). Only the Worker role, which every member of
# staff holds and which shows nobody else's case, is granted at once.
GRANT_APPROVER: dict[Role, Role] = {
    Role.LINE_MANAGER: Role.SAFEGUARDING_LEAD,
    Role.SENIOR_MANAGER: Role.SAFEGUARDING_LEAD,
    Role.SAFEGUARDING_LEAD: Role.SAFEGUARDING_LEAD,
    Role.HR: Role.SAFEGUARDING_LEAD,
    Role.SPEAK_UP_GUARDIAN: Role.SAFEGUARDING_LEAD,
    Role.COMMITTEE_MEMBER: Role.SAFEGUARDING_LEAD,
    Role.AUDITOR: Role.SAFEGUARDING_LEAD,
    Role.ADMINISTRATOR: Role.ADMINISTRATOR,
}


def grant_approver(role_name: str) -> Role | None:
    """Whose approval a grant of this role needs, or None when it takes effect at once."""
    try:
        return GRANT_APPROVER.get(Role(role_name))
    except ValueError:
        return Role.ADMINISTRATOR  # a group that is not a known role: the strictest rule
