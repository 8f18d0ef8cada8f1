"""What closing a case needs: a second person's sign-off, and what still stands in the way."""

from __future__ import annotations

from cases.models import (
    Case,
    Outcome,
)
from cases.selectors.gifts import case_gifts_undecided, gift_threshold
from cases.selectors.prompts import case_prompts_unanswered
from cases.selectors.risk import case_current_assessment, risk_band_for
from people.models import Relationship
from policies.models import StatutoryPrompt


def case_needs_sign_off(*, case: Case) -> bool:
    """High risk (current band is_high), safeguarding, a sexual element, or a category that always needs
    it (BoundaryCategory.needs_sign_off): a second person signs off (DESIGN §4)."""
    if case.is_safeguarding or case.category.needs_sign_off:
        return True
    assessment = case_current_assessment(case=case)
    if assessment is None:
        return False
    band = risk_band_for(assessment.score)
    return assessment.factor_sexual or (band is not None and band.is_high)


def case_closure_problems(*, case: Case, outcome: str = "", summary_for_reporter: str = "") -> list[str]:
    """What still stops the case closing, in words (DESIGN §4 guards); empty when it may close."""
    problems = []
    if outcome not in Outcome.values:
        problems.append("Choose an outcome.")
    if not (summary_for_reporter or "").strip():
        problems.append("Write a short summary the person who raised it may read.")
    unanswered = case_prompts_unanswered(case=case, outcome=outcome or None)
    if unanswered:
        labels = ", ".join(StatutoryPrompt(code).label for code in unanswered)
        problems.append(f"Answer every statutory prompt before closing: {labels}.")
    relationship = case.relationship
    if relationship is not None and relationship.status == Relationship.Status.DECLARED:
        problems.append(
            "The relationship continues: record the arrangement agreed in the relationships register, "
            "or record that it has ended."
        )
    elif relationship is not None and relationship.is_open and not relationship.arrangement.strip():
        problems.append("Record the arrangement agreed for the relationship that continues.")
    undecided = case_gifts_undecided(case=case)
    if undecided:
        references = ", ".join(g.reference for g in undecided)
        problems.append(f"Decide what happens to the gift worth more than £{gift_threshold()}: {references}.")
    return problems
