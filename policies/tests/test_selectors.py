"""What waits for whom, compliance per team, reviews due and category guidance."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.tests.factories import StaffMemberFactory
from policies.models import BoundaryCategory, PolicyVersion
from policies.selectors import (
    acknowledgement_compliance,
    category_guidance_sections,
    compliance_staff_for,
    policy_list_for,
    policy_versions_awaiting_acknowledgement,
    policy_versions_review_due,
    staff_not_acknowledged,
)
from policies.services import (
    category_policy_sections_set,
    policy_acknowledge,
    policy_version_import,
    policy_version_update,
)
from policies.tests.factories import GIFTS_V2, import_and_publish

pytestmark = pytest.mark.django_db


def test_a_new_active_version_asks_for_acknowledgement_again(org):
    first = import_and_publish(actor=org.administrator)
    assert list(policy_versions_awaiting_acknowledgement(user=org.worker.user)) == [first]
    policy_acknowledge(version=first, user=org.worker.user)
    assert not policy_versions_awaiting_acknowledgement(user=org.worker.user).exists()
    second = import_and_publish(title=first.policy.title, source=GIFTS_V2, label="2.0", actor=org.administrator)
    assert list(policy_versions_awaiting_acknowledgement(user=org.worker.user)) == [second]


def test_drafts_are_listed_for_administrators_only(org):
    policy_version_import(title="Draft only", source=GIFTS_V2)
    assert not policy_list_for(org.worker.user).exists()
    assert [p.title for p in policy_list_for(org.administrator)] == ["Draft only"]


def test_accounts_without_a_staff_record_have_nothing_to_acknowledge(org):
    import_and_publish(actor=org.administrator)
    assert not policy_versions_awaiting_acknowledgement(user=org.committee).exists()


def test_compliance_counts_per_team_and_policy_version(org):
    version = import_and_publish(actor=org.administrator)
    policy_acknowledge(version=version, user=org.worker.user)
    rows = acknowledgement_compliance(staff_qs=compliance_staff_for(org.senior.user))
    figures = {(r.team_name, r.version_id): (r.staff_count, r.acknowledged_count, r.outstanding_count) for r in rows}
    # Below the senior manager: manager (North A), worker and colleague (North A).
    assert figures == {("North A", version.pk): (3, 1, 2)}
    outstanding = staff_not_acknowledged(staff_qs=compliance_staff_for(org.senior.user), version=version)
    assert {s.user.username for s in outstanding} == {"manager", "colleague"}


def test_a_line_manager_sees_only_the_people_below_them_and_an_administrator_everyone(org):
    import_and_publish(actor=org.administrator)
    assert set(compliance_staff_for(org.manager.user)) == {org.worker, org.colleague}
    assert not compliance_staff_for(org.other_manager.user).exists()
    assert not compliance_staff_for(org.worker.user).exists()
    teams = {r.team_name for r in acknowledgement_compliance(staff_qs=compliance_staff_for(org.administrator))}
    assert teams == {"North", "North A", "South", "Central"}


def test_compliance_takes_the_same_number_of_queries_for_one_or_many_staff(org):
    """Counts are database aggregates, not a loop over staff."""
    import_and_publish(actor=org.administrator)
    import_and_publish(title="Another policy", actor=org.administrator)
    staff_qs = compliance_staff_for(org.administrator)
    with CaptureQueriesContext(connection) as few:
        acknowledgement_compliance(staff_qs=staff_qs)
    StaffMemberFactory.create_batch(15, team=org.north_a, line_manager=org.manager)
    with CaptureQueriesContext(connection) as many:
        rows = acknowledgement_compliance(staff_qs=staff_qs)
    assert len(many) == len(few) == 3
    assert sum(r.staff_count for r in rows if r.team_name == "North A") == 2 * 18


def test_reviews_due_lists_versions_near_or_past_their_date(org):
    today = datetime.date(2026, 6, 1)
    soon = import_and_publish(title="Soon", actor=org.administrator, next_review_date=datetime.date(2026, 6, 20))
    late = import_and_publish(title="Late", actor=org.administrator, next_review_date=datetime.date(2026, 1, 1))
    import_and_publish(title="Later", actor=org.administrator, next_review_date=datetime.date(2027, 1, 1))
    policy_version_import(title="Draft", source=GIFTS_V2, next_review_date=datetime.date(2026, 1, 1))
    assert list(policy_versions_review_due(within_days=30, today=today)) == [late, soon]
    assert late.review_is_overdue(today) and not soon.review_is_overdue(today)
    policy_version_update(version=late, actor=org.administrator, next_review_date=datetime.date(2027, 6, 1))
    assert list(policy_versions_review_due(within_days=30, today=today)) == [soon]


def test_category_guidance_shows_only_sections_of_active_versions(org):
    first = import_and_publish(actor=org.administrator)
    gifts = BoundaryCategory.objects.get(code="gifts-money")
    category_policy_sections_set(category=gifts, sections=[first.sections.get(number="1.1")], actor=org.administrator)
    assert [s.version_id for s in category_guidance_sections(category=gifts)] == [first.pk]
    second = import_and_publish(title=first.policy.title, source=GIFTS_V2, label="2.0", actor=org.administrator)
    guidance = list(category_guidance_sections(category=gifts))
    assert [(s.version_id, s.number) for s in guidance] == [(second.pk, "1.1")]
    assert guidance[0].version.status == PolicyVersion.Status.ACTIVE
