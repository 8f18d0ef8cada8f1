"""Agreed actions: adding them from the library and changing their status."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import (
    Action,
    ActionTemplate,
    Case,
    PromptAnswer,
    TimelineEntry,
)
from cases.services.assessment import _prompt_record, referral_made_effects
from cases.services.base import (
    _lock,
    _notify_reviewer_updated,
    _require,
    _require_date,
    _require_move,
    _require_reason,
    _save,
    _staff_of,
    _today,
    timeline_add,
)
from core.dates import DateKind
from core.formats import uk_date
from people.models import StaffMember


@transaction.atomic
def action_add(
    *,
    case: Case,
    actor,
    template: ActionTemplate,
    owner: StaffMember,
    due_date: datetime.date | None = None,
    details: str = "",
    expected_version: int | None = None,
) -> Action:
    """Agree an action from the library with an owner and a due date (seed 002 §10.1)."""
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "add_action")
    _require(template.is_active, "That action is no longer in the library.")
    _require(owner.is_active and owner.user.is_active, f"{owner.full_name} is no longer active.")
    _require(
        not case.subjects.filter(pk=owner.pk).exists() or template.refers_to == "",
        "A referral cannot be owned by the person the case is about.",
    )
    _require_date(due_date, kind=DateKind.FUTURE, what="The due date")
    due_date = due_date or _today() + datetime.timedelta(days=template.default_days)
    action = Action(case=case, template=template, details=details, owner=owner, due_date=due_date, created_by=staff)
    action._history_user = actor
    action._change_reason = "cases.action.added"
    action.save()
    fields: list[str] = []
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ACTION_ADDED,
        text=f"{template.title} – owner {owner.full_name}, due {uk_date(due_date)}.",
    )
    if template.refers_to:
        # Agreeing a referral answers its statutory prompt "yes" unless it was already answered.
        if not PromptAnswer.objects.filter(case=case, prompt=template.refers_to).exists():
            answer = _prompt_record(
                case=case,
                actor=actor,
                staff=staff,
                prompt=template.refers_to,
                referral_made=True,
                reason=f"Action agreed: {template.title}.",
            )
            fields += answer.case_fields
        else:
            # Answered earlier (perhaps "no"): agreeing the referral still does what the referral means.
            fields += referral_made_effects(case=case, actor=actor, prompt=template.refers_to)
    _save(case, actor=actor, reason="cases.action.added", fields=fields)
    audit_record(action="cases.action.added", actor=actor, obj=case, detail={"action": action.pk})
    return action


@transaction.atomic
def action_set_status(*, action: Action, actor, status: str, expected_version: int | None = None) -> Action:
    """Mark an action done, no longer needed, or to do again."""
    case = _lock(action.case, expected_version)
    _require_move(actor, case, "update_action")
    _require(status in Action.REVIEWER_STATUSES, "Choose a status for the action.")
    action = Action.objects.select_for_update().select_related("template").get(pk=action.pk, case=case)
    if action.status == status:
        return action
    action.status = status
    action.completed_at = timezone.now() if status == Action.Status.DONE else None
    action.not_possible_reason = ""  # the owner's reason stays in the action's history
    action._history_user = actor
    action._change_reason = "cases.action.status_changed"
    action.save(update_fields=["status", "completed_at", "not_possible_reason"])
    _save(case, actor=actor, reason="cases.action.status_changed")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ACTION_UPDATED,
        text=f"{action.template.title}: {action.get_status_display()}.",
    )
    audit_record(action="cases.action.status_changed", actor=actor, obj=case, detail={"action": action.pk})
    return action


@transaction.atomic
def action_owner_mark(*, action: Action, actor, status: str, reason: str = "") -> Action:
    """The owner marks their own action done or not possible (with a reason) from "My actions".

    Not a move of cases.permissions.MOVES: the owner need not see the case. Only the owner may, only while
    the action is still to do and the case is open; the case is locked and versioned, the timeline says what
    happened, and the reviewer gets a content-free e-mail that the case has news (docs/cases.md)."""
    staff = _staff_of(actor)
    _require(action.owner_id == staff.pk, "Only the person who owns an action can mark it.")
    case = _lock(action.case)
    action = Action.objects.select_for_update().select_related("template").get(pk=action.pk, case=case)
    _require(case.is_open and case.status != Case.Status.CLOSURE_REVIEW, "This action can no longer be changed.")
    _require(action.status == Action.Status.OPEN, "This action is no longer to do.")
    _require(status in Action.OWNER_OUTCOMES, "Choose done or not possible.")
    why = ""
    if status == Action.Status.NOT_POSSIBLE:
        why = _require_reason(reason, "Say why it is not possible, so the manager can plan what happens next.")
    action.status = status
    action.completed_at = timezone.now() if status == Action.Status.DONE else None
    action.not_possible_reason = why
    action._history_user = actor
    action._change_reason = "cases.action.owner_marked"
    action.save(update_fields=["status", "completed_at", "not_possible_reason"])
    _save(case, actor=actor, reason="cases.action.owner_marked")
    text = f"{action.template.title}: {action.get_status_display()}, marked by its owner {staff.full_name}."
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ACTION_UPDATED,
        text=f"{text} Why: {why}" if why else text,
    )
    audit_record(
        action="cases.action.owner_marked", actor=actor, obj=case, detail={"action": action.pk, "status": status}
    )
    _notify_reviewer_updated(case, event=f"action:{action.pk}:{status}")
    return action
