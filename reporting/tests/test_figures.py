"""Figures of 2026-Q2 on the known data set (conftest.dataset), each worked out by hand."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from disclosures.tests.factories import disclosure_file
from people.tests.factories import CarerFactory
from reporting.periods import Quarter
from reporting.selectors import NOT_ASSESSED, report_figures
from reporting.tests.conftest import Q2
from reporting.tests.factories import make_case


@pytest.fixture
def counts(dataset):
    return report_figures(quarter=Q2).counts


def test_cases_opened_closed_and_open_at_the_quarter_end(dataset, counts):
    # Opened in Q2: c2, c3 and c4 (23:30 London time on 30 June); c5 opened at 00:30 on 1 July.
    assert counts["q4.opened"] == 3
    # Closed in Q2: c1 (15 April) and c2 (2 May).
    assert counts["q4.closed"] == 2
    # Open at the end: c3 and c4.
    assert counts["q4.open_end"] == 2
    # The quarter before: c1 opened, c6 closed, c1 open at its end.
    assert (counts["q3.opened"], counts["q3.closed"], counts["q3.open_end"]) == (1, 1, 1)
    # 2025-Q4: c6 opened and still open at its end.
    assert (counts["q2.opened"], counts["q2.closed"], counts["q2.open_end"]) == (1, 0, 1)


def test_disclosures_by_kind_count_submitted_ones_only(dataset, counts):
    assert counts["q4.disclosures"] == 3  # the draft and July's are not counted
    assert counts["disclosures.kind.self_declaration"] == 1
    assert counts["disclosures.kind.concern"] == 1
    assert counts["disclosures.kind.incident"] == 1
    assert counts["disclosures.kind.variation"] == 0


def test_breakdowns_by_category_team_priority_and_band(dataset, org, counts):
    c1, c2 = dataset.cat1.pk, dataset.cat2.pk
    assert [counts[f"{col}.category.{c1}"] for col in ("opened", "closed", "open_end")] == [1, 2, 0]
    assert [counts[f"{col}.category.{c2}"] for col in ("opened", "closed", "open_end")] == [2, 0, 2]
    a, s = org.north_a.pk, org.south.pk
    assert [counts[f"{col}.team.{a}"] for col in ("opened", "closed", "open_end")] == [1, 2, 0]
    assert [counts[f"{col}.team.{s}"] for col in ("opened", "closed", "open_end")] == [2, 0, 2]
    assert [counts[f"opened.priority.{p}"] for p in ("urgent", "high", "normal")] == [1, 1, 1]
    # c2 scored 1×2 = 2 (low); c3 4×4 = 16 (extreme; its 5×5 in July comes too late); c1, c4 not assessed.
    assert [counts[f"opened.band.{b}"] for b in ("low", "moderate", "high", "extreme", NOT_ASSESSED)] == [1, 0, 0, 1, 1]
    assert counts["closed.band.low"] == 1 and counts[f"closed.band.{NOT_ASSESSED}"] == 1
    assert counts["open_end.band.extreme"] == 1 and counts[f"open_end.band.{NOT_ASSESSED}"] == 1


def test_outcomes_and_referrals(dataset, counts):
    assert counts["closed.outcome.guidance"] == 1 and counts["closed.outcome.training"] == 1
    assert counts["closed.outcome.none"] == 0
    assert counts["referral.police"] == 1
    assert counts["referral.dbs"] == 0  # considered, not made
    assert counts["referral.safeguarding_referral"] == 1  # c1's was answered in March
    assert counts["referral.hr_investigation"] == 1  # c3 referred to HR on 5 May


def test_timeliness_medians_and_deadlines(dataset):
    raw = report_figures(quarter=Q2)
    # Acknowledged in Q2: c2 after 1 day (deadline 9 April: in time), c3 after 10 days (deadline 17 April: late).
    assert (raw.counts["ack.count"], raw.counts["ack.within"], raw.counts["ack.late"]) == (2, 1, 1)
    assert raw.medians["ack"] == 5.5
    # Closed in Q2: c1 after 95 days, c2 after 30; the target is 90 days.
    assert (raw.counts["close.within"], raw.counts["close.late"]) == (1, 1)
    assert raw.medians["close"] == 62.5


def test_overdue_reviews_and_actions_at_the_quarter_end(dataset, counts):
    assert counts["overdue.reviews"] == 1  # c3's review of 1 June; c2's was closed
    assert counts["overdue.actions"] == 2  # due 15 June and open; due 1 June and done on 2 July


def test_workers_with_two_or_more_cases_in_twelve_months(dataset, counts):
    # worker: c1 and c2; other_manager: c6 (in the window) and c5 (after it); colleague: c3 only.
    assert counts["workers.repeat"] == 1


def test_policy_compliance_by_team_uses_the_compliance_selector(dataset, org, counts):
    a = org.north_a.pk
    assert (counts[f"staff.team.{a}"], counts[f"due.team.{a}"], counts[f"made.team.{a}"]) == (3, 3, 1)
    assert counts["staff.total"] == 8 and counts["made.total"] == 1 and counts["out.total"] == 7


def test_approved_lessons_only(dataset, org):
    from reporting.services import lesson_review_save

    assert report_figures(quarter=Q2).lessons == []  # c1's lessons are not reviewed
    lesson_review_save(
        case=dataset.c1, decision="edited", text="Check gifts policy at induction.", actor=org.safeguarding.user
    )
    assert report_figures(quarter=Q2).lessons == ["Check gifts policy at induction."]
    dataset.c1.lessons = "Changed after the review."
    dataset.c1.save()
    assert report_figures(quarter=Q2).lessons == []  # a stale review publishes nothing


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(dataset, org):
    with CaptureQueriesContext(connection) as few:
        report_figures(quarter=Q2)
    for n in range(30):
        make_case(team=org.south, opened=f"2026-05-{n % 28 + 1:02d}T09:00", subjects=[org.worker])
    with CaptureQueriesContext(connection) as many:
        report_figures(quarter=Q2)
    assert len(many) == len(few) <= 28, [q["sql"][:80] for q in many.captured_queries]


def test_days_from_opening_to_closing_are_whole_calendar_days_in_uk_time(org, db):
    """The stated definition: calendar days between the UK dates, not hours divided by 24."""
    # 23:30 on 1 May to 00:30 on 2 May (UK time): 1 day, though only an hour passed.
    make_case(team=org.south, opened="2026-05-01T23:30+01:00", closed_at="2026-05-02T00:30+01:00")
    # 08:00 to 20:00 the same day: 0 days.
    make_case(team=org.south, opened="2026-05-04T08:00+01:00", closed_at="2026-05-04T20:00+01:00")
    # 20:00 on 4 May to 08:00 on 7 May: 3 days (60 hours would be 2.5).
    make_case(team=org.south, opened="2026-05-04T20:00+01:00", closed_at="2026-05-07T08:00+01:00")
    raw = report_figures(quarter=Q2)
    assert raw.medians["close"] == 1  # 0, 1, 3
    make_case(team=org.south, opened="2026-05-10T23:00+01:00", closed_at="2026-05-14T01:00+01:00")  # 4 days
    assert report_figures(quarter=Q2).medians["close"] == 2  # 0, 1, 3, 4: the mean of the middle two


def test_acknowledgement_days_are_whole_calendar_days_too(org, db):
    make_case(team=org.south, opened="2026-05-01T23:30+01:00", acknowledged_at="2026-05-02T00:10+01:00")
    assert report_figures(quarter=Q2).medians["ack"] == 1


def test_gifts_are_counted_by_what_became_of_them_and_plans_by_their_decision(org):
    """The report counts gifts declared and their outcomes, and variation decisions (docs/reporting.md)."""
    carer = CarerFactory()

    def gift(reporter, value, response):
        return disclosure_file(
            reporter=reporter,
            category_code="gifts-money",
            service_users=[carer.service_user],
            carers=[carer],
            details={"item": "Cash", "approx_value": value, "from_whom": "carer", "response": response},
        )

    gift(org.worker, "10", "declined")
    kept = gift(org.colleague, "80", "accepted")
    services.case_gift_decide(
        case=kept.case, actor=org.manager.user, disclosure_reference=kept.reference, decision="return", note="Back."
    )
    plan = disclosure_file(
        reporter=org.worker,
        kind="variation",
        category_code="variation-request",
        narrative="",
        details={"when": (timezone.localdate() + datetime.timedelta(days=9)).isoformat()},
    )
    services.variation_decide(case=plan.case, actor=org.manager.user, decision="declined", reason="Not this time.")
    counts = report_figures(quarter=Quarter.containing(timezone.localdate())).counts
    assert (counts["gift.declined"], counts["gift.returned"], counts["gift.accepted"]) == (1, 1, 0)
    assert counts["variation.declined"] == 1 and counts["variation.agreed"] == 0
