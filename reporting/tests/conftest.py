"""A known data set for 2026-Q2 (April to June 2026); the figures are worked out by hand in
test_figures.py. Every free-text and identity field holds a canary (CP-01)."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from cases.models import Action
from policies.models import Acknowledgement
from policies.tests.factories import import_and_publish
from reporting.periods import Quarter
from reporting.tests.factories import action, answer, assess, at, category, make_case, make_disclosure

Q2 = Quarter(2026, 2)
CANARY_NARRATIVE = "CANARY-NARRATIVE-7f3a"
CANARY_NOTES = "CANARY-OUTCOME-NOTES-91bc"
CANARY_LESSON_UNREVIEWED = "CANARY-LESSON-UNREVIEWED-5d2e"
CANARY_ACTION = "CANARY-ACTION-DETAILS-0a4f"
CANARY_REASON = "CANARY-PROMPT-REASON-c3d8"


@pytest.fixture
def dataset(org):
    """Six cases around 2026-Q2, five disclosures, assessments, referrals, actions, one policy."""
    worker, colleague, other = org.worker, org.colleague, org.other_manager
    # Canary names and initials on the people involved.
    for staff, first, last in ((worker, "Zebedee", "Quillfeather"), (colleague, "Xanthe", "Vorwerk")):
        staff.user.first_name, staff.user.last_name = first, last
        staff.user.save()
    a, s = org.north_a, org.south
    cat1, cat2 = category(0), category(1)
    c1 = make_case(
        team=a, opened="2026-01-10T12:00", acknowledged_at="2026-01-12T12:00", closed_at="2026-04-15T12:00",
        outcome="guidance", category_obj=cat1, subjects=[worker], outcome_notes=CANARY_NOTES,
        lessons=CANARY_LESSON_UNREVIEWED,
    )  # fmt: skip
    c2 = make_case(
        team=a, opened="2026-04-02T10:00", acknowledged_at="2026-04-03T10:00", closed_at="2026-05-02T10:00",
        outcome="training", category_obj=cat1, priority="high", subjects=[worker],
        next_review_date=datetime.date(2026, 5, 1), acknowledge_by_date=datetime.date(2026, 4, 9),
    )  # fmt: skip
    c3 = make_case(
        team=s, opened="2026-04-10T09:00", acknowledged_at="2026-04-20T09:00", status="action_plan",
        category_obj=cat2, priority="urgent", subjects=[colleague], next_review_date=datetime.date(2026, 6, 1),
        acknowledge_by_date=datetime.date(2026, 4, 17), hr_referred_at="2026-05-05T09:00",
    )  # fmt: skip
    # 23:30 London time on 30 June is still the second quarter; 00:30 on 1 July is not.
    c4 = make_case(team=s, opened="2026-06-30T23:30+01:00", category_obj=cat2)
    c5 = make_case(team=s, opened="2026-07-01T00:30+01:00", category_obj=cat2, subjects=[other])
    c6 = make_case(
        team=a, opened="2025-12-01T09:00", acknowledged_at="2025-12-02T09:00", closed_at="2026-03-01T09:00",
        category_obj=cat1, subjects=[other],
    )  # fmt: skip

    make_disclosure(case=c2, kind="self_declaration", submitted="2026-04-02T10:00", reporter=worker,
                    narrative=CANARY_NARRATIVE)  # fmt: skip
    make_disclosure(case=c3, kind="concern", submitted="2026-04-10T09:00", reporter=worker, narrative=CANARY_NARRATIVE)
    make_disclosure(case=c4, kind="incident", submitted="2026-06-30T23:30+01:00", reporter=colleague)
    make_disclosure(case=None, kind="incident", reporter=colleague, narrative=CANARY_NARRATIVE)  # a draft
    make_disclosure(case=c5, kind="incident", submitted="2026-07-01T09:00", reporter=colleague)

    manager = org.manager
    assess(c2, by=manager, at_text="2026-04-05T09:00", likelihood=1, consequence=2, mitigation=CANARY_NOTES)
    assess(c3, by=manager, at_text="2026-04-21T09:00", likelihood=4, consequence=4)
    assess(c3, by=manager, at_text="2026-07-05T09:00", likelihood=5, consequence=5)  # after the quarter

    answer(c2, prompt="police", made=True, on="2026-04-20", by=manager, reason=CANARY_REASON)
    answer(c2, prompt="dbs", made=False, on="2026-04-20", by=manager)
    answer(c3, prompt="safeguarding_referral", made=True, on="2026-05-01", by=manager)
    answer(c1, prompt="safeguarding_referral", made=True, on="2026-03-30", by=manager)  # first quarter

    action(c3, due="2026-06-15", by=manager, details=CANARY_ACTION)  # overdue at the end
    action(c3, due="2026-07-15", by=manager)  # not yet due
    action(c2, due="2026-06-01", by=manager, status=Action.Status.DONE, completed="2026-07-02T09:00")  # done late
    action(c2, due="2026-05-01", by=manager, status=Action.Status.DONE, completed="2026-04-30T09:00")  # done in time
    action(c2, due="2026-05-01", by=manager, status=Action.Status.CANCELLED)

    with time_machine.travel(at("2026-03-02T10:00"), tick=False):  # in force all through 2026-Q2
        version = import_and_publish(title="Professional boundaries", actor=org.administrator)
    Acknowledgement.objects.create(version=version, user=worker.user, acknowledged_at=at("2026-05-11T10:00"))
    return SimpleNamespace(c1=c1, c2=c2, c3=c3, c4=c4, c5=c5, c6=c6, cat1=cat1, cat2=cat2, version=version)
