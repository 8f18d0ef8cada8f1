"""Handing open cases on when a reviewer leaves or line management changes (DESIGN §5)."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from cases.models import (
    Case,
)
from cases.selectors import case_exclusions, first_free_holder, reviewer_cannot_act
from cases.services.assignment import _set_reviewer
from cases.services.base import _link, _lock, _today
from cases.services.routing import reviewer_choose
from core.roles import Role
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.models import StaffMember
from people.selectors import staff_managers_above
from policies.models import DisclosureKind


def _routing_input(case: Case) -> dict:
    """What routing needs, from the case's first disclosure (or its subjects when it has none)."""
    first = case.disclosures.select_related("reporter__user").order_by("pk").first()
    if first is not None:
        return {
            "kind": first.kind,
            "category": case.category,
            "reporter": first.reporter,
            "named": list(first.subjects.select_related("user").order_by("pk")),
            "speak_up": bool(first.speak_up),
        }
    subjects = list(case.subjects.select_related("user").order_by("pk"))
    return {
        "kind": DisclosureKind.SELF_DECLARATION,
        "category": case.category,
        "reporter": subjects[0],
        "named": subjects[1:],
        "speak_up": case.is_speak_up,
    }


def _reroute_one(case: Case, *, actor, why: str) -> StaffMember | None:
    """Route the case again and hand it over if the answer is someone else; the timeline says why.
    Returns the new reviewer (None if the case stayed where it was); the caller sends the e-mail."""
    routing = reviewer_choose(**_routing_input(case))
    chosen = routing.reviewer
    if chosen is not None and reviewer_cannot_act(case=case, staff=chosen) is not None:
        # seed 001 "Managing boundary issues": a manager who cannot act consults their own manager.
        above = [m for m in staff_managers_above(staff=chosen) if reviewer_cannot_act(case=case, staff=m) is None]
        if above:
            routing.reasons.append(f"{chosen.full_name} cannot review cases, so it went to {above[0].full_name}.")
        chosen = above[0] if above else None
    if chosen is None:
        excluded = case_exclusions(case=case)
        if case.reviewer_id:
            excluded[case.reviewer_id] = "is being replaced"
        chosen = first_free_holder(Role.SAFEGUARDING_LEAD, excluded)
        routing.reasons.append(
            f"The case went to safeguarding lead {chosen.full_name}." if chosen else "Nobody could take it."
        )
    if chosen is None or chosen.pk == case.reviewer_id:
        return None
    case.shared_with.remove(chosen)
    _set_reviewer(
        case,
        chosen,
        actor=actor,
        reason="cases.case.rerouted",
        text=f"Re-routed: {why} " + " ".join(routing.reasons),
        notify=False,
    )
    return chosen


def _why_reroute(case: Case, *, staff: StaffMember, previous_line_manager_id: int | None) -> str | None:
    """Why this open case must move because of a change to `staff`, or None if it stays."""
    reviewer = case.reviewer
    why = reviewer_cannot_act(case=case, staff=reviewer)
    if why or reviewer is None:
        return why
    if previous_line_manager_id and reviewer.pk == previous_line_manager_id:
        routed = _routing_input(case)
        subject = (
            routed["named"][0] if routed["kind"] == DisclosureKind.CONCERN and routed["named"] else routed["reporter"]
        )
        if subject.pk == staff.pk:
            return f"{reviewer.full_name} is no longer the line manager of {staff.full_name}."
    return None


def _handed_over_notify(moved: list[tuple[Case, StaffMember]]) -> None:
    """One e-mail per new reviewer saying how many cases arrived, not one per case (content-free, CP-07)."""
    by_reviewer: dict[int, list[Case]] = defaultdict(list)
    reviewers: dict[int, StaffMember] = {}
    for case, reviewer in moved:
        by_reviewer[reviewer.pk].append(case)
        reviewers[reviewer.pk] = reviewer
    for pk, cases in by_reviewer.items():
        link = _link(cases[0]) if len(cases) == 1 else reverse("cases:list")
        handed = ",".join(f"{c.pk}v{c.version}" for c in sorted(cases, key=lambda c: c.pk))
        notification_queue(
            recipient=reviewers[pk].user,
            template=OutboxMessage.Template.CASES_HANDED_OVER,
            link=link,
            count=len(cases),
            dedupe_key=f"handover:{pk}:{hashlib.sha256(handed.encode()).hexdigest()[:32]}",
        )


def _reroute_for(
    *, staff: StaffMember, actor=None, previous_line_manager_id: int | None = None
) -> list[tuple[Case, StaffMember]]:
    affected = (
        Case.objects.filter(status__in=Case.OPEN_STATUSES)
        .filter(Q(reviewer=staff) | Q(subjects=staff) | Q(disclosures__reporter=staff))
        .values_list("pk", flat=True)
        .distinct()
    )
    moved: list[tuple[Case, StaffMember]] = []
    for pk in sorted(set(affected)):
        case = _lock(Case(pk=pk))
        why = _why_reroute(case, staff=staff, previous_line_manager_id=previous_line_manager_id)
        if why is None:
            continue
        chosen = _reroute_one(case, actor=actor, why=why)
        if chosen is not None:
            moved.append((case, chosen))
    return moved


@transaction.atomic
def cases_reroute_for(*, staff: StaffMember, actor=None, previous_line_manager_id: int | None = None) -> list[Case]:
    """Re-route at once the open cases a staff change affects (DESIGN §5): cases this person reviews when
    they left, lost their reviewing role or became conflicted, and cases about them still with the line
    manager they no longer have. Each new reviewer gets one e-mail saying how many cases arrived."""
    staff = StaffMember.objects.select_related("user").get(pk=staff.pk)
    moved = _reroute_for(staff=staff, actor=actor, previous_line_manager_id=previous_line_manager_id)
    _handed_over_notify(moved)
    return [case for case, _ in moved]


@transaction.atomic
def cases_reroute_leavers(*, today: datetime.date | None = None) -> list[Case]:
    """Daily sweep: open cases whose reviewer has left (inactive, account off, or past their end date)
    are re-routed, however the change was made; the changes themselves already re-route at once
    (people.signals.staff_changed), so this catches an end date that has just passed."""
    today = today or _today()
    reviewers = (
        StaffMember.objects.filter(cases_to_review__status__in=Case.OPEN_STATUSES)
        .exclude(StaffMember.active_q(today))
        .select_related("user")
        .distinct()
    )
    moved: list[tuple[Case, StaffMember]] = []
    for reviewer in reviewers:
        moved += _reroute_for(staff=reviewer)
    _handed_over_notify(moved)
    return [case for case, _ in moved]
