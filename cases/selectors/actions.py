"""The actions a person owns ("My actions", docs/cases.md): what to do and by when, never the case.

An owner may not be able to open the case an action belongs to (a worker who owns "attend supervision" on
a case about them, say): these reads give the action's own words – the library title and description, the
reviewer's details and the due date – and nothing of the case (its reference, narrative or people).
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Action, Case
from people.selectors import staff_for

RECENT_DAYS = 90  # done or not-possible actions stay on the page this long


def action_list_for(user) -> QuerySet[Action]:
    """Every action this user owns, on any case (open ones first by due date, then the most recent)."""
    staff = staff_for(user)
    if staff is None:
        return Action.objects.none()
    return Action.objects.filter(owner=staff).select_related("template", "created_by__user")


def action_open_list_for(user) -> QuerySet[Action]:
    """The actions still to do: open, on a case that is still being worked on."""
    return (
        action_list_for(user)
        .filter(status=Action.Status.OPEN)
        .exclude(case__status__in=[Case.Status.CLOSED, Case.Status.CLOSURE_REVIEW])
        .order_by("due_date", "pk")
    )


def action_recent_list_for(user, today: datetime.date | None = None) -> QuerySet[Action]:
    """Actions that are no longer to do, changed in the last RECENT_DAYS days (for the owner's own record)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_DAYS)
    return (
        action_list_for(user)
        .exclude(pk__in=action_open_list_for(user).values("pk"))
        .filter(created_at__date__gte=since)
        .order_by("-created_at", "-pk")
    )
