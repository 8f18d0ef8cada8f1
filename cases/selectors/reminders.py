"""What waits for each person today: the dashboard's and the daily digest's numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from cases.models import (
    Action,
    Case,
)
from cases.selectors.actions import action_open_list_for
from cases.selectors.visibility import case_list_for
from core.roles import Role, has_role
from people.models import StaffMember
from people.selectors import staff_for
from policies.selectors import policy_versions_review_due


@dataclass(frozen=True)
class DigestCounts:
    """How many things wait for one person today: numbers only (CP-07)."""

    acknowledgements_overdue: int = 0
    decisions_due: int = 0
    reviews_due: int = 0
    actions_due: int = 0
    policies_due: int = 0
    # The dashboard's, not in the e-mail: their own new cases to acknowledge, their open and overdue actions.
    new: int = 0
    actions_overdue: int = 0
    actions_open: int = 0

    @property
    def case_total(self) -> int:
        return self.acknowledgements_overdue + self.decisions_due + self.reviews_due + self.actions_due

    @property
    def total(self) -> int:
        return self.case_total + self.policies_due


def digest_counts_for(*, user, today: datetime.date | None = None) -> DigestCounts:
    """The daily digest's numbers for one user: cases counted only over those they may see; their own actions
    wherever they are (My actions shows them without the case)."""
    today = today or timezone.localdate()
    staff = staff_for(user)
    policies_due = 0
    if has_role(user, Role.ADMINISTRATOR):
        policies_due = policy_versions_review_due(today=today).count()
    if staff is None:
        return DigestCounts(policies_due=policies_due)
    # One aggregate over the reviewer's own open cases (the partial index case_open_by_reviewer).
    counts = (
        case_list_for(user)
        .filter(reviewer=staff)
        .exclude(status=Case.Status.CLOSED)
        .aggregate(
            acknowledgements_overdue=Count("pk", filter=Case.acknowledgement_overdue_q(today)),
            decisions_due=Count("pk", filter=Case.decision_due_q(today)),
            reviews_due=Count("pk", filter=Case.review_due_q(today)),
            new=Count("pk", filter=Q(status=Case.Status.NEW)),
        )
    )
    # The owner's own actions, as "My actions" lists them: also on cases the owner may not open.
    actions = action_open_list_for(user).aggregate(
        due=Count("pk", filter=Action.due_q(today)),
        overdue=Count("pk", filter=Action.overdue_q(today)),
        open=Count("pk"),
    )
    return DigestCounts(
        acknowledgements_overdue=counts["acknowledgements_overdue"],
        decisions_due=counts["decisions_due"],
        reviews_due=counts["reviews_due"],
        actions_due=actions["due"],
        policies_due=policies_due,
        new=counts["new"],
        actions_overdue=actions["overdue"],
        actions_open=actions["open"],
    )


def digest_recipient_ids(*, today: datetime.date | None = None) -> set[int]:
    """Users who may have something in today's digest (each is then counted through case_list_for)."""

    today = today or timezone.localdate()
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES)
    staff_ids = set(open_cases.filter(Case.acknowledgement_overdue_q(today)).values_list("reviewer", flat=True))
    staff_ids |= set(open_cases.filter(Case.review_due_q(today)).values_list("reviewer", flat=True))
    staff_ids |= set(open_cases.filter(Case.decision_due_q(today)).values_list("reviewer", flat=True))
    staff_ids |= set(Action.objects.filter(Action.due_q(today), case__in=open_cases).values_list("owner", flat=True))
    staff_ids.discard(None)
    users = set(StaffMember.objects.filter(pk__in=staff_ids).values_list("user_id", flat=True))

    if policy_versions_review_due(today=today).exists():
        users |= set(
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR.value)
            .values_list("pk", flat=True)
        )
    return users


def digest_context(*, message) -> dict:
    """The daily digest's numbers for its recipient on its date, counted when the e-mail is rendered
    (registered with notifications in CasesConfig.ready()). Numbers and paths only (CP-07)."""
    counts = digest_counts_for(user=message.recipient, today=message.due_date)
    return {
        "acknowledgements_overdue": counts.acknowledgements_overdue,
        "decisions_due": counts.decisions_due,
        "reviews_due": counts.reviews_due,
        "actions_due": counts.actions_due,
        "policies_due": counts.policies_due,
        "case_total": counts.case_total,
        "cases_url": "/cases/",
        "policies_url": "/policies/reviews/",
    }
