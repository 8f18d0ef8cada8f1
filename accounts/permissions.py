"""Who may take part in resetting someone's second factor, and in granting roles."""

from core.roles import Role, grant_approver, has_role


def can_handle_mfa_resets(user) -> bool:
    """Safeguarding leads and administrators ask for and approve resets (never their own)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (has_role(user, Role.SAFEGUARDING_LEAD) or has_role(user, Role.ADMINISTRATOR))
    )


def can_see_role_grants(user) -> bool:
    """Safeguarding leads and administrators see the roles waiting for a second person."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (has_role(user, Role.SAFEGUARDING_LEAD) or has_role(user, Role.ADMINISTRATOR))
    )


def can_decide_role_grant(user, grant) -> bool:
    """May the user approve (or turn down) this grant? They hold its approver role (core.roles.GRANT_APPROVER),
    are active, and are neither the person who asked nor the person it is for."""
    approver = grant_approver(grant.role)
    return bool(
        approver is not None
        and user.is_authenticated
        and user.is_active
        and has_role(user, approver)
        and user.pk not in (grant.requested_by_id, grant.user_id)
    )
