"""Erasure (UK GDPR Article 17) and restriction (Article 18), decided by the DPO.

What must be kept is refused with its legal reason, and the refusal recorded on the request and in the
audit trail. What may go is removed through the one narrow removal path (audit.removal), as the retention
run does; records kept under the retention schedule go when the daily run finds them due (docs/retention.md).

KEEP_RULES are the reasons a person's records must be kept; each takes the person and returns
(code, reason) pairs: an open case, and a legal hold on the person or on one of their cases.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.removal import delete_rows
from audit.services import audit_record
from cases.models import Case
from disclosures.models import Attachment, Disclosure, FollowUp
from people.models import CarerOrRelative, ProcessingRestriction, Relationship, ServiceUser, StaffMember
from privacy.models import RightsRequest
from privacy.retention import held_case_ids, held_service_user_ids, held_staff_ids

SAFEGUARDING_REASON = (
    "An open safeguarding matter involves this person ({refs}). The records must be kept while it is open: "
    "UK GDPR Article 17(3)(b) (a legal obligation: Care Act 2014 s.42 and Working Together to Safeguard "
    "Children 2023) and Article 17(3)(e) (legal claims)."
)
OPEN_CASE_REASON = (
    "A case about this person is still open ({refs}). It is kept until it closes and then for the period in "
    "the retention schedule: UK GDPR Article 17(3)(e) (legal claims)."
)
RESTRICTION_REFUSED = (
    "An open safeguarding matter involves this person ({refs}). Its records are still used to protect "
    "another person: UK GDPR Article 18(2)."
)
HELD_REASON = (
    "A legal hold keeps this person's records ({refs}): they may be needed for a claim, an inquiry or an "
    "investigation. UK GDPR Article 17(3)(e) (legal claims); the hold is reviewed on its review date."
)
KEPT_BY_SCHEDULE = (
    "Closed cases about this person are kept for the period in the retention schedule and removed by the "
    "daily retention run when they fall due."
)


def person_cases(person_key: tuple[str, int]):
    """Every case the person is in, in any part."""
    kind, pk = person_key
    if kind == "staff":
        q = Q(subjects=pk) | Q(involvements__staff=pk) | Q(disclosures__reporter=pk)
    elif kind == "service_user":
        q = Q(service_users=pk) | Q(involvements__service_user=pk)
    else:
        q = Q(involvements__carer=pk) | Q(disclosures__carers=pk)
    return Case.objects.filter(pk__in=Case.objects.filter(q).values("pk"))


def _open_case_references(person_key) -> tuple[list[str], list[str]]:
    """(open safeguarding cases, other open cases) the person is in, by reference."""
    open_cases = person_cases(person_key).filter(status__in=Case.OPEN_STATUSES).order_by("reference")
    safeguarding = [c.reference for c in open_cases if c.is_safeguarding]
    return safeguarding, [c.reference for c in open_cases if not c.is_safeguarding]


def _open_cases(person_key) -> list[tuple[str, str]]:
    safeguarding, others = _open_case_references(person_key)
    reasons = []
    if safeguarding:
        reasons.append(("open_safeguarding", SAFEGUARDING_REASON.format(refs=", ".join(safeguarding))))
    if others:
        reasons.append(("open_case", OPEN_CASE_REASON.format(refs=", ".join(others))))
    return reasons


def _legal_hold(person_key) -> list[tuple[str, str]]:
    """A legal hold on the person, or on a case they are in (docs/retention.md "Legal holds")."""
    kind, pk = person_key
    held_people = {"staff": held_staff_ids, "service_user": held_service_user_ids}.get(kind, set)()
    held_cases = held_case_ids() & set(person_cases(person_key).values_list("pk", flat=True))
    refs = []
    if pk in held_people:
        refs.append("a hold on the person")
    refs += sorted(Case.objects.filter(pk__in=held_cases).values_list("reference", flat=True))
    return [("legal_hold", HELD_REASON.format(refs=", ".join(refs)))] if refs else []


KEEP_RULES: list[Callable[[tuple[str, int]], list[tuple[str, str]]]] = [_open_cases, _legal_hold]


def erasure_keep_reasons(*, person_key: tuple[str, int]) -> list[tuple[str, str]]:
    """Why the person's records must be kept now, as (code, reason); empty when nothing stops erasure."""
    return [reason for rule in KEEP_RULES for reason in rule(person_key)]


def _decide(request: RightsRequest, actor, status: str, reason: str) -> None:
    request.status = status
    request.decision_reason = reason
    request.decided_at = timezone.now()
    request.decided_by = actor
    request._history_user = actor
    request.save()


def _erase_drafts(staff_id: int) -> int:
    """The person's own unsent drafts: nobody else has read them and no case depends on them."""
    drafts = Disclosure.objects.filter(reporter_id=staff_id, status=Disclosure.Status.DRAFT)
    ids = list(drafts.values_list("pk", flat=True))
    if not ids:
        return 0
    attachments = Attachment.objects.filter(disclosure_id__in=ids)
    files = [a.file for a in attachments]
    attachment_ids = list(attachments.values_list("pk", flat=True))
    follow_up_ids = list(FollowUp.objects.filter(disclosure_id__in=ids).values_list("pk", flat=True))
    delete_rows(Attachment.objects.filter(pk__in=attachment_ids))
    delete_rows(Attachment.history.model.objects.filter(id__in=attachment_ids))
    delete_rows(FollowUp.objects.filter(pk__in=follow_up_ids))
    delete_rows(FollowUp.history.model.objects.filter(id__in=follow_up_ids))
    delete_rows(Disclosure.objects.filter(pk__in=ids))
    delete_rows(Disclosure.history.model.objects.filter(id__in=ids))
    # The files go once the rows are gone for good (after commit), so a rollback never loses a file.
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])
    return len(ids)


def _erase_ended_relationships(person_key) -> int:
    """Register entries that have ended and that no case refers to."""
    kind, pk = person_key
    q = {"staff": Q(staff=pk) | Q(colleague=pk), "service_user": Q(service_user=pk), "carer": Q(carer=pk)}[kind]
    ids = list(
        Relationship.objects.filter(q, status=Relationship.Status.ENDED, cases__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if ids:
        delete_rows(Relationship.objects.filter(pk__in=ids))
        delete_rows(Relationship.history.model.objects.filter(id__in=ids))
    return len(ids)


@transaction.atomic
def apply_erasure(*, request: RightsRequest, actor) -> RightsRequest:
    """Decide an erasure request: refuse with the legal reason where records must be kept; otherwise remove
    what may go now and say what the retention schedule keeps."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != RightsRequest.Kind.ERASURE or not request.is_open:
        return request
    reasons = erasure_keep_reasons(person_key=request.person_key)
    if reasons:
        _decide(request, actor, RightsRequest.Status.REFUSED, " ".join(text for _, text in reasons))
        audit_record(action="privacy.erasure.refused", actor=actor, obj=request,
                     detail={"reasons": [code for code, _ in reasons]})  # fmt: skip
        return request
    kind, pk = request.person_key
    drafts = _erase_drafts(pk) if kind == "staff" else 0
    relationships = _erase_ended_relationships(request.person_key)
    kept = person_cases(request.person_key).count()
    removed = (
        f"Removed: {drafts} unsent draft(s), {relationships} ended register entr{'y' if relationships == 1 else 'ies'}."
    )
    if kept:
        _decide(request, actor, RightsRequest.Status.PARTLY_GRANTED, f"{removed} {KEPT_BY_SCHEDULE}")
    else:
        _decide(request, actor, RightsRequest.Status.GRANTED, removed)
    audit_record(action="privacy.erasure.applied", actor=actor, obj=request,
                 detail={"drafts": drafts, "relationships": relationships, "cases_kept": kept})  # fmt: skip
    return request


@transaction.atomic
def apply_restriction(*, request: RightsRequest, actor, reason: str) -> RightsRequest:
    """Decide a restriction request: refused while an open safeguarding matter still uses the records; granted,
    it marks the person as restricted (people.ProcessingRestriction) until the DPO lifts it."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != RightsRequest.Kind.RESTRICTION or not request.is_open:
        return request
    safeguarding, _ = _open_case_references(request.person_key)
    if safeguarding:
        _decide(request, actor, RightsRequest.Status.REFUSED, RESTRICTION_REFUSED.format(refs=", ".join(safeguarding)))
        audit_record(action="privacy.restriction.refused", actor=actor, obj=request,
                     detail={"reasons": ["open_safeguarding"]})  # fmt: skip
        return request
    _decide(request, actor, RightsRequest.Status.GRANTED, reason)
    person = request.person
    restriction = ProcessingRestriction(
        staff=person if isinstance(person, StaffMember) else None,
        service_user=person if isinstance(person, ServiceUser) else None,
        carer=person if isinstance(person, CarerOrRelative) else None,
        request_id=request.pk,
        reason=reason,
        placed_by=actor,
    )
    restriction._history_user = actor
    restriction.save()
    audit_record(action="privacy.restriction.granted", actor=actor, obj=request)
    return request


def restriction_in_force(request: RightsRequest) -> ProcessingRestriction | None:
    """The restriction a granted request put on the person, while it is in force."""
    if request.kind != RightsRequest.Kind.RESTRICTION:
        return None
    return ProcessingRestriction.objects.active().filter(request_id=request.pk).first()


@transaction.atomic
def lift_restriction(*, request: RightsRequest, actor, reason: str) -> ProcessingRestriction | None:
    """The DPO lifts a restriction (the accuracy checked, the objection decided; Article 18(3): tell the person
    before lifting). The records may be used again; the restriction and its lifting stay in its history."""
    restriction = ProcessingRestriction.objects.select_for_update().filter(request_id=request.pk).first()
    if restriction is None or restriction.lifted_at is not None:
        return None
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.lift_reason = reason
    restriction._history_user = actor
    restriction.save()
    audit_record(action="privacy.restriction.lifted", actor=actor, obj=request)
    return restriction
