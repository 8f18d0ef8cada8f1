"""Legal holds (docs/retention.md "Legal holds"): keep a case, or everything about a person, whatever the
schedule says. The safeguarding lead or the DPO places and lifts them; both are audited, without the
reason (which may describe the matter)."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import Case
from people.models import ServiceUser, StaffMember
from privacy.models import LegalHold


class HoldError(ValueError):
    """A hold that cannot be placed or lifted; the message is for the person asking."""


@transaction.atomic
def legal_hold_place(
    *,
    actor,
    reason: str,
    review_date: datetime.date,
    case: Case | None = None,
    staff: StaffMember | None = None,
    service_user: ServiceUser | None = None,
) -> LegalHold:
    """Place a hold on one case or one person; from now on the retention job leaves it alone."""
    if sum(x is not None for x in (case, staff, service_user)) != 1:
        raise HoldError("Choose one case or one person to hold.")
    reason = (reason or "").strip()
    if not reason:
        raise HoldError("Say why the records must be kept.")
    if review_date <= timezone.localdate():
        raise HoldError("The review date must be in the future.")
    if case is not None:
        Case.objects.select_for_update().filter(pk=case.pk).first()  # waits for a removal of this case to finish
    hold = LegalHold(
        case=case, staff=staff, service_user=service_user, reason=reason, review_date=review_date, placed_by=actor
    )
    hold._history_user = actor
    hold._change_reason = "privacy.hold.placed"
    hold.save()
    on = "case" if case else "staff" if staff else "service_user"
    audit_record(
        action="privacy.hold.placed", actor=actor, obj=hold, detail={"on": on, "review_date": review_date.isoformat()}
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, actor, reason: str) -> LegalHold:
    """Lift a hold; what it kept falls under the schedule again (and goes on the next run if due)."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        return hold  # a double click is harmless
    reason = (reason or "").strip()
    if not reason:
        raise HoldError("Say why the hold can be lifted.")
    hold.lifted_by = actor
    hold.lifted_at = timezone.now()
    hold.lift_reason = reason
    hold._history_user = actor
    hold._change_reason = "privacy.hold.lifted"
    hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    audit_record(action="privacy.hold.lifted", actor=actor, obj=hold)
    return hold
