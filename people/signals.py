"""Signals people sends so that other apps can follow changes without people importing them.

people sits at the bottom of the dependency graph (DESIGN §2): it must not import cases. When a
worker leaves or their line management changes, cases re-routes the open cases that depended on
it (DESIGN §5); cases listens to this signal (cases/apps.py ready(), cases/receivers.py).
"""

from django.dispatch import Signal

# Sent by people.services after a staff record changed, and by people.receivers after an account
# changed, inside the same transaction (so what the receivers do is committed, or rolled back, with
# the change; a role taken away is looked at once committed). Keyword arguments:
#   staff: the StaffMember as saved
#   actor: the user who made the change, or None (a task or command)
#   changed: frozenset of field names among "is_active", "end_date", "line_manager", "user_active",
#            "roles" (people.receivers sends "user_active" and "roles" for a change made to the account
#            anywhere: the account page, an import, the shell)
#   previous_line_manager_id: the line manager's pk before the change, or None
staff_changed = Signal()
