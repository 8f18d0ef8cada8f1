"""Reviews of the arrangements (seed 002 §10.3)."""

from __future__ import annotations

import datetime

from django.db import transaction

from audit.services import audit_record
from cases.models import (
    Action,
    ActionCheck,
    Case,
    Review,
    TimelineEntry,
)
from cases.services.base import _lock, _require, _require_date, _require_move, _save, timeline_add
from core.dates import DateKind
from core.formats import uk_date


@transaction.atomic
def review_record(
    *,
    case: Case,
    actor,
    notes: str,
    next_review_date: datetime.date | None,
    checks: list[dict] | tuple = (),
    expected_version: int | None = None,
) -> Review:
    """Record a review of the arrangements (seed 002 §10.3): notes, each action still needed? working?"""
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "record_review")
    _require(bool(notes and notes.strip()), "Write a note of the review.")
    _require_date(next_review_date, kind=DateKind.FUTURE, what="The next review date")
    _require(
        next_review_date is not None or case.status != Case.Status.MONITORING,
        "A case in monitoring needs the date of its next review.",
    )
    review = Review(case=case, reviewed_by=staff, notes=notes.strip(), next_review_date=next_review_date)
    review._history_user = actor
    review._change_reason = "cases.review.recorded"
    review.save()
    summary: list[str] = []
    for check in checks:
        action = (
            Action.objects.select_for_update()
            .select_related("template")
            .filter(pk=check["action"].pk, case=case)
            .first()
        )
        _require(action is not None, "A checked action does not belong to this case.")
        working = check.get("working") or ActionCheck.Working.TOO_EARLY
        _require(working in ActionCheck.Working.values, "Say whether each action is working.")
        still_needed = bool(check.get("still_needed", True))
        row = ActionCheck(
            review=review, action=action, still_needed=still_needed, working=working, note=check.get("note", "")
        )
        row._history_user = actor
        row._change_reason = "cases.review.recorded"
        row.save()
        summary.append(
            f"{action.template.title}: {ActionCheck.Working(working).label.lower()}"
            + ("" if still_needed else ", no longer needed")
        )
        if not still_needed and action.status == Action.Status.OPEN:
            action.status = Action.Status.CANCELLED
            action._history_user = actor
            action._change_reason = "cases.review.action_cancelled"
            action.save(update_fields=["status"])
    case.next_review_date = next_review_date
    _save(case, actor=actor, reason="cases.review.recorded", fields=["next_review_date"])
    text = "Review recorded."
    if summary:
        text += " " + "; ".join(summary) + "."
    text += f" Next review {uk_date(next_review_date)}." if next_review_date else " No further review scheduled."
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.REVIEWED, text=text)
    audit_record(action="cases.review.recorded", actor=actor, obj=case, detail={"review": review.pk})
    return review
