"""What the rules table (policies.Rule, shown at /policies/rules/) says about a disclosure being filed and about a
case: its priority, whether the safeguarding lead is alerted, and the statutory prompts the reviewer must answer.

This module only gathers the facts (policies.Situation); the rules themselves are data, applied by
policies.selectors.rules_effects. Nothing else decides urgency, alerts or prompts.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import (
    Case,
    Outcome,
    PromptAnswer,
    RiskAssessment,
)
from cases.selectors.risk import case_current_assessment, risk_band_for
from people.models import CarerOrRelative, ServiceUser, StaffMember
from policies.models import BoundaryCategory, CaseDecision, FormAnswer, Part, RiskCondition, Situation
from policies.selectors import RuleEffects, rules_effects

# RiskAssessment factor field -> the rules' name for it.
RISK_FACTORS = {
    "factor_vulnerable": RiskCondition.VULNERABLE,
    "factor_power_imbalance": RiskCondition.POWER_IMBALANCE,
    "factor_sexual": RiskCondition.SEXUAL,
    "factor_financial": RiskCondition.FINANCIAL,
    "factor_lone_working": RiskCondition.LONE_WORKING,
    "factor_repeated": RiskCondition.REPEATED,
}


def staff_concerned(*, case: Case) -> QuerySet[StaffMember]:
    """The members of staff whose conduct the case is about (their part: "Person concerned"). A case with
    no record of parts (opened before parts were recorded) counts its subjects."""
    if not case.involvements.exists():
        return case.subjects.all()
    return StaffMember.objects.filter(pk__in=case.involvements.filter(part=Part.CONCERNED).values("staff"))


def _answers(disclosures) -> set[str]:
    answers = set()
    for disclosure in disclosures:
        if disclosure.at_risk_now:
            answers.add(FormAnswer.AT_RISK_NOW)
        if (
            disclosure.category.questions == BoundaryCategory.Questions.GIFT
            and (disclosure.details or {}).get("response") == "accepted"
        ):
            answers.add(FormAnswer.GIFT_ACCEPTED)
    return answers


def _is_vulnerable(service_users, carers) -> bool:
    """A child or an adult at risk is named: directly, or as the service user a carer or relative belongs to."""
    people = [*service_users, *(c.service_user for c in carers)]
    return any(su.is_child or su.is_adult_at_risk for su in people)


def disclosure_situation(*, disclosure, parts: list[tuple[str, dict]]) -> Situation:
    """The facts of one disclosure being filed, with the parts its people play (cases.services.people)."""
    staff = [(part, person["staff"]) for part, person in parts if "staff" in person]
    carers = list(disclosure.carers.select_related("service_user"))
    return Situation(
        category_id=disclosure.category_id,
        kinds=frozenset({disclosure.kind}),
        staff_parts=frozenset(part for part, _ in staff),
        registered_parts=frozenset(part for part, member in staff if member.registration_body),
        vulnerable=_is_vulnerable(disclosure.service_users.all(), carers),
        answers=frozenset(_answers([disclosure])),
    )


def _risks(assessment: RiskAssessment | None) -> set[str]:
    if assessment is None:
        return set()
    risks = {condition for name, condition in RISK_FACTORS.items() if getattr(assessment, name)}
    band = risk_band_for(assessment.score)
    if band is not None and band.is_high:
        risks.add(RiskCondition.HIGH_BAND)
    return risks


def case_situation(*, case: Case, outcome: str | None = None) -> Situation:
    """The facts of a case now: its disclosures, the people involved and their parts, the current risk assessment
    and what the reviewer has decided. `outcome` is the outcome being chosen at closure."""
    disclosures = list(case.disclosures.select_related("category"))
    if case.involvements.exists():
        involvements = list(case.involvements.select_related("staff"))
        staff = [(i.part, i.staff) for i in involvements if i.staff_id]
        service_users = [i.service_user for i in case.involvements.select_related("service_user") if i.service_user_id]
        carers = list(CarerOrRelative.objects.filter(involvements__case=case).select_related("service_user"))
    else:  # opened before parts were recorded: the subjects are the people concerned
        staff = [(Part.CONCERNED, s) for s in case.subjects.all()]
        service_users = list(ServiceUser.objects.filter(cases=case))
        carers = []
    risks = _risks(case_current_assessment(case=case))
    decisions = set()
    if case.hr_referred_at is not None:
        decisions |= {CaseDecision.HR_REFERRED, CaseDecision.DISCIPLINARY}
    if (outcome or case.outcome) == Outcome.DISCIPLINARY:
        decisions.add(CaseDecision.DISCIPLINARY)
    return Situation(
        category_id=case.category_id,
        kinds=frozenset(d.kind for d in disclosures),
        staff_parts=frozenset(part for part, _ in staff),
        registered_parts=frozenset(part for part, member in staff if member.registration_body),
        vulnerable=RiskCondition.VULNERABLE in risks or _is_vulnerable(service_users, carers),
        risks=frozenset(risks),
        answers=frozenset(_answers(disclosures)),
        decisions=frozenset(decisions),
    )


def case_rule_effects(*, case: Case, outcome: str | None = None) -> RuleEffects:
    """What the rules say about this case now."""
    return rules_effects(situation=case_situation(case=case, outcome=outcome))


def case_prompts_raised(*, case: Case, outcome: str | None = None) -> list[str]:
    """StatutoryPrompt codes the rules raise for this case now, in StatutoryPrompt order.

    `outcome` lets case_close ask with the outcome being chosen (a disciplinary outcome can raise DBS).
    """
    return case_rule_effects(case=case, outcome=outcome).prompts


def case_prompts_unanswered(*, case: Case, outcome: str | None = None) -> list[str]:
    """Raised prompts with no answer yet."""
    answered = set(PromptAnswer.objects.filter(case=case).values_list("prompt", flat=True))
    return [code for code in case_prompts_raised(case=case, outcome=outcome) if code not in answered]
