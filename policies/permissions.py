"""Yes/no questions about the policy library. Policies are not case content: every signed-in
user may read active policies; only administrators import, publish, link and see drafts."""

from core.roles import Role, has_role
from people.selectors import staff_for
from policies.models import PolicyVersion


def can_manage_policies(user) -> bool:
    """Import, publish, link to categories, see drafts and reviews due: administrators only."""
    return has_role(user, Role.ADMINISTRATOR)


def can_view_compliance(user) -> bool:
    """Line and senior managers see their teams' acknowledgements; administrators the whole organisation."""
    return any(has_role(user, role) for role in (Role.LINE_MANAGER, Role.SENIOR_MANAGER, Role.ADMINISTRATOR))


def can_acknowledge_version(user, version: PolicyVersion) -> bool:
    """Staff acknowledge the active version of a policy; accounts without a staff record do not."""
    return staff_for(user) is not None and version.status == PolicyVersion.Status.ACTIVE
