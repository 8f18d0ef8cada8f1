"""What every case write shares: the errors, the row lock with its version check, the one status write
(`_move`/`_save`: version, history reason, timeline entry, audit event) and the timeline itself."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audit.services import audit_record
from cases.models import (
    Case,
    TimelineEntry,
)
from cases.permissions import ALLOWED_TRANSITIONS, move_refusal
from core.dates import DateKind, date_problem
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.models import StaffMember
from people.selectors import staff_for


def timeline_add(*, case: Case, actor, code: str, text: str = "") -> TimelineEntry:
    """Append one entry to a case's timeline."""
    entry = TimelineEntry(case=case, actor=actor, code=code, text=text)
    entry._history_user = actor
    entry.save()
    return entry


class CaseError(Exception):
    """A guard or rule refused the change; str(exc) is a plain-English message for the page."""


class TransitionNotAllowed(CaseError):
    """The move cannot start from the status the case is in (cases.permissions.MOVES)."""


class CaseConflict(CaseError):
    """Optimistic lock: the case changed since the form was loaded (DI-01)."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "Someone else changed this case while you were editing. Your text is below; "
            "check the case and save again."
        )


def _staff_of(actor) -> StaffMember:
    staff = staff_for(actor)
    if staff is None:
        raise CaseError("Only an active member of staff can change a case.")
    return staff


def _lock(case: Case, expected_version: int | None = None) -> Case:
    """The case row, locked for this transaction; CaseConflict if it moved on since the form was shown."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise CaseConflict()
    return locked


def _save(case: Case, *, actor, reason: str, fields: list[str] | tuple[str, ...] = ()) -> Case:
    """Save the changed fields, raise the version, and give simple-history the user and the reason."""
    case.version += 1
    case._history_user = actor
    case._change_reason = reason
    case.save(update_fields=[*dict.fromkeys([*fields, "version"])])
    return case


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise CaseError(message)


def _require_move(actor, case: Case, move: str) -> StaffMember:
    """The actor may make this move on this case now: the same answer the page got from
    cases.permissions.moves_for. Otherwise CaseError (TransitionNotAllowed for the wrong status) says why."""
    staff = _staff_of(actor)
    refusal = move_refusal(actor, case, move)
    if refusal is not None:
        raise (TransitionNotAllowed if refusal.kind == "status" else CaseError)(refusal.message)
    return staff


def _require_reason(reason: str, message: str) -> str:
    """The reason, trimmed; CaseError with the message when it is blank."""
    _require(bool(reason and reason.strip()), message)
    return reason.strip()


def _notify_reviewer_updated(case: Case, *, event: str) -> None:
    """Tell the case's reviewer (if it has one) that someone else moved their case."""
    if case.reviewer is not None:
        notification_queue(
            recipient=case.reviewer.user,
            template=OutboxMessage.Template.CASE_UPDATED,
            link=_link(case),
            dedupe_key=f"case:{case.pk}:{event}:v{case.version}",
        )


def _move(case: Case, *, to: str, actor, reason: str, fields=(), text: str = "", code: str | None = None) -> Case:
    """Move a locked case to another status, if the table allows it."""
    if to not in ALLOWED_TRANSITIONS[case.status]:  # the service asked _require_move for a move that leads here
        raise TransitionNotAllowed(f"A case cannot move from “{case.get_status_display()}” to that status.")
    previous = Case.Status(case.status).label
    case.status = to
    _save(case, actor=actor, reason=reason, fields=["status", *fields])
    timeline_add(
        case=case,
        actor=actor,
        code=code or TimelineEntry.Code.STATUS_CHANGED,
        text=text or f"{previous} → {Case.Status(to).label}.",
    )
    audit_record(action=reason, actor=actor, obj=case, detail={"from": previous, "to": to})
    return case


def _link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def _today() -> datetime.date:
    return timezone.localdate()


def _require_date(value: datetime.date | None, *, kind: DateKind, what: str) -> None:
    """The date is within the bounds of its kind (core.dates: the one rule for every date typed in)."""
    problem = date_problem(value, kind=kind, what=what, today=_today())
    if problem:
        raise CaseError(problem)
