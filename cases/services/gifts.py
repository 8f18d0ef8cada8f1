"""The reviewer's decision on a gift worth more than settings.GIFT_DECISION_THRESHOLD (docs/registers.md;
seed 004 §1.2, seed 000 §4.1): keep it for the team, return it, donate it, or decline it, with a note."""

from __future__ import annotations

from django.db import transaction

from audit.services import audit_record
from cases.models import Case, GiftDecision, TimelineEntry
from cases.selectors import case_gifts_undecided
from cases.services.base import _lock, _require, _require_move, _require_reason, _save, timeline_add


@transaction.atomic
def case_gift_decide(
    *,
    case: Case,
    actor,
    disclosure_reference: str,
    decision: str,
    note: str,
    expected_version: int | None = None,
) -> GiftDecision:
    """Record the decision on one gift of this case still waiting for one (the move "decide_gift")."""
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "decide_gift")
    gift = next((g for g in case_gifts_undecided(case=case) if g.reference == disclosure_reference), None)
    _require(gift is not None, "Choose a gift on this case that is waiting for a decision.")
    _require(decision in GiftDecision.Decision.values, "Choose what happens to the gift.")
    note = _require_reason(note, "Add a note: why, and what happens to the gift.")
    made = GiftDecision(
        case=case,
        disclosure_reference=gift.reference,
        value=gift.value,
        decision=decision,
        note=note,
        decided_by=staff,
    )
    made._history_user = actor
    made._change_reason = "cases.gift.decided"
    made.save()
    _save(case, actor=actor, reason="cases.gift.decided")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.GIFT_DECIDED,
        text=f"Gift {gift.reference} (£{gift.value}): {made.get_decision_display()}. {note}",
    )
    audit_record(
        action="cases.gift.decided",
        actor=actor,
        obj=case,
        detail={"disclosure": gift.reference, "decision": decision},
    )
    return made
