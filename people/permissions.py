"""Yes/no questions about people and roles."""

from people.models import StaffMember
from people.roles import Role


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


def is_line_manager_of(user, staff: StaffMember) -> bool:
    """Is the user the direct line manager of this worker?"""
    manager_id = staff.line_manager_id
    return manager_id is not None and hasattr(user, "staff") and user.staff.pk == manager_id
