"""Who may take part in resetting someone's second factor."""

from core.roles import Role, has_role


def can_handle_mfa_resets(user) -> bool:
    """Safeguarding leads and administrators ask for and approve resets (never their own)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (has_role(user, Role.SAFEGUARDING_LEAD) or has_role(user, Role.ADMINISTRATOR))
    )
