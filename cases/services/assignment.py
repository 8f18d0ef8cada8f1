"""Who works on a case: reassignment, escalation, and key-worker handovers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from cases.models import (
    Case,
    TimelineEntry,
)
from cases.roles import REVIEWING_ROLES
from cases.selectors import escalation_targets_for, reviewer_refusal
from cases.services.base import (
    CaseError,
    _link,
    _lock,
    _require,
    _require_move,
    _require_reason,
    _save,
    timeline_add,
)
from core.roles import holds_any
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.models import Assignment, ServiceUser, StaffMember
from people.services import assignment_create, assignment_refusal


@transaction.atomic
def case_reassign_key_worker(
    *, case: Case, actor, service_user: ServiceUser, new_key_worker: StaffMember, expected_version=None
) -> None:
    """Hand a service user to another key worker through people.services.assignment_create, so its
    conflict check applies (seed 000 §4.2; seed 001 "proper handover")."""

    case = _lock(case, expected_version)
    _require_move(actor, case, "change_key_worker")
    _require(case.service_users.filter(pk=service_user.pk).exists(), "That service user is not part of this case.")
    _require(new_key_worker.is_active, f"{new_key_worker.full_name} is no longer active.")
    # The same reason the admin gives (people.services.assignment_refusal): the declared relationship and
    # what the policy says; the page links the organisation's clause beside it.
    refusal = assignment_refusal(staff=new_key_worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    _require(refusal is None, refusal or "")
    _require(
        not case.subjects.filter(pk=new_key_worker.pk).exists(),
        f"{new_key_worker.full_name} is one of the people this case is about, so cannot become the key worker "
        "while it is open. Choose another worker.",
    )
    try:
        with transaction.atomic():
            assignment_create(
                staff=new_key_worker, service_user=service_user, role=Assignment.Role.KEY_WORKER, actor=actor
            )
    except ValidationError as exc:
        raise CaseError(" ".join(exc.messages)) from None
    _save(case, actor=actor, reason="cases.case.key_worker_reassigned")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.NOTE,
        # seed 001 "Managing boundary issues": a proper handover.
        text=f"Key worker for {service_user.initials} is now {new_key_worker.full_name}, with a handover.",
    )
    audit_record(action="cases.case.key_worker_reassigned", actor=actor, obj=case)


def _grant_restricted(case: Case, staff: StaffMember, *, actor) -> None:
    if case.is_restricted and not case.restricted_to.filter(pk=staff.pk).exists():
        case.restricted_to.add(staff)
        audit_record(action="cases.case.access_granted", actor=actor, obj=case, detail={"staff": staff.pk})


def _revoke_restricted(case: Case, staff: StaffMember | None, *, actor) -> None:
    """A restricted case stays with the people in it; a reviewer who hands it on loses access."""
    if staff is None or not case.is_restricted:
        return
    parties = set(case.subjects.values_list("pk", flat=True)) | set(
        case.disclosures.values_list("reporter_id", flat=True)
    )
    if staff.pk not in parties and not case.shared_with.filter(pk=staff.pk).exists():
        case.restricted_to.remove(staff)
        audit_record(action="cases.case.access_revoked", actor=actor, obj=case, detail={"staff": staff.pk})


def _set_reviewer(
    case: Case, reviewer: StaffMember | None, *, actor, reason: str, text: str, notify: bool = True
) -> Case:
    previous = case.reviewer
    case.reviewer = reviewer
    _save(case, actor=actor, reason=reason, fields=["reviewer"])
    if reviewer is not None:
        _grant_restricted(case, reviewer, actor=actor)
    _revoke_restricted(case, previous, actor=actor)
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.REASSIGNED, text=text)
    if case.is_confidential:
        # The worker who asked for confidentiality is told who has it now (their disclosure page).
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.WHO_CAN_SEE,
            text=f"{reviewer.full_name} now reviews it." if reviewer else "It is waiting for a new reviewer.",
        )
    if reviewer is not None and notify:
        notification_queue(
            recipient=reviewer.user,
            template=OutboxMessage.Template.CASE_ASSIGNED,
            link=_link(case),
            due_date=case.acknowledge_by_date if case.status == Case.Status.NEW else None,
            dedupe_key=f"case:{case.pk}:assigned:{reviewer.pk}:v{case.version}",
        )
    audit_record(
        action=reason,
        actor=actor,
        obj=case,
        detail={"from": previous.pk if previous else None, "to": reviewer.pk if reviewer else None},
    )
    return case


def _refuse_if_excluded(*, case: Case, actor, staff: StaffMember, action: str) -> None:
    """AC-05 (e): a refused assignment raises CaseError and leaves an audit event. The check runs before
    the service's own transaction, so the refusal's audit row survives the rollback of the change."""
    refusal = reviewer_refusal(case=case, staff=staff)
    if refusal:
        audit_record(action=action, actor=actor, obj=case, detail={"to": staff.pk})
        raise CaseError(refusal)


def case_reassign(*, case: Case, actor, reviewer: StaffMember, reason: str, expected_version=None) -> Case:
    """Give the case to another reviewer, with a reason; DESIGN §5 exclusions apply (AC-05 e)."""
    _refuse_if_excluded(case=case, actor=actor, staff=reviewer, action="cases.case.reassign_refused")
    return _case_reassign(case=case, actor=actor, reviewer=reviewer, reason=reason, expected_version=expected_version)


@transaction.atomic
def _case_reassign(*, case: Case, actor, reviewer: StaffMember, reason: str, expected_version=None) -> Case:
    case = _lock(case, expected_version)
    _require_move(actor, case, "reassign")
    why = _require_reason(reason, "Say why the case is being reassigned.")
    _require(reviewer.pk != case.reviewer_id, f"{reviewer.full_name} already reviews this case.")
    _require(
        holds_any(reviewer.user, REVIEWING_ROLES),
        f"{reviewer.full_name} does not review cases: choose a line manager, a senior manager or a safeguarding lead.",
    )
    refusal = reviewer_refusal(case=case, staff=reviewer)
    _require(refusal is None, refusal or "")
    case.shared_with.remove(reviewer)
    return _set_reviewer(
        case,
        reviewer,
        actor=actor,
        reason="cases.case.reassigned",
        text=f"Reassigned to {reviewer.full_name}. Why: {why}",
    )


def case_escalate(
    *, case: Case, actor, to: StaffMember, reason: str, reassign: bool, expected_version: int | None = None
) -> Case:
    """Escalate to a manager above, a senior manager or the safeguarding lead (seed 000 §5; seed 001
    "Managing boundary issues"): share the case with them, or hand it over. Exclusions apply."""
    _refuse_if_excluded(case=case, actor=actor, staff=to, action="cases.case.escalation_refused")
    return _case_escalate(
        case=case, actor=actor, to=to, reason=reason, reassign=reassign, expected_version=expected_version
    )


@transaction.atomic
def _case_escalate(
    *, case: Case, actor, to: StaffMember, reason: str, reassign: bool, expected_version: int | None = None
) -> Case:
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "escalate")
    why = _require_reason(reason, "Say why you are escalating the case.")
    _require(to.pk != staff.pk, "Choose someone other than yourself.")
    refusal = reviewer_refusal(case=case, staff=to)
    _require(refusal is None, refusal or "")
    allowed = {c.pk for c in escalation_targets_for(case=case, actor=actor)}
    _require(
        to.pk in allowed,
        f"{to.full_name} is not someone a case can be escalated to: choose a manager above you, "
        "a senior manager or a safeguarding lead.",
    )
    if reassign:
        _require(to.pk != case.reviewer_id, f"{to.full_name} already reviews this case.")
        case.shared_with.remove(to)
        _set_reviewer(
            case,
            to,
            actor=actor,
            reason="cases.case.escalated",
            text=f"Escalated to {to.full_name}, who now reviews the case. Why: {why}",
        )
        return case
    _require(not case.shared_with.filter(pk=to.pk).exists(), f"The case is already shared with {to.full_name}.")
    case.shared_with.add(to)
    _grant_restricted(case, to, actor=actor)
    _save(case, actor=actor, reason="cases.case.escalated")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ESCALATED,
        text=f"Escalated to {to.full_name}, who can now see and work on the case. Why: {why}",
    )
    if case.is_confidential:
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.WHO_CAN_SEE,
            text=f"Your manager asked {to.full_name} for help with it, so they can see it too.",
        )
    notification_queue(
        recipient=to.user,
        template=OutboxMessage.Template.CASE_ASSIGNED,
        link=_link(case),
        dedupe_key=f"case:{case.pk}:shared:{to.pk}:v{case.version}",
    )
    audit_record(action="cases.case.escalated", actor=actor, obj=case, detail={"to": to.pk, "reassigned": False})
    return case
