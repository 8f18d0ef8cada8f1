"""What waits for a user, as lists: each dashboard count and the queue filter it links to read the same
function, so a count always matches the rows behind its link (boundaries/navigation.py waiting_for;
cases/filters.py "waiting")."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case
from cases.selectors.people import case_list_reviewer_cannot_act
from cases.selectors.visibility import case_list_for
from core.roles import Role, has_role
from people.selectors import staff_for
from policies.models import Priority

# The keys of the queue's "waiting" filter, with the words of its choice.
WAITING_CHOICES = [
    ("acknowledgement_overdue", "Mine, past the acknowledgement date"),
    ("new", "Mine, new to acknowledge"),
    ("sign_off", "Waiting for my closure sign-off"),
    ("decision_due", "Mine, a plan to decide before its date"),
    ("review_due", "Mine, a review due"),
    ("not_acknowledged", "Urgent or safeguarding, not yet acknowledged"),
    ("reviewer_cannot_act", "The reviewer cannot act on it"),
]


def case_waiting_q(*, key: str, today: datetime.date) -> Q:
    """The rule of one "waiting" list as a filter (lists that need a per-case check say so in
    case_waiting_list)."""
    return {
        "acknowledgement_overdue": Case.acknowledgement_overdue_q(today),
        "new": Q(status=Case.Status.NEW),
        "decision_due": Case.decision_due_q(today),
        "review_due": Case.review_due_q(today),
        # The safeguarding lead's first look (seed 001 "Sexualised behaviour": immediate action; seed 002
        # §7.5): urgent or safeguarding cases nobody has acknowledged yet, whoever reviews them.
        "not_acknowledged": Q(status=Case.Status.NEW, acknowledged_at__isnull=True)
        & (Q(priority=Priority.URGENT) | Q(is_safeguarding=True)),
    }.get(key, Q(pk__in=[]))


MINE = {"acknowledgement_overdue", "new", "decision_due", "review_due"}


def case_waiting_list(*, user, key: str, cases: QuerySet[Case] | None = None, today=None) -> QuerySet[Case]:
    """The cases behind one dashboard count, narrowing `cases` (by default case_list_for(user))."""
    today = today or timezone.localdate()
    cases = case_list_for(user) if cases is None else cases
    if key in MINE:
        staff = staff_for(user)
        if staff is None:
            return cases.none()
        return cases.filter(case_waiting_q(key=key, today=today), reviewer=staff)
    if key == "not_acknowledged":
        if not has_role(user, Role.SAFEGUARDING_LEAD):
            return cases.none()
        return cases.filter(case_waiting_q(key=key, today=today))
    if key == "sign_off":
        from cases.permissions import can_sign_off_case  # permissions reads the selectors: import when asked

        candidates = case_list_for(user).filter(status=Case.Status.CLOSURE_REVIEW)
        return cases.filter(pk__in=[c.pk for c in candidates if can_sign_off_case(user, c)])
    if key == "reviewer_cannot_act":
        if not (has_role(user, Role.SAFEGUARDING_LEAD) or has_role(user, Role.SENIOR_MANAGER)):
            return cases.none()
        return cases.filter(pk__in=[c.pk for c, _ in case_list_reviewer_cannot_act(user=user)])
    return cases.none()
