"""The gifts declared on a case and the decisions they need (docs/registers.md "Gift decisions").

A gift is a submitted disclosure whose category asks the gift questions (BoundaryCategory.questions ==
"gift"); its answers are in Disclosure.details (item, approx_value, from_whom, response; docs/disclosures.md).
cases never imports disclosures: the gifts are read through the reverse relation `case.disclosures`.

A gift needs the reviewer's decision when its declared value is more than settings.GIFT_DECISION_THRESHOLD
(default £25) and the worker did not decline it or give it back (seed 004 §1.2: "Where it is difficult to
refuse a gift, then staff must discuss this with their line manager"; seed 000 §4.1). A gift with no value
given needs none: the reviewer can still ask, and record what was agreed as a note.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from cases.models import Case, GiftDecision

GIFT_QUESTIONS = "gift"  # policies.models.BoundaryCategory.Questions.GIFT
SUBMITTED = "submitted"  # disclosures' Disclosure.Status.SUBMITTED
NOT_KEPT = ("declined", "returned")  # the worker's answers that leave nothing to decide


def gift_threshold() -> Decimal:
    return Decimal(settings.GIFT_DECISION_THRESHOLD)


def gift_value(details: dict | None) -> Decimal | None:
    """The declared value in pounds, or None when the worker did not give one."""
    raw = (details or {}).get("approx_value")
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def gift_needs_decision(details: dict | None) -> bool:
    """Worth more than the threshold, and not declined or given back by the worker."""
    value = gift_value(details)
    return value is not None and value > gift_threshold() and (details or {}).get("response") not in NOT_KEPT


@dataclass(frozen=True)
class CaseGift:
    reference: str
    item: str
    value: Decimal | None
    response: str
    date: datetime.date | None
    needs_decision: bool
    decision: GiftDecision | None

    @property
    def undecided(self) -> bool:
        return self.needs_decision and self.decision is None


def case_gifts(*, case: Case) -> list[CaseGift]:
    """The gifts declared on this case, oldest first, each with its decision if one was made."""
    disclosures = case.disclosures.filter(status=SUBMITTED, category__questions=GIFT_QUESTIONS).order_by(
        "submitted_at", "pk"
    )
    decisions = {d.disclosure_reference: d for d in case.gift_decisions.select_related("decided_by__user")}
    gifts = []
    for d in disclosures.only("reference", "details", "occurred_date", "submitted_at"):
        details = d.details or {}
        gifts.append(
            CaseGift(
                reference=d.reference,
                item=str(details.get("item", "")),
                value=gift_value(details),
                response=str(details.get("response", "")),
                date=d.occurred_date or (d.submitted_at.date() if d.submitted_at else None),
                needs_decision=gift_needs_decision(details),
                decision=decisions.get(d.reference),
            )
        )
    return gifts


def case_gifts_undecided(*, case: Case) -> list[CaseGift]:
    """The gifts on this case still waiting for the reviewer's decision."""
    return [g for g in case_gifts(case=case) if g.undecided]
