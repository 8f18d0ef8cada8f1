"""Who may use the privacy pages (/privacy/): only the Auditor / DPO role; 404 for everyone else.

Superuser status and the Administrator role grant nothing here (AC-07); docs/roles.md.
"""

from core.roles import Role, has_role


def can_use_privacy(user) -> bool:
    """The data protection officer (the Auditor / DPO role) and nobody else."""
    return has_role(user, Role.AUDITOR)


def can_manage_legal_holds(user) -> bool:
    """Place, lift and list legal holds: the DPO, and the safeguarding lead (docs/roles.md)."""
    return has_role(user, Role.AUDITOR) or has_role(user, Role.SAFEGUARDING_LEAD)
