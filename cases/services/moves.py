"""The workflow moves that only change the status or a date: acknowledge, action plan, review date,
monitoring, and notes on the timeline."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import (
    Case,
    TimelineEntry,
)
from cases.permissions import can_act_on_case
from cases.services.base import (
    CaseConflict,
    _link,
    _lock,
    _move,
    _require,
    _require_date,
    _require_move,
    _save,
    timeline_add,
)
from core.dates import DateKind
from core.formats import uk_date
from notifications.models import OutboxMessage
from notifications.services import notification_queue


@transaction.atomic
def case_acknowledge(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """The reviewer takes the case on: NEW → FACT_FINDING (a double click is harmless)."""
    case = _lock(case)
    if case.status == Case.Status.FACT_FINDING and case.acknowledged_at is not None:
        return case
    if expected_version is not None and int(expected_version) != case.version:
        raise CaseConflict()
    _require_move(actor, case, "acknowledge")
    case.acknowledged_at = timezone.now()
    return _move(
        case,
        to=Case.Status.FACT_FINDING,
        actor=actor,
        reason="cases.case.acknowledged",
        fields=["acknowledged_at"],
        text="Acknowledged: fact-finding started.",  # seed 002 §7.4
    )


@transaction.atomic
def case_start_action_plan(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """→ ACTION_PLAN; guard: the case has a risk assessment (DESIGN §4)."""
    case = _lock(case, expected_version)
    if case.status == Case.Status.ACTION_PLAN and can_act_on_case(actor, case):
        return case  # a double click is harmless
    _require_move(actor, case, "start_action_plan")
    return _move(case, to=Case.Status.ACTION_PLAN, actor=actor, reason="cases.case.action_plan_started")


@transaction.atomic
def case_set_review_date(*, case: Case, actor, next_review_date: datetime.date, expected_version=None) -> Case:
    """Set when the arrangements are next reviewed (seed 002 §10.3); never a date in the past."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "set_review_date")
    _require(next_review_date is not None, "Choose the date of the next review.")
    _require_date(next_review_date, kind=DateKind.FUTURE, what="The next review date")
    case.next_review_date = next_review_date
    _save(case, actor=actor, reason="cases.case.review_date_set", fields=["next_review_date"])
    timeline_add(
        case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=f"Next review on {uk_date(next_review_date)}."
    )
    audit_record(action="cases.case.review_date_set", actor=actor, obj=case)
    return case


@transaction.atomic
def case_start_monitoring(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """ACTION_PLAN → MONITORING; guard: a next review date is set (DESIGN §4)."""
    case = _lock(case, expected_version)
    if case.status == Case.Status.MONITORING and can_act_on_case(actor, case):
        return case  # a double click is harmless
    _require_move(actor, case, "start_monitoring")
    return _move(case, to=Case.Status.MONITORING, actor=actor, reason="cases.case.monitoring_started")


@transaction.atomic
def case_note_add(*, case: Case, actor, text: str, expected_version: int | None = None) -> TimelineEntry:
    """Add a note to the timeline."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "note")
    text = (text or "").strip()
    _require(bool(text), "Write the note.")
    _save(case, actor=actor, reason="cases.case.note_added")
    entry = timeline_add(case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=text)
    audit_record(action="cases.case.note_added", actor=actor, obj=case)
    return entry


@transaction.atomic
def case_follow_up_add(*, case: Case, actor, disclosure, dedupe_key: str) -> TimelineEntry:
    """The worker added to a disclosure on this case: the case is locked and versioned like every change,
    the timeline says so, and the reviewer is told (the reporter may not see the case, so no move applies)."""
    case = _lock(case)
    _save(case, actor=actor, reason="cases.case.follow_up_added")
    entry = timeline_add(
        case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=f"A follow-up was added to disclosure {disclosure}."
    )
    if case.reviewer_id:
        notification_queue(
            recipient=case.reviewer.user,
            template=OutboxMessage.Template.CASE_UPDATED,
            link=_link(case),
            dedupe_key=dedupe_key,
        )
    return entry
