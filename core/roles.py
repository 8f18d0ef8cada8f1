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
