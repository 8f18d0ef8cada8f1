"""Variation requests decided before the date (seed 000 §5.7–5.8): agreed, agreed
with conditions (each condition becomes an action for the worker), or declined with a reason. The worker
reads the decision under "My disclosures" and gets a content-free e-mail that there is news."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction

from audit.services import audit_record
from cases.models import Action, ActionTemplate, Case, TimelineEntry, VariationDecision
from cases.services.base import _lock, _require, _require_move, _require_reason, _save, _today, timeline_add
from cases.services.references import working_days_before
from notifications.models import OutboxMessage
from notifications.services import notification_queue

CONDITION_TEMPLATE = "variation-condition"


def variation_dates(*, activity: datetime.date | None, today: datetime.date | None = None) -> dict:
    """The activity date and the date the decision is due: VARIATION_DECISION_DAYS_BEFORE working days
    before it, never before today."""
    if activity is None:
        return {"activity_date": None, "decision_due_date": None}
    today = today or _today()
    due = max(today, working_days_before(activity, settings.VARIATION_DECISION_DAYS_BEFORE))
    return {"activity_date": activity, "decision_due_date": min(due, activity)}


@transaction.atomic
def variation_decide(
    *, case: Case, actor, decision: str, reason: str, conditions: str = "", expected_version: int | None = None
) -> VariationDecision:
    """Decide a variation request before its date; conditions become actions owned by the worker."""
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "decide_variation")
    _require(decision in VariationDecision.Decision.values, "Choose whether the plan is agreed.")
    why = _require_reason(reason, "Say why, in words the worker will read.")
    lines = [line.strip() for line in (conditions or "").splitlines() if line.strip()]
    with_conditions = decision == VariationDecision.Decision.AGREED_WITH_CONDITIONS
    _require(not with_conditions or lines, "List the conditions, one a line.")
    _require(with_conditions or not lines, "Conditions go with “Agreed with conditions”.")
    made = VariationDecision(case=case, decision=decision, reason=why, conditions="\n".join(lines), decided_by=staff)
    made._history_user = actor
    made._change_reason = "cases.variation.decided"
    made.save()
    worker = case.disclosures.select_related("reporter").order_by("pk").first().reporter
    template = ActionTemplate.objects.get(code=CONDITION_TEMPLATE)
    for line in lines:
        action = Action(
            case=case,
            template=template,
            details=line,
            owner=worker,
            due_date=case.activity_date or _today(),
            created_by=staff,
        )
        action._history_user = actor
        action._change_reason = "cases.variation.condition_added"
        action.save()
    case.decision_due_date = None
    _save(case, actor=actor, reason="cases.variation.decided", fields=["decision_due_date"])
    text = f"Plan {made.get_decision_display().lower()}. Why: {why}"
    if lines:
        text += " Conditions: " + "; ".join(lines) + "."
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=text)
    for disclosure in case.disclosures.select_related("reporter__user"):
        notification_queue(
            recipient=disclosure.reporter.user,
            template=OutboxMessage.Template.VARIATION_DECIDED,
            link=f"/disclosures/{disclosure.pk}/",
            dedupe_key=f"disclosure:{disclosure.pk}:variation_decided",
        )
    audit_record(action="cases.variation.decided", actor=actor, obj=case, detail={"decision": decision})
    return made
