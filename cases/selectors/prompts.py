"""Which statutory prompts a case raises, from the category and a cited rule table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from cases.models import (
    Case,
    Outcome,
    PromptAnswer,
    RiskAssessment,
)
from cases.selectors.risk import case_current_assessment, risk_band_for
from people.models import StaffMember
from policies.models import Part, StatutoryPrompt


@dataclass(frozen=True)
class PromptRule:
    """A fact about a case and the statutory routes it makes the reviewer consider."""

    when: str  # a key of _FACTS below
    prompts: tuple[str, ...]
    source: str  # the policy clause, as cited in docs/cases.md


P = StatutoryPrompt


# The category's own prompts come from BoundaryCategory.statutory_prompts (policies migration 0002).
# These rules add prompts from what the risk assessment and the people involved show.
PROMPT_RULES: tuple[PromptRule, ...] = (
    # seed 002 §5.6 "a referral made for investigation under safeguarding procedures"; §7.6 "There must
    # be consideration of the use of safeguarding process"; a child or an adult at risk also brings the
    # LADO (child) / PiPoT (adult) route for a person in a position of trust.
    PromptRule("factor_vulnerable", (P.SAFEGUARDING_REFERRAL, P.LADO_PIPOT), "seed 002 §5.6, §7.6"),
    # seed 002 §6.3.1: sexual boundaries "could constitute offences under Sexual Offences Act 2003 and
    # will be reported immediately to the police"; §5.6 safeguarding procedures.
    PromptRule("factor_sexual", (P.POLICE, P.SAFEGUARDING_REFERRAL), "seed 002 §6.3.1, §5.6"),
    # seed 002 §6.3.5–6.3.6: financial dealings with service users; financial abuse is a safeguarding matter.
    PromptRule("factor_financial", (P.SAFEGUARDING_REFERRAL,), "seed 002 §6.3.5–6.3.6, §5.6"),
    # seed 002 §7.2, §7.5: repeated breaches call for "investigation under the disciplinary policy".
    PromptRule("factor_repeated", (P.HR_INVESTIGATION,), "seed 002 §7.2, §7.5"),
    # seed 002 §5.6 "reported to ... their professional body"; §6.4 "a referral to professional
    # registration bodies".
    PromptRule("subject_registered", (P.REGULATOR,), "seed 002 §5.6, §6.4"),
    # seed 002 §7.5 "Serious Incident Report (SI)": harm, or high risk of it, to a child or adult at risk.
    PromptRule("high_risk_to_vulnerable", (P.SERIOUS_INCIDENT,), "seed 002 §7.5"),
    # seed 002 §5.6 "the Disclosure and Barring Service (DBS)": the duty arises when a child or adult at
    # risk may have been harmed and the worker may be dismissed or removed from the work.
    PromptRule("possible_removal_after_harm", (P.DBS,), "seed 002 §5.6"),
    # seed 002 §7.5 "Where a disciplinary investigation is deemed to be necessary the Human Resources
    # Department should be contacted immediately".
    PromptRule("hr_referred", (P.HR_INVESTIGATION,), "seed 002 §7.5"),
)


# Prompts about a member of staff's own conduct: raised only when a member of staff is the person concerned,
# never for someone harmed or affected (seed 001 "Sexualised behaviour"; seed 002 §7.5).
STAFF_PROMPTS = frozenset({P.HR_INVESTIGATION, P.REGULATOR, P.DBS})


def staff_concerned(*, case: Case) -> QuerySet[StaffMember]:
    """The members of staff whose conduct the case is about (their part: "Person concerned"). A case with
    no record of parts (opened before parts were recorded) counts its subjects."""
    if not case.involvements.exists():
        return case.subjects.all()
    return StaffMember.objects.filter(pk__in=case.involvements.filter(part=Part.CONCERNED).values("staff"))


def _case_facts(*, case: Case, assessment: RiskAssessment | None, outcome: str | None) -> set[str]:

    facts: set[str] = set()
    if assessment is not None:
        facts |= {name for name in RiskAssessment.FACTOR_FIELDS if getattr(assessment, name)}
        band = risk_band_for(assessment.score)
        if assessment.factor_vulnerable and band is not None and band.is_high:
            facts.add("high_risk_to_vulnerable")
    if staff_concerned(case=case).exclude(registration_body="").exists():
        facts.add("subject_registered")
    removal = case.hr_referred_at is not None or (outcome or case.outcome) == Outcome.DISCIPLINARY
    if removal and "factor_vulnerable" in facts:
        facts.add("possible_removal_after_harm")
    if case.hr_referred_at is not None:
        facts.add("hr_referred")
    return facts


def case_prompts_raised(*, case: Case, outcome: str | None = None) -> list[str]:
    """StatutoryPrompt codes the category and the current assessment raise, in StatutoryPrompt order.

    `outcome` lets case_close ask with the outcome being chosen (a disciplinary outcome can raise DBS).
    """
    raised = {code for code in (case.category.statutory_prompts or []) if code in StatutoryPrompt.values}
    facts = _case_facts(case=case, assessment=case_current_assessment(case=case), outcome=outcome)
    for rule in PROMPT_RULES:
        if rule.when in facts:
            raised |= set(rule.prompts)
    if "hr_referred" not in facts and not staff_concerned(case=case).exists():
        raised -= STAFF_PROMPTS
    return [code for code in StatutoryPrompt.values if code in raised]


def case_prompts_unanswered(*, case: Case, outcome: str | None = None) -> list[str]:
    """Raised prompts with no answer yet."""
    answered = set(PromptAnswer.objects.filter(case=case).values_list("prompt", flat=True))
    return [code for code in case_prompts_raised(case=case, outcome=outcome) if code not in answered]
