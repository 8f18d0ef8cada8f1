"""The relationships-register entry a case manages: the arrangement agreed, or its end."""

from __future__ import annotations

import datetime

from django.db import transaction

from audit.services import audit_record
from cases.models import (
    Case,
    TimelineEntry,
)
from cases.services.base import (
    _lock,
    _require,
    _require_date,
    _require_move,
    _require_reason,
    _save,
    timeline_add,
)
from core.dates import DateKind
from core.formats import uk_date
from people.models import Relationship
from people.services import relationship_end, relationship_record_arrangement


@transaction.atomic
def case_record_arrangement(
    *,
    case: Case,
    actor,
    arrangement: str,
    next_review_date: datetime.date,
    expected_version: int | None = None,
) -> Relationship:
    """Record the arrangement agreed for the relationship this case manages: the register entry becomes
    "managed" (DESIGN §3 people; seed 002 §10.1–10.3)."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "record_arrangement")
    arrangement = (arrangement or "").strip()
    _require(bool(arrangement), "Describe the arrangement agreed.")
    _require(next_review_date is not None, "Choose when the arrangement is next reviewed.")
    _require_date(next_review_date, kind=DateKind.FUTURE, what="The review date")
    relationship = relationship_record_arrangement(
        relationship=case.relationship,
        arrangement=arrangement,
        next_review_date=next_review_date,
        actor=actor,
        reason=f"cases.case.arrangement_recorded {case.reference}",
    )
    _save(case, actor=actor, reason="cases.case.arrangement_recorded")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.NOTE,
        text=f"Arrangement recorded in the relationships register, reviewed on {uk_date(next_review_date)}: "
        f"{arrangement}",
    )
    audit_record(action="cases.case.arrangement_recorded", actor=actor, obj=case)
    return relationship


@transaction.atomic
def case_relationship_end(*, case: Case, actor, reason: str, expected_version: int | None = None) -> Relationship:
    """Record that the relationship this case manages has ended (it no longer needs an arrangement)."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "end_relationship")
    why = _require_reason(reason, "Say how the relationship ended.")
    relationship = relationship_end(
        relationship=case.relationship, actor=actor, reason=f"cases.case.relationship_ended {case.reference}"
    )
    _save(case, actor=actor, reason="cases.case.relationship_ended")
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=f"Relationship recorded as ended: {why}")
    audit_record(action="cases.case.relationship_ended", actor=actor, obj=case)
    return relationship
