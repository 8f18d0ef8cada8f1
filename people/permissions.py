"""Yes/no questions about people (the role predicates every app asks are in core/roles.py)."""

from people.models import StaffMember


def is_line_manager_of(user, staff: StaffMember) -> bool:
    """Is the user the direct line manager of this worker?"""
    manager_id = staff.line_manager_id
    return manager_id is not None and hasattr(user, "staff") and user.staff.pk == manager_id
