"""Who may open the registers (docs/registers.md "Who sees what"). Everyone else gets 404.

Which rows each person then sees is registers.selectors (their teams, their part of the organisation,
and never a restricted or speak-up case's people unless they may open that case).
"""

from core.roles import Role, has_role, holds_any
from people.selectors import staff_for

# seed 004 §1.2 ("discuss this with their line manager"), DESIGN §1 / §6.
MANAGING_ROLES = (Role.LINE_MANAGER, Role.SENIOR_MANAGER, Role.SAFEGUARDING_LEAD)


def can_view_gift_register(user) -> bool:
    """Line managers (their teams), senior managers (their part of the organisation), the safeguarding lead,
    and the auditor (every gift, read-only)."""
    if has_role(user, Role.AUDITOR):
        return True
    return staff_for(user) is not None and holds_any(user, MANAGING_ROLES)


def can_view_relationship_register(user) -> bool:
    """The people who manage the relationships register: line managers, senior managers, the safeguarding lead."""
    return staff_for(user) is not None and holds_any(user, MANAGING_ROLES)
