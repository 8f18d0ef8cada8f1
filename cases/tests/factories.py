"""Build cases in any state through the real services (STYLE.md "Tests"): routing, timeline,
history, outbox and audit rows are the ones production makes."""

import datetime

from django.utils import timezone

from cases import services
from cases.models import ActionTemplate, Case, Outcome
from cases.selectors import case_prompts_unanswered
from disclosures.tests.factories import disclosure_file
from policies.models import DisclosureKind


def template(code: str) -> ActionTemplate:
    """One of the action templates seeded by cases migration 0003."""
    return ActionTemplate.objects.get(code=code)


def gift_case(org, **kwargs) -> Case:
    """A low-key self-declaration by org.worker (gifts), reviewed by org.manager."""
    return disclosure_file(reporter=org.worker, category_code=kwargs.pop("category_code", "gifts-money"), **kwargs).case


def concern_case(org, *, category_code: str = "discrimination", subject=None, **kwargs) -> Case:
    """org.worker raises a concern about org.colleague; org.manager reviews."""
    return disclosure_file(
        reporter=org.worker,
        kind=DisclosureKind.CONCERN,
        category_code=category_code,
        subjects=[subject or org.colleague],
        **kwargs,
    ).case


def assess(case: Case, actor, *, likelihood=2, consequence=2, **factors):
    """A risk assessment; low (2×2 = 4, Moderate) unless told otherwise."""
    return services.case_assess(
        case=case,
        actor=actor,
        likelihood=likelihood,
        consequence=consequence,
        residual_likelihood=1,
        residual_consequence=1,
        factors={f"factor_{k}": v for k, v in factors.items()},
    )


def answer_all_prompts(case: Case, actor, outcome: str = Outcome.GUIDANCE) -> None:
    for prompt in case_prompts_unanswered(case=case, outcome=outcome):
        services.prompt_answer(
            case=case, actor=actor, prompt=prompt, referral_made=False, reason="Considered; threshold not met."
        )


def close(case: Case, actor, outcome: str = Outcome.GUIDANCE) -> Case:
    """Answer whatever prompts are raised, then ask to close."""
    answer_all_prompts(case, actor, outcome)
    return services.case_close(
        case=case,
        actor=actor,
        outcome=outcome,
        outcome_notes="Talked it through in supervision.",
        summary_for_reporter="Thank you; this has been dealt with.",
    )


def drive_to(case: Case, status: str, *, reviewer, signer=None) -> Case:
    """Move a fresh case to `status` through the services, as a reviewer would."""
    if status == Case.Status.NEW:
        return case
    case = services.case_acknowledge(case=case, actor=reviewer)
    if status == Case.Status.FACT_FINDING:
        return case
    if status in (Case.Status.CLOSURE_REVIEW, Case.Status.CLOSED):
        case = close(case, reviewer)
        if status == Case.Status.CLOSED and case.status == Case.Status.CLOSURE_REVIEW:
            case = services.case_sign_off(case=case, actor=signer)
        assert case.status == status, (case.status, status)
        return case
    assess(case, reviewer)
    case = services.case_start_action_plan(case=case, actor=reviewer)
    if status == Case.Status.ACTION_PLAN:
        return case
    services.case_set_review_date(
        case=case, actor=reviewer, next_review_date=timezone.localdate() + datetime.timedelta(days=28)
    )
    return services.case_start_monitoring(case=case, actor=reviewer)
