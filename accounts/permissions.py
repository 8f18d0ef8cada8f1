"""Who may take part in resetting someone's second factor."""

from people.permissions import has_role
from people.roles import Role


def can_handle_mfa_resets(user) -> bool:
    """Safeguarding leads and administrators ask for and approve resets (never their own)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (has_role(user, Role.SAFEGUARDING_LEAD) or has_role(user, Role.ADMINISTRATOR))
    )
