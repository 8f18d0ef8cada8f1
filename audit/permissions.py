"""Who may read the audit trail (DESIGN §6 "audit log" column: only the auditor; AU-08)."""

from core.roles import Role, has_role


def can_read_audit_trail(user) -> bool:
    """Only the Auditor / DPO reads the audit trail; superuser status and Administrator grant nothing (AC-07)."""
    return has_role(user, Role.AUDITOR)
