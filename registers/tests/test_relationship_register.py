"""The relationships register page (docs/registers.md): who sees which entries, the arrangement and the review
date with overdue reviews, colleague relationships only through a case the viewer may open (seed 002 §10.4),
and a relationship declared by both workers shown as one entry for the pair and managed together."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from conftest import _staff
from disclosures.tests.factories import disclosure_file
from people.models import Relationship
from people.services import relationship_declare
from people.tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def register(org):
    su = ServiceUserFactory(team=org.north_a, reference="CR-70001", initials="JB")
    overdue = relationship_declare(
        staff=org.worker,
        counterpart=Relationship.Counterpart.SERVICE_USER,
        kind=Relationship.Kind.FRIEND,
        began=Relationship.Began.BEFORE,
        service_user=su,
        arrangement="Another worker supports JB.",
        next_review_date=TODAY - datetime.timedelta(days=3),
    )
    south_worker = _staff("south_worker", org.south, [], manager=org.other_manager)
    south = relationship_declare(
        staff=south_worker,
        counterpart=Relationship.Counterpart.PARTNER_AGENCY,
        kind=Relationship.Kind.FAMILY,
        began=Relationship.Began.BEFORE,
        partner_agency="Eastside Housing",
    )
    return type("Register", (), {"overdue": overdue, "south": south})


def _entries(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("registers:relationships"), params)
    if response.status_code != 200:
        return response, None
    return response, [row["entry"] for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("manager", {"overdue"}),
        ("senior", {"overdue"}),
        ("other_manager", {"south"}),
        ("safeguarding", {"overdue", "south"}),
        *[(p, None) for p in ("worker", "colleague", "hr", "guardian", "auditor", "committee", "administrator")],
    ],
)
def test_who_sees_which_entries(client, org, register, persona, sees):
    user = getattr(org, persona)
    response, entries = _entries(client, getattr(user, "user", user))
    if sees is None:
        assert response.status_code == 404
        return
    assert {e.main.pk for e in entries} == {getattr(register, name).pk for name in sees}


def test_the_arrangement_review_date_and_overdue_reviews_are_shown(client, org, register):
    response, entries = _entries(client, org.manager.user)
    body = response.content.decode()
    assert "Another worker supports JB." in body and "CR-70001 · JB" in body
    assert "1 review overdue" in body and "Overdue" in body
    _, only_overdue = _entries(client, org.safeguarding.user, overdue="yes")
    assert [e.main.pk for e in only_overdue] == [register.overdue.pk]


def _declare_each_other(org):
    """org.worker and org.colleague each declare their relationship (restricted to the parties, seed 002 §10.4)."""
    details = {"kind": "partner", "began": "during", "since": ""}
    first = disclosure_file(
        reporter=org.worker, category_code="relationship-between-workers", subjects=[org.colleague], details=details
    )
    second = disclosure_file(
        reporter=org.colleague, category_code="relationship-between-workers", subjects=[org.worker], details=details
    )
    return first.case, second.case


def test_a_relationship_declared_by_both_workers_is_one_entry_managed_together(client, org, register):
    case, other_case = _declare_each_other(org)
    assert case.is_restricted
    rows = Relationship.objects.filter(counterpart=Relationship.Counterpart.COLLEAGUE)
    assert rows.count() == 2
    reviewer = case.reviewer
    response, entries = _entries(client, reviewer.user)
    pairs = [e for e in entries if e.main.counterpart == Relationship.Counterpart.COLLEAGUE]
    assert len(pairs) == 1 and pairs[0].is_pair
    assert "Declared by both" in response.content.decode()
    # Managed together: the arrangement recorded through one case reaches both declarations.
    services.case_record_arrangement(
        case=case,
        actor=reviewer.user,
        arrangement="Not on the same shifts.",
        next_review_date=TODAY + datetime.timedelta(days=30),
    )
    assert set(rows.values_list("status", flat=True)) == {Relationship.Status.MANAGED}
    assert set(rows.values_list("arrangement", flat=True)) == {"Not on the same shifts."}


def test_colleague_relationships_appear_only_to_those_who_may_open_their_case(client, org, register):
    case, _ = _declare_each_other(org)
    for user in (org.senior.user, org.safeguarding.user, org.other_manager.user):
        _, entries = _entries(client, user)
        assert all(e.main.counterpart != Relationship.Counterpart.COLLEAGUE for e in entries), user.username
        assert org.colleague.full_name not in client.get(reverse("registers:relationships")).content.decode()
    # A colleague relationship with no case at all is shown to nobody on this page.
    relationship_declare(
        staff=org.senior,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        kind=Relationship.Kind.FAMILY,
        began=Relationship.Began.BEFORE,
        colleague=org.manager,
    )
    _, entries = _entries(client, org.safeguarding.user)
    assert all(e.main.counterpart != Relationship.Counterpart.COLLEAGUE for e in entries)


def test_ending_one_declaration_of_a_pair_ends_both(org):
    from people.services import relationship_end

    first = relationship_declare(
        staff=org.worker,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        kind=Relationship.Kind.PARTNER,
        began=Relationship.Began.DURING,
        colleague=org.colleague,
    )
    second = relationship_declare(
        staff=org.colleague,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        kind=Relationship.Kind.PARTNER,
        began=Relationship.Began.DURING,
        colleague=org.worker,
    )
    relationship_end(relationship=first, actor=org.manager.user, reason="test")
    second.refresh_from_db()
    assert second.status == Relationship.Status.ENDED
    assert second.history.first().history_change_reason == "test"
