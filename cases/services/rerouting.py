"""Handing open cases on when a reviewer leaves or line management changes (DESIGN §5)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q

from cases.models import (
    Case,
)
from cases.selectors import case_exclusions, first_free_holder, reviewer_refusal
from cases.services.assignment import _set_reviewer
from cases.services.base import _lock, _today
from cases.services.routing import reviewer_choose
from core.roles import Role
from people.models import StaffMember
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


def _reroute_one(case: Case, *, actor, why: str) -> Case | None:
    """Route the case again and hand it over if the answer is someone else; the timeline says why."""
    routing = reviewer_choose(**_routing_input(case))
    chosen = routing.reviewer
    if chosen is not None and reviewer_refusal(case=case, staff=chosen) is not None:
        chosen = None
    if chosen is None:
        excluded = case_exclusions(case=case)
        if case.reviewer_id:
            excluded[case.reviewer_id] = "is being replaced"
        chosen = first_free_holder(Role.SAFEGUARDING_LEAD, excluded)
        routing.reasons.append(
            f"The case went to safeguarding lead {chosen.full_name}." if chosen else "Nobody could take it."
        )
    if chosen is not None and chosen.pk == case.reviewer_id:
        return None
    case.shared_with.remove(*(s for s in [chosen] if s is not None))
    _set_reviewer(
        case,
        chosen,
        actor=actor,
        reason="cases.case.rerouted",
        text=f"Re-routed: {why} " + " ".join(routing.reasons),
    )
    return case


@transaction.atomic
def cases_reroute_for(*, staff: StaffMember, actor=None, previous_line_manager_id: int | None = None) -> list[Case]:
    """Re-route the open cases a staff change affects (DESIGN §5): cases this person reviews when they
    left or became conflicted, and cases about them still with the line manager they no longer have."""
    staff = StaffMember.objects.select_related("user").get(pk=staff.pk)
    affected = (
        Case.objects.filter(status__in=Case.OPEN_STATUSES)
        .filter(Q(reviewer=staff) | Q(subjects=staff) | Q(disclosures__reporter=staff))
        .values_list("pk", flat=True)
        .distinct()
    )
    moved: list[Case] = []
    for pk in sorted(set(affected)):
        case = _lock(Case(pk=pk))
        reviewer = case.reviewer
        why = None
        if reviewer is None:
            why = "the case had no reviewer."
        else:
            refusal = reviewer_refusal(case=case, staff=reviewer, consequence="can no longer review it")
            if refusal:
                why = refusal
            elif previous_line_manager_id and reviewer.pk == previous_line_manager_id:
                routed_subject = _routing_input(case)
                subject = (
                    routed_subject["named"][0]
                    if routed_subject["kind"] == DisclosureKind.CONCERN and routed_subject["named"]
                    else routed_subject["reporter"]
                )
                if subject.pk == staff.pk:
                    why = f"{reviewer.full_name} is no longer the line manager of {staff.full_name}."
        if why is None:
            continue
        if _reroute_one(case, actor=actor, why=why) is not None:
            moved.append(case)
    return moved


def cases_reroute_leavers(*, today: datetime.date | None = None) -> list[Case]:
    """Daily sweep: open cases whose reviewer has left (inactive, account off, or past their end date)
    are re-routed, however the change was made (admin, import, the user table)."""
    today = today or _today()
    reviewers = (
        StaffMember.objects.filter(cases_to_review__status__in=Case.OPEN_STATUSES)
        .exclude(StaffMember.active_q(today))
        .distinct()
    )
    moved: list[Case] = []
    for reviewer in reviewers:
        moved += cases_reroute_for(staff=reviewer)
    return moved
