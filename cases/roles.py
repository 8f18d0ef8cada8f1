"""Which roles play which part in the case workflow (DESIGN §1, §4, §6): one place for each list."""

from core.roles import Role

# The roles that oversee cases across teams: they may sign off a closure, reopen or reassign a case
# they can see, and be escalated to (DESIGN §4).
OVERSEER_ROLES = (Role.SENIOR_MANAGER, Role.SAFEGUARDING_LEAD)
# The roles a case may be given to for review by reassignment (DESIGN §5).
REVIEWING_ROLES = (Role.LINE_MANAGER, Role.SENIOR_MANAGER, Role.SAFEGUARDING_LEAD)
# Who has a review queue: the roles DESIGN §6 gives cases to. Navigation shows "Cases" by the same rule.
QUEUE_ROLES = (Role.LINE_MANAGER, Role.SENIOR_MANAGER, Role.SAFEGUARDING_LEAD, Role.HR, Role.SPEAK_UP_GUARDIAN)
