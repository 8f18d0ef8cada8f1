"""Risk assessment on the 5×5 matrix and answers to the statutory prompts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import (
    Case,
    PromptAnswer,
    RiskAssessment,
    TimelineEntry,
)
from cases.selectors import (
    case_current_assessment,
    case_exclusions,
    case_rule_effects,
    risk_band_for,
    role_holders,
)
from cases.services.base import (
    CaseError,
    _lock,
    _require,
    _require_move,
    _require_reason,
    _save,
    _today,
    timeline_add,
)
from core.roles import Role
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from policies.models import PRIORITY_RANK, StatutoryPrompt


def _check_score(value, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CaseError(f"{label} is a number from 1 to 5.") from None
    _require(1 <= number <= 5, f"{label} is a number from 1 to 5.")
    return number


def _band_text(score: int) -> str:
    from cases.selectors import risk_band_for

    band = risk_band_for(score)
    return f"{score} ({band.label})" if band else str(score)


@transaction.atomic
def case_assess(
    *,
    case: Case,
    actor,
    likelihood: int,
    consequence: int,
    residual_likelihood: int,
    residual_consequence: int,
    factors: dict[str, bool] | None = None,
    risk_to_service_user: str = "",
    risk_to_worker: str = "",
    risk_to_organisation: str = "",
    mitigation: str = "",
    expected_version: int | None = None,
) -> RiskAssessment:
    """Record a new risk assessment on the 5×5 matrix; it becomes the current one."""

    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "assess")
    factors = factors or {}
    unknown = set(factors) - set(RiskAssessment.FACTOR_FIELDS)
    _require(not unknown, "Unknown risk factor: " + ", ".join(sorted(unknown)))
    previous = case_current_assessment(case=case)
    assessment = RiskAssessment(
        case=case,
        assessed_by=staff,
        likelihood=_check_score(likelihood, "Likelihood"),
        consequence=_check_score(consequence, "Consequence"),
        residual_likelihood=_check_score(residual_likelihood, "Residual likelihood"),
        residual_consequence=_check_score(residual_consequence, "Residual consequence"),
        risk_to_service_user=risk_to_service_user,
        risk_to_worker=risk_to_worker,
        risk_to_organisation=risk_to_organisation,
        mitigation=mitigation,
        **{name: bool(factors.get(name, False)) for name in RiskAssessment.FACTOR_FIELDS},
    )
    assessment._history_user = actor
    assessment._change_reason = "cases.assessment.recorded"
    assessment.save()
    assessment.refresh_from_db(fields=["score", "residual_score"])
    _save(case, actor=actor, reason="cases.case.assessed", fields=_rules_raise(case=case, actor=actor))
    factor_labels = [
        str(RiskAssessment._meta.get_field(name).verbose_name)
        for name in RiskAssessment.FACTOR_FIELDS
        if getattr(assessment, name)
    ]
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ASSESSED,
        text=f"Risk {assessment.likelihood}×{assessment.consequence} = {_band_text(assessment.score)}; "
        f"residual {assessment.residual_likelihood}×{assessment.residual_consequence} = "
        f"{_band_text(assessment.residual_score)}."
        + (f" Factors: {', '.join(factor_labels)}." if factor_labels else ""),
    )
    if previous is not None:
        old_band, new_band = risk_band_for(previous.score), risk_band_for(assessment.score)
        if old_band != new_band:
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.BAND_CHANGED,
                text=f"Risk band changed from {old_band.label if old_band else '—'} "
                f"to {new_band.label if new_band else '—'}.",
            )
    audit_record(action="cases.case.assessed", actor=actor, obj=case, detail={"assessment": assessment.pk})
    return assessment


def _rules_raise(*, case: Case, actor) -> list[str]:
    """Apply the rules again after an assessment: what the reviewer found may make the case a safeguarding matter
    or more urgent (never less). Returns the case fields to save."""
    effects = case_rule_effects(case=case)
    fields = []
    if PRIORITY_RANK[effects.priority] > PRIORITY_RANK[case.priority]:
        case.priority = effects.priority
        fields.append("priority")
    if effects.safeguarding and not case.is_safeguarding:
        case.is_safeguarding = True
        fields.append("is_safeguarding")
        because = " ".join(dict.fromkeys(rule.reason for rule in effects.safeguarding_rules))
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.NOTE,
            text="The risk assessment makes this a safeguarding matter: the safeguarding lead can now see it. "
            + because,
        )
        if case.is_confidential:
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.WHO_CAN_SEE,
                text=f"The safeguarding lead can now see it, because of our rules: {because}",
            )
    return fields


@transaction.atomic
def prompt_answer(
    *, case: Case, actor, prompt: str, referral_made: bool, reason: str, expected_version: int | None = None
) -> PromptAnswer:
    """Record that a statutory route was considered: referral made yes/no, and why (seed 002 §7.5–7.6)."""
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "answer_prompt")
    _require(prompt in StatutoryPrompt.values, "Choose one of the statutory routes.")
    _require_reason(reason, "Say why, in a sentence or two.")
    answer = _prompt_record(
        case=case, actor=actor, staff=staff, prompt=prompt, referral_made=referral_made, reason=reason
    )
    _save(case, actor=actor, reason="cases.prompt.answered", fields=answer.case_fields)
    audit_record(action="cases.prompt.answered", actor=actor, obj=case, detail={"prompt": prompt})
    return answer


def _prompt_record(*, case, actor, staff, prompt: str, referral_made: bool, reason: str) -> PromptAnswer:
    """Write the answer, and when a referral was made, do what that referral means (referral_made_effects).
    The caller saves the case with the fields it returns in `answer.case_fields`."""
    answer = PromptAnswer.objects.filter(case=case, prompt=prompt).first() or PromptAnswer(case=case, prompt=prompt)
    answer.referral_made = bool(referral_made)
    answer.reason = reason.strip()
    answer.answered_by = staff
    answer.answered_date = _today()
    answer._history_user = actor
    answer._change_reason = "cases.prompt.answered"
    answer.save()
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.PROMPT_ANSWERED,
        text=f"{StatutoryPrompt(prompt).label}: considered – {'referral made' if referral_made else 'no referral'}. "
        f"{answer.reason}",
    )
    answer.case_fields = referral_made_effects(case=case, actor=actor, prompt=prompt) if referral_made else []
    return answer


def referral_made_effects(*, case: Case, actor, prompt: str) -> list[str]:
    """What a referral means for who may see the case, whether it was made by answering its prompt "yes" or by
    agreeing the referral action: the one place for both (DESIGN §6). Returns the case fields to save.

    - HR investigation: from now on HR may see the case (seed 002 §7.5).
    - Safeguarding referral: the case becomes a safeguarding matter, so the safeguarding lead sees it and is told.
    """
    if prompt == StatutoryPrompt.HR_INVESTIGATION and case.hr_referred_at is None:
        case.hr_referred_at = timezone.now()
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.HR_REFERRED,
            text="Referred for HR investigation: HR can now see this case.",
        )
        if case.is_confidential:
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.WHO_CAN_SEE,
                text="The case was referred for an HR investigation, so HR can now see it.",
            )
        audit_record(action="cases.case.hr_referred", actor=actor, obj=case)
        return ["hr_referred_at"]
    if prompt == StatutoryPrompt.SAFEGUARDING_REFERRAL and not case.is_safeguarding:
        case.is_safeguarding = True
        excluded = case_exclusions(case=case)
        leads = [lead for lead in role_holders(Role.SAFEGUARDING_LEAD) if lead.pk not in excluded]
        if case.is_restricted and leads:
            case.restricted_to.add(*leads)  # seed 002 §10.4: a concern about care lifts the restriction for them
        for lead in leads:
            if lead.pk != case.reviewer_id:
                notification_queue(
                    recipient=lead.user,
                    template=OutboxMessage.Template.CASE_ASSIGNED,
                    link=f"/cases/{case.pk}/",
                    dedupe_key=f"case:{case.pk}:safeguarding_referral:{lead.pk}",
                )
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.SAFEGUARDING_ALERTED,
            text="A safeguarding referral was made: the case is now a safeguarding matter and the safeguarding "
            "lead can see it.",
        )
        if case.is_confidential:
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.WHO_CAN_SEE,
                text="A safeguarding referral was made, so the safeguarding lead can now see it.",
            )
        audit_record(action="cases.case.safeguarding_flagged", actor=actor, obj=case)
        return ["is_safeguarding"]
    return []
