"""The case page and the queue take a fixed number of queries however much a case holds, and the case
page's timeline is folded after the latest 50 entries (docs/performance.md).

State is built through the real services, as production builds it; each count is taken after one
warm-up request (per-process caches).
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.tests.factories import assess, drive_to, gift_case, template


def _queries(client, path) -> list[str]:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _grow(case: Case, actor, owner, n: int) -> None:
    """n more actions, assessments, reviews and notes (each also writes history and timeline rows)."""
    for i in range(n):
        assess(case, actor, likelihood=1 + i % 5, consequence=2)
        services.action_add(case=case, actor=actor, template=template("supervision"), owner=owner)
        case.refresh_from_db()
        services.review_record(
            case=case, actor=actor, notes=f"Review {i}", next_review_date=timezone.localdate() + datetime.timedelta(7)
        )
        case.refresh_from_db()
        services.case_note_add(case=case, actor=actor, text=f"Note {i}")
        case.refresh_from_db()


def test_the_case_page_takes_the_same_queries_with_1_or_8_of_everything(client, org):
    """Actions, assessments, reviews, timeline entries and history rows grow; the query count does not."""
    reviewer = org.manager.user
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=reviewer)
    client.force_login(reviewer)
    path = reverse("cases:detail", args=[case.pk])
    _grow(case, reviewer, org.manager, 1)
    one = _queries(client, path)
    _grow(case, reviewer, org.manager, 7)
    assert case.actions.count() == 8 and case.reviews.count() == 8
    assert case.history.count() > 16 and case.timeline.count() > 24
    eight = _queries(client, path)
    assert len(eight) == len(one), "\n".join(q[:160] for q in eight)


def test_the_history_page_takes_the_same_queries_with_1_or_8_of_everything(client, org):
    reviewer = org.manager.user
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=reviewer)
    client.force_login(reviewer)
    path = reverse("cases:history", args=[case.pk])
    _grow(case, reviewer, org.manager, 1)
    one = _queries(client, path)
    _grow(case, reviewer, org.manager, 7)
    assert len(_queries(client, path)) == len(one)


def test_the_timeline_shows_the_latest_50_entries_and_offers_the_rest(client, org):
    reviewer = org.manager.user
    case = drive_to(gift_case(org), Case.Status.FACT_FINDING, reviewer=reviewer)
    for i in range(60):
        services.case_note_add(case=case, actor=reviewer, text=f"Timeline note number {i:02d}")
        case.refresh_from_db()
    total = case.timeline.count()
    client.force_login(reviewer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Timeline note number 59" in page
    assert "Timeline note number 00" not in page
    assert f"Show the whole timeline ({total} entries)" in page
    whole = client.get(reverse("cases:detail", args=[case.pk]), {"timeline": "all"}).content.decode()
    assert "Timeline note number 00" in whole and "Timeline note number 59" in whole
    assert "Show the whole timeline" not in whole


def _cases_for_manager(org, n: int) -> None:
    """n more cases reviewed by the manager, each from a different worker (no attaching)."""
    from disclosures.tests.factories import disclosure_file
    from people.tests.factories import StaffMemberFactory

    for i in range(n):
        reporter = StaffMemberFactory(team=org.north_a, line_manager=org.manager)
        disclosure_file(reporter=reporter, narrative=f"Gift number {i}.")


def test_the_digest_counts_are_one_aggregate_whatever_the_number_of_cases(org):
    """The daily digest's numbers for one person: the same queries for 1 case and for 12."""
    from cases.selectors import digest_counts_for

    gift_case(org)
    digest_counts_for(user=org.manager.user)  # warm the per-user caches (roles, staff record)
    with CaptureQueriesContext(connection) as one:
        first = digest_counts_for(user=org.manager.user, today=timezone.localdate() + datetime.timedelta(days=30))
    _cases_for_manager(org, 11)
    with CaptureQueriesContext(connection) as twelve:
        later = digest_counts_for(user=org.manager.user, today=timezone.localdate() + datetime.timedelta(days=30))
    assert first.acknowledgements_overdue == 1 and later.acknowledgements_overdue == 12
    assert len(twelve) == len(one)


def test_the_dashboard_takes_the_same_queries_for_1_and_12_cases(client, org):
    gift_case(org)
    client.force_login(org.manager.user)
    one = _queries(client, reverse("dashboard"))
    _cases_for_manager(org, 11)
    twelve = _queries(client, reverse("dashboard"))
    assert "12 new cases to acknowledge" in client.get(reverse("dashboard")).content.decode()
    assert len(twelve) == len(one), "\n".join(q[:160] for q in twelve)


def test_cases_excluding_agrees_with_case_exclusions_for_each_person(org):
    """The patterns page asks cases_excluding for a whole page; it must give case_exclusions' answer."""
    from cases.selectors.people import case_exclusions, cases_excluding
    from cases.tests.factories import concern_case

    cases = [gift_case(org), concern_case(org)]
    for staff in (org.worker, org.colleague, org.manager, org.senior):
        for case in cases:
            expected = staff.pk in case_exclusions(case=case)
            assert (case.pk in cases_excluding(staff=staff, case_ids=[case.pk])) == expected, (staff, case)
