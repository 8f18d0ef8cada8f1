"""The demo's requests from data subjects (docs/privacy.md, docs/demo.md): a step in
demo.management.commands.seed_demo.DEMO_STEPS, so the demo "auditor" (the data protection officer) sees the
request pages working.

Two requests, logged and decided through the services the pages use:
- an **access request in progress** from a teammate of the demo worker, received five days before the seed runs
  (so it is never overdue in a fresh demo), with the copy still to prepare;
- an **erasure request refused**, with its legal reason, from the first member of staff (by case reference) whom
  an open case is about: the open case must be kept (UK GDPR Article 17(3)), so the refusal is recorded.

Idempotent: a request from the same person with the same words is not logged twice. The erasure is decided only
when something requires the records to be kept, so the demo never erases anything.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Case
from demo.context import DemoContext
from people.models import StaffMember
from privacy.models import RightsRequest
from privacy.requests.erasure import apply_erasure, erasure_keep_reasons
from privacy.requests.services import request_log

ACCESS_DETAILS = (
    "By e-mail to the data protection officer: 'Please send me a copy of everything you hold about me, "
    "including anything my manager has written.'"
)
ERASURE_DETAILS = "In a letter: 'I want every record about the concern raised about me deleted.'"


def _log(*, dpo, kind: str, person: StaffMember, details: str, received: datetime.date) -> tuple[RightsRequest, bool]:
    existing = RightsRequest.objects.filter(kind=kind, staff=person, details=details).first()
    if existing is not None:
        return existing, False
    return request_log(actor=dpo, kind=kind, person=person, received_date=received, details=details), True


def _erasure_requester(worker: StaffMember) -> StaffMember | None:
    """The first member of staff (by case reference) an open case is about whose records must be kept."""
    for case in Case.objects.filter(status__in=Case.OPEN_STATUSES).order_by("reference"):
        for subject in case.subjects.exclude(pk=worker.pk).order_by("staff_number"):
            if erasure_keep_reasons(person_key=("staff", subject.pk)):
                return subject
    return None


def seed_requests(ctx: DemoContext) -> str:
    """One access request in progress, one erasure request refused with its reason."""
    dpo = get_user_model().objects.filter(username="auditor").first()
    worker = StaffMember.objects.select_related("team").filter(user__username="worker").first()
    if dpo is None or worker is None:
        return "Requests from data subjects: skipped (no auditor or worker login)."
    teammate = (
        StaffMember.objects.filter(team=worker.team, is_active=True).exclude(pk=worker.pk).order_by("staff_number")
    ).first()
    made = 0
    if teammate is not None:
        received = timezone.localdate() - datetime.timedelta(days=5)
        made += _log(dpo=dpo, kind=RightsRequest.Kind.ACCESS, person=teammate, details=ACCESS_DETAILS,
                     received=received)[1]  # fmt: skip
    requester = RightsRequest.objects.filter(kind=RightsRequest.Kind.ERASURE, details=ERASURE_DETAILS).first()
    if requester is None:
        person = _erasure_requester(worker)
        if person is not None:
            received = timezone.localdate() - datetime.timedelta(days=12)
            erasure, _ = _log(dpo=dpo, kind=RightsRequest.Kind.ERASURE, person=person, details=ERASURE_DETAILS,
                              received=received)  # fmt: skip
            apply_erasure(request=erasure, actor=dpo)  # refused: the open case must be kept
            made += 1
    return f"Requests from data subjects: {made} logged."
