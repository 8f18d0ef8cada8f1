"""Report test data built straight as rows (the case workflow's services are not under test here).

Times are given in UTC ("2026-04-02T10:00") unless a test says otherwise."""

import datetime
import itertools

from cases.models import Action, ActionTemplate, Case, PromptAnswer, RiskAssessment
from disclosures.models import Disclosure
from policies.models import BoundaryCategory

_numbers = itertools.count(1)


def at(text: str) -> datetime.datetime:
    """An aware datetime from ISO text; UTC unless the text has an offset."""
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def category(n: int = 0) -> BoundaryCategory:
    return BoundaryCategory.objects.order_by("order", "pk")[n]


def make_case(*, team, opened, category_obj=None, subjects=(), **fields) -> Case:
    opened_at = at(opened)
    fields.setdefault("acknowledge_by_date", opened_at.date() + datetime.timedelta(days=7))
    for name in ("acknowledged_at", "closed_at", "hr_referred_at"):
        if isinstance(fields.get(name), str):
            fields[name] = at(fields[name])
    if fields.get("closed_at") and "status" not in fields:
        fields["status"] = Case.Status.CLOSED
    if fields.get("status") == Case.Status.CLOSED:
        fields.setdefault("outcome", "guidance")
    case = Case.objects.create(
        reference=f"C-TEST-{next(_numbers):05d}",
        team=team,
        category=category_obj or category(0),
        opened_at=opened_at,
        **fields,
    )
    if subjects:
        case.subjects.set(subjects)
    return case


def make_disclosure(*, case, kind, submitted=None, reporter, narrative="", **fields) -> Disclosure:
    if submitted is None:
        return Disclosure.objects.create(kind=kind, reporter=reporter, narrative=narrative, **fields)
    return Disclosure.objects.create(
        kind=kind,
        reporter=reporter,
        narrative=narrative,
        status=Disclosure.Status.SUBMITTED,
        reference=f"D-TEST-{next(_numbers):05d}",
        submitted_at=at(submitted),
        category=case.category,
        case=case,
        **fields,
    )


def assess(case, *, by, at_text, likelihood, consequence, **fields) -> RiskAssessment:
    return RiskAssessment.objects.create(
        case=case,
        assessed_by=by,
        assessed_at=at(at_text),
        likelihood=likelihood,
        consequence=consequence,
        residual_likelihood=1,
        residual_consequence=1,
        **fields,
    )


def answer(case, *, prompt, made, on, by, reason="Considered.") -> PromptAnswer:
    return PromptAnswer.objects.create(
        case=case,
        prompt=prompt,
        referral_made=made,
        reason=reason,
        answered_by=by,
        answered_date=datetime.date.fromisoformat(on),
    )


def action(case, *, due, by, status=Action.Status.OPEN, created="2026-04-01T09:00", completed=None, details=""):
    return Action.objects.create(
        case=case,
        template=ActionTemplate.objects.order_by("order")[0],
        owner=by,
        created_by=by,
        due_date=datetime.date.fromisoformat(due),
        status=status,
        created_at=at(created),
        completed_at=at(completed) if completed else None,
        details=details,
    )
