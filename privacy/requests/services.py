"""Writes on data subjects' requests: log, extend, decide, and attach a correction to a record.

Every step is an audit event without content (the request's id, its kind, the decision's status)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import Action, Case, RiskAssessment, SubjectNotice, SupportOffered, TimelineEntry
from cases.services import timeline_add
from disclosures.models import Disclosure
from people.models import CarerOrRelative, RecordCorrectionNote, Relationship, ServiceUser, StaffMember
from privacy.models import RecordCorrection, RightsRequest


class RequestError(Exception):
    """A step the request's state does not allow; str(exc) is a message for the page."""


def _save(request: RightsRequest, actor) -> None:
    request._history_user = actor
    request.save()


@transaction.atomic
def request_log(*, actor, kind: str, person, received_date: datetime.date, details: str = "") -> RightsRequest:
    """The DPO logs a request from a member of staff, a service user or a carer or relative."""
    request = RightsRequest(
        kind=kind,
        staff=person if isinstance(person, StaffMember) else None,
        service_user=person if isinstance(person, ServiceUser) else None,
        carer=person if isinstance(person, CarerOrRelative) else None,
        received_date=received_date,
        details=details,
        logged_by=actor,
    )
    _save(request, actor)
    audit_record(action="privacy.request.logged", actor=actor, obj=request, detail={"kind": kind})
    return request


@transaction.atomic
def request_extend(*, request: RightsRequest, actor, reason: str) -> RightsRequest:
    """Extend by two further months for a complex request (UK GDPR Article 12(3)), with the reason."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise RequestError("This request has already been decided.")
    if request.extended_at:
        raise RequestError("This request has already been extended; it cannot be extended again.")
    if timezone.localdate() > request.first_due_date:
        raise RequestError("The month has passed: an extension must be made, and told, within it.")
    request.extended_at = timezone.now()
    request.extension_reason = reason
    _save(request, actor)
    audit_record(action="privacy.request.extended", actor=actor, obj=request)
    return request


@transaction.atomic
def request_decide(*, request: RightsRequest, actor, status: str, reason: str) -> RightsRequest:
    """Record the decision on a rectification or objection request (erasure and restriction go through
    privacy.requests.erasure, access through privacy.sar.services)."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise RequestError("This request has already been decided.")
    if request.kind not in (RightsRequest.Kind.RECTIFICATION, RightsRequest.Kind.OBJECTION):
        raise RequestError("This kind of request is decided on its own page.")
    request.status = status
    request.decision_reason = reason
    request.decided_at = timezone.now()
    request.decided_by = actor
    _save(request, actor)
    audit_record(action="privacy.request.decided", actor=actor, obj=request, detail={"status": status})
    return request


def case_of_record(item_key: str) -> Case | None:
    """The case a record of the copy belongs to, if any: where a correction to it is shown."""
    kind, _, pk = item_key.partition(":")
    if not pk.isdigit():
        return None
    model = {
        "case": Case,
        "disclosure": Disclosure,
        "assessment": RiskAssessment,
        "notice": SubjectNotice,
        "action": Action,
        "support": SupportOffered,
    }.get(kind)
    if model is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        return None
    return row if isinstance(row, Case) else row.case


def person_record_of(item_key: str) -> dict | None:
    """The staff record or register entry a record of the copy is, if it is one: where a correction to it is
    shown (people.RecordCorrectionNote), as {"staff": …} or {"relationship": …}."""
    parts = item_key.split(":")
    if parts[:2] == ["person", "staff"] and len(parts) == 3 and parts[2].isdigit():
        staff = StaffMember.objects.filter(pk=parts[2]).first()
        return {"staff": staff} if staff else None
    if parts[0] == "relationship" and len(parts) == 2 and parts[1].isdigit():
        entry = Relationship.objects.filter(pk=parts[1]).first()
        return {"relationship": entry} if entry else None
    return None


@transaction.atomic
def correction_record(
    *, request: RightsRequest, actor, item_key: str, correction: str, decision: str, reason: str
) -> RecordCorrection:
    """Attach a person's correction to a record with the DPO's decision (UK GDPR Article 16). The record and its
    history are never overwritten: the correction stands beside it, and on a case's timeline, where everyone
    who may see the case reads it; on a staff record or a register entry it is shown on that record (the staff
    record's admin page, the relationships register)."""
    if request.kind != RightsRequest.Kind.RECTIFICATION or not request.is_open:
        raise RequestError("Corrections are attached to an open rectification request.")
    made = RecordCorrection(request=request, item_key=item_key, correction=correction, decision=decision,
                            reason=reason, decided_by=actor)  # fmt: skip
    made._history_user = actor
    made.save()
    label = RecordCorrection.Decision(decision).label
    text = (
        f"Correction asked for by the person this record is about: “{correction}” "
        f"Data protection officer's decision: {label}. Why: {reason}"
    )
    case = case_of_record(item_key)
    if case is not None:
        timeline_add(case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=text)
    record = person_record_of(item_key)
    if record is not None:
        note = RecordCorrectionNote(request_id=request.pk, text=text, **record)
        note._history_user = actor
        note.save()
    audit_record(action="privacy.rectification.recorded", actor=actor, obj=made,
                 detail={"request": request.pk, "record": item_key, "decision": decision})  # fmt: skip
    return made
