import pytest

from people.models import Relationship
from people.selectors import (
    relationship_blocking_assignment,
    staff_managers_above,
    staff_named_in,
    staff_reports_below,
)
from people.tests.factories import RelationshipFactory, ServiceUserFactory, StaffMemberFactory, UserFactory


def test_managers_above_a_worker_are_listed_nearest_first(org):
    assert staff_managers_above(staff=org.worker) == [org.manager, org.senior]


def test_everyone_below_a_manager_at_any_depth(org):
    assert set(staff_reports_below(manager=org.senior)) == {org.manager, org.worker, org.colleague}
    assert set(staff_reports_below(manager=org.other_manager)) == set()


def _chain(depth):
    """A line-management chain `depth` levels deep under a top manager: [top, ..., bottom]."""
    people = [StaffMemberFactory()]
    for _ in range(depth):
        people.append(StaffMemberFactory(line_manager=people[-1]))
    return people


@pytest.mark.django_db
def test_a_chain_three_levels_deep_is_listed_nearest_first_above_and_whole_below():
    top, middle, lower, bottom = _chain(3)
    assert staff_managers_above(staff=bottom) == [lower, middle, top]
    assert staff_managers_above(staff=top) == []
    assert set(staff_reports_below(manager=top)) == {middle, lower, bottom}
    assert set(staff_reports_below(manager=lower)) == {bottom}
    assert list(staff_reports_below(manager=bottom)) == []


@pytest.mark.django_db
def test_the_chain_selectors_stop_at_a_loop_already_in_the_data_instead_of_hanging():
    """Loops are refused by the services; the selectors still terminate if one slipped into old data."""
    top, middle, bottom = _chain(2)
    top.line_manager = bottom
    top.save()  # deliberately bypassing staff_set_line_manager to simulate bad legacy data
    assert staff_managers_above(staff=bottom) == [middle, top]
    assert set(staff_reports_below(manager=top)) == {middle, bottom}


@pytest.mark.django_db
def test_an_ended_relationship_does_not_block_an_assignment_but_an_open_one_does():
    staff = StaffMemberFactory()
    service_user = ServiceUserFactory()
    RelationshipFactory(staff=staff, service_user=service_user, status=Relationship.Status.ENDED)
    assert relationship_blocking_assignment(staff=staff, service_user=service_user) is None
    managed = RelationshipFactory(staff=staff, service_user=service_user, status=Relationship.Status.MANAGED)
    assert relationship_blocking_assignment(staff=staff, service_user=service_user) == managed


@pytest.mark.django_db
def test_staff_named_in_finds_whole_full_names_whatever_the_case_or_punctuation():
    """The subject-notice check (DESIGN §6): whole first-and-last names, in the order written; never a
    username, a lone first or last name, or a name inside a longer word."""
    sam = StaffMemberFactory(user=UserFactory(username="sreed", first_name="Sam", last_name="Reed"))
    StaffMemberFactory(user=UserFactory(username="jo", first_name="Jo", last_name="O'Neil-Smith"))
    StaffMemberFactory(user=UserFactory(username="mononym", first_name="Cher", last_name=""))
    text = "JO O'NEIL-SMITH met Sam  Reed; sreed, Reed, Samuel Reeder and Cher were there."
    assert staff_named_in(text=text) == ["Jo O'Neil-Smith", "Sam Reed"]
    assert staff_named_in(text=text, exclude={sam.pk}) == ["Jo O'Neil-Smith"]
    assert staff_named_in(text="A support worker and sreed.") == []
