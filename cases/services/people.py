"""Who is involved in a case and their part (seed 002 §7; seed 001 "Sexualised behaviour"; seed 000 §4):
filled from each disclosure by its category's data, corrected by the reviewer with a reason; and the
support offered to a member of staff harmed or affected."""

from __future__ import annotations

import datetime

from django.db import transaction

from audit.services import audit_record
from cases.models import Case, Involvement, SupportOffered, TimelineEntry
from cases.selectors import person_label
from cases.services.base import (
    _lock,
    _require,
    _require_date,
    _require_move,
    _require_reason,
    _save,
    _today,
    timeline_add,
)
from core.dates import DateKind
from core.formats import uk_date
from people.models import StaffMember
from policies.models import BoundaryCategory, DisclosureKind, Part


def disclosure_parts(disclosure) -> list[tuple[str, dict]]:
    """The part each person named in a disclosure plays, from its category (BoundaryCategory.*_part)."""
    category: BoundaryCategory = disclosure.category
    reporter = disclosure.reporter
    details = disclosure.details or {}
    giver = details.get("from_whom") if category.questions == BoundaryCategory.Questions.GIFT else None
    rows: list[tuple[str, dict]] = [(Part.RAISED, {"staff": reporter})]
    named = [s for s in disclosure.subjects.all() if s.pk != reporter.pk]
    if disclosure.kind == DisclosureKind.CONCERN:
        rows += [(Part.CONCERNED, {"staff": s}) for s in named]
        service_user_part, relative_part = Part.SERVICE_USER, Part.RELATIVE
    else:
        if category.worker_part != Part.RAISED:
            rows.append((category.worker_part, {"staff": reporter}))
        rows += [(category.colleague_part, {"staff": s}) for s in named]
        service_user_part, relative_part = category.service_user_part, category.relative_part
    for service_user in disclosure.service_users.all():
        rows.append((Part.GIVER if giver == "service_user" else service_user_part, {"service_user": service_user}))
    for carer in disclosure.carers.all():
        rows.append((Part.GIVER if giver == "carer" else relative_part, {"carer": carer}))
    return rows


def involvements_add_for(*, case: Case, disclosure, actor) -> list[Involvement]:
    """Record everyone a disclosure names, with their part; a person already there in that part is not
    added twice. Called by routing inside the transaction that opens or joins the case."""
    made = []
    for part, person in disclosure_parts(disclosure):
        if Involvement.objects.filter(case=case, part=part, **person).exists():
            continue
        involvement = Involvement(case=case, part=part, **person)
        involvement._history_user = actor
        involvement._change_reason = "cases.involvement.added"
        involvement.save()
        made.append(involvement)
    return made


@transaction.atomic
def involvement_change_part(
    *, case: Case, actor, involvement: Involvement, part: str, reason: str, expected_version: int | None = None
) -> Involvement:
    """The reviewer corrects the part someone plays, with a reason (timeline entry and history)."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "change_part")
    involvement = Involvement.objects.select_for_update().get(pk=involvement.pk, case=case)
    _require(part in Part.values, "Choose the part this person plays.")
    _require(
        part != Part.RAISED and involvement.part != Part.RAISED,
        "Who raised it comes from the disclosure and cannot be changed.",
    )
    why = _require_reason(reason, "Say why the part is changed.")
    if involvement.part == part:
        return involvement
    previous = involvement.get_part_display()
    involvement.part = part
    involvement._history_user = actor
    involvement._change_reason = "cases.involvement.part_changed"
    involvement.save(update_fields=["part"])
    _save(case, actor=actor, reason="cases.involvement.part_changed")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.NOTE,
        text=f"{person_label(involvement)}: {previous} → {involvement.get_part_display()}. Why: {why}",
    )
    audit_record(action="cases.involvement.part_changed", actor=actor, obj=case, detail={"part": part})
    return involvement


@transaction.atomic
def support_offered_record(
    *,
    case: Case,
    actor,
    staff: StaffMember,
    what: str,
    offered_by: StaffMember,
    offered_date: datetime.date | None = None,
    expected_version: int | None = None,
) -> SupportOffered:
    """Support offered to a member of staff harmed or affected: what, by whom, when."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "record_support")
    _require(
        case.involvements.filter(staff=staff, part=Part.HARMED).exists(),
        f"{staff.full_name} is not someone harmed or affected in this case.",
    )
    what = (what or "").strip()
    _require(bool(what), "Say what support was offered.")
    offered_date = offered_date or _today()
    _require_date(offered_date, kind=DateKind.PAST, what="The date it was offered")
    support = SupportOffered(
        case=case, staff=staff, what=what, offered_by=offered_by, offered_date=offered_date, recorded_by=actor
    )
    support._history_user = actor
    support._change_reason = "cases.support.recorded"
    support.save()
    _save(case, actor=actor, reason="cases.support.recorded")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.NOTE,
        text=f"Support offered to {staff.full_name} by {offered_by.full_name} on {uk_date(offered_date)}: {what}",
    )
    audit_record(action="cases.support.recorded", actor=actor, obj=case)
    return support
