"""Closing a case, the second person's sign-off, sending back and reopening."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    Outcome,
    TimelineEntry,
)
from cases.selectors import (
    case_closure_problems,
    case_exclusions,
    case_needs_sign_off,
    first_free_holder,
    sign_off_candidates,
)
from cases.services.assignment import _grant_restricted
from cases.services.base import (
    CaseError,
    TransitionNotAllowed,
    _link,
    _lock,
    _move,
    _notify_reviewer_updated,
    _require_move,
    _require_reason,
    timeline_add,
)
from core.roles import Role
from notifications.models import OutboxMessage
from notifications.services import notification_queue


@transaction.atomic
def case_close(
    *,
    case: Case,
    actor,
    outcome: str,
    outcome_notes: str,
    summary_for_reporter: str,
    lessons: str = "",
    expected_version: int | None = None,
) -> Case:
    """Close with an outcome (DESIGN §4). High-risk, safeguarding and sexual-boundary cases go to
    CLOSURE_REVIEW for a second person's sign-off; the rest close now and the reporter is told."""
    case = _lock(case, expected_version)
    if case.status == Case.Status.CLOSURE_REVIEW:
        raise TransitionNotAllowed("This case is already waiting for a second person to sign off its closure.")
    staff = _require_move(actor, case, "close")
    problems = case_closure_problems(case=case, outcome=outcome, summary_for_reporter=summary_for_reporter)
    if problems:
        raise CaseError(" ".join(problems))
    case.outcome = outcome
    case.outcome_notes = (outcome_notes or "").strip()
    case.outcome_summary_for_reporter = summary_for_reporter.strip()
    case.lessons = (lessons or "").strip()
    case.closure_requested_at = timezone.now()
    case.closure_requested_by = staff
    fields = [
        "outcome",
        "outcome_notes",
        "outcome_summary_for_reporter",
        "lessons",
        "closure_requested_at",
        "closure_requested_by",
    ]
    if case_needs_sign_off(case=case):
        candidates = sign_off_candidates(case=case)
        _move(
            case,
            to=Case.Status.CLOSURE_REVIEW,
            actor=actor,
            reason="cases.case.closure_requested",
            fields=fields,
            code=TimelineEntry.Code.CLOSURE_REQUESTED,
            text=f"Closure requested with outcome “{Outcome(outcome).label}”. A high-risk, safeguarding or "
            "sexual-boundaries case needs a second person – a senior manager or safeguarding lead – to sign off.",
        )
        if not candidates:
            # Nobody may see it yet (e.g. a restricted case): share it with a free safeguarding lead.
            excluded = case_exclusions(case=case) | {case.reviewer_id: "reviews it", staff.pk: "asked to close it"}
            lead = first_free_holder(Role.SAFEGUARDING_LEAD, excluded)
            if lead is not None:
                case.shared_with.add(lead)
                _grant_restricted(case, lead, actor=actor)
                timeline_add(
                    case=case,
                    actor=actor,
                    code=TimelineEntry.Code.ESCALATED,
                    text=f"Shared with safeguarding lead {lead.full_name} for the closure sign-off.",
                )
                candidates = [lead]
        for person in candidates:
            notification_queue(
                recipient=person.user,
                template=OutboxMessage.Template.CASE_SIGN_OFF,
                link=_link(case),
                dedupe_key=f"case:{case.pk}:sign_off:{person.pk}:v{case.version}",
            )
        return case
    case.closed_at = timezone.now()
    _move(
        case,
        to=Case.Status.CLOSED,
        actor=actor,
        reason="cases.case.closed",
        fields=[*fields, "closed_at"],
        code=TimelineEntry.Code.CLOSED,
        text=f"Closed with outcome “{Outcome(outcome).label}”.",
    )
    _notify_reporters_closed(case)
    return case


def _notify_reporters_closed(case: Case) -> None:
    for disclosure in case.disclosures.select_related("reporter__user"):
        notification_queue(
            recipient=disclosure.reporter.user,
            template=OutboxMessage.Template.CASE_CLOSED,
            link=f"/disclosures/{disclosure.pk}/",
            dedupe_key=f"disclosure:{disclosure.pk}:closed:v{case.version}",
        )


@transaction.atomic
def case_sign_off(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """CLOSURE_REVIEW → CLOSED by a second person: a senior manager or safeguarding lead who may see
    the case and is not its reviewer (DESIGN §4)."""
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "sign_off")
    case.signed_off_by = staff
    case.signed_off_at = case.closed_at = timezone.now()
    _move(
        case,
        to=Case.Status.CLOSED,
        actor=actor,
        reason="cases.case.signed_off",
        fields=["signed_off_by", "signed_off_at", "closed_at"],
        code=TimelineEntry.Code.SIGNED_OFF,
        text=f"Closure signed off by {staff.full_name}; closed with outcome “{case.get_outcome_display()}”.",
    )
    _notify_reporters_closed(case)
    return case


@transaction.atomic
def case_send_back(*, case: Case, actor, reason: str, expected_version: int | None = None) -> Case:
    """Sign-off refused: CLOSURE_REVIEW → FACT_FINDING, with the reason on the timeline."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "send_back")
    why = _require_reason(reason, "Say why the case is sent back.")
    case.closure_requested_at = None
    case.closure_requested_by = None
    _move(
        case,
        to=Case.Status.FACT_FINDING,
        actor=actor,
        reason="cases.case.sent_back",
        fields=["closure_requested_at", "closure_requested_by"],
        text=f"Closure not signed off; sent back to fact-finding. Why: {why}",
    )
    _notify_reviewer_updated(case, event="sent_back")
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str, expected_version: int | None = None) -> Case:
    """CLOSED → FACT_FINDING, with a reason; the outcome is cleared for a fresh decision."""
    case = _lock(case, expected_version)
    _require_move(actor, case, "reopen")
    why = _require_reason(reason, "Say why the case is reopened.")
    previous = case.get_outcome_display()
    case.closed_at = None
    case.outcome = ""
    case.closure_requested_at = None
    case.closure_requested_by = None
    case.signed_off_by = None
    case.signed_off_at = None
    _move(
        case,
        to=Case.Status.FACT_FINDING,
        actor=actor,
        reason="cases.case.reopened",
        fields=[
            "closed_at",
            "outcome",
            "closure_requested_at",
            "closure_requested_by",
            "signed_off_by",
            "signed_off_at",
        ],
        code=TimelineEntry.Code.REOPENED,
        text=f"Reopened (it had closed with outcome “{previous}”). Why: {why}",
    )
    _notify_reviewer_updated(case, event="reopened")
    return case
