import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.models import Assignment, Relationship
from people.services import assignment_create, staff_save, staff_set_line_manager
from people.tests.factories import CarerFactory, RelationshipFactory, ServiceUserFactory, StaffMemberFactory

# --- line management --------------------------------------------------------------------------------


def test_a_worker_cannot_be_made_their_own_line_manager(org):
    with pytest.raises(ValidationError, match="cannot be their own line manager"):
        staff_set_line_manager(staff=org.worker, manager=org.worker, actor=org.administrator)
    org.worker.refresh_from_db()
    assert org.worker.line_manager == org.manager


def test_the_database_also_refuses_a_worker_as_their_own_line_manager(org):
    """DI-03: the invariant holds even if a caller skips the service."""
    org.worker.line_manager = org.worker
    with pytest.raises(IntegrityError), transaction.atomic():
        org.worker.save()


def test_a_manager_cannot_be_put_under_someone_they_manage_directly(org):
    with pytest.raises(ValidationError, match="would make a loop") as refused:
        staff_set_line_manager(staff=org.manager, manager=org.worker, actor=org.administrator)
    assert org.worker.full_name in str(refused.value)
    org.manager.refresh_from_db()
    assert org.manager.line_manager == org.senior


def test_a_manager_cannot_be_put_under_someone_three_levels_below_them(org):
    trainee = StaffMemberFactory(line_manager=org.worker)  # senior > manager > worker > trainee
    with pytest.raises(ValidationError, match="would make a loop"):
        staff_set_line_manager(staff=org.senior, manager=trainee, actor=org.administrator)
    org.senior.refresh_from_db()
    assert org.senior.line_manager is None


def test_a_change_of_line_manager_is_saved_with_who_made_it_in_the_history(org):
    staff_set_line_manager(staff=org.worker, manager=org.other_manager, actor=org.administrator)
    org.worker.refresh_from_db()
    assert org.worker.line_manager == org.other_manager
    latest = org.worker.history.first()
    assert latest.history_user == org.administrator
    assert latest.history_change_reason == "people.staff.line_manager_changed"


def test_saving_a_leaver_switches_their_log_in_off_and_a_returner_back_on(org):
    org.worker.is_active = False
    staff_save(staff=org.worker, actor=org.administrator)
    org.worker.user.refresh_from_db()
    assert org.worker.user.is_active is False
    org.worker.is_active = True
    staff_save(staff=org.worker, actor=org.administrator)
    org.worker.user.refresh_from_db()
    assert org.worker.user.is_active is True


# --- assignments and the relationships register (seed 000 §4.2, seed 004) --------------------------


@pytest.fixture
def service_user(org):
    return ServiceUserFactory(team=org.north_a, initials="JB")


def test_a_worker_with_a_declared_relationship_with_the_service_user_cannot_be_their_key_worker(org, service_user):
    RelationshipFactory(staff=org.worker, service_user=service_user)
    with pytest.raises(ValidationError) as refused:
        assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    message = " ".join(refused.value.messages)
    assert "cannot be key worker for JB" in message
    assert "declared a personal relationship" in message
    assert "should not be their key worker" in message
    assert not Assignment.objects.filter(service_user=service_user).exists()


def test_the_refusal_does_not_say_what_kind_of_relationship_it_is(org, service_user):
    """AC-07: whoever assigns (often an administrator) is not told the register's content."""
    RelationshipFactory(staff=org.worker, service_user=service_user, kind=Relationship.Kind.ROMANTIC)
    with pytest.raises(ValidationError) as refused:
        assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    assert "romantic" not in str(refused.value).lower()


def test_a_relationship_with_the_service_users_carer_also_blocks_key_working(org, service_user):
    carer = CarerFactory(service_user=service_user)
    RelationshipFactory(staff=org.worker, counterpart=Relationship.Counterpart.CARER, service_user=None, carer=carer)
    with pytest.raises(ValidationError, match="cannot be key worker"):
        assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)


def test_a_managed_relationship_still_blocks_key_working(org, service_user):
    RelationshipFactory(staff=org.worker, service_user=service_user, status=Relationship.Status.MANAGED)
    with pytest.raises(ValidationError):
        assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)


def test_an_ended_relationship_does_not_block_key_working(org, service_user):
    RelationshipFactory(staff=org.worker, service_user=service_user, status=Relationship.Status.ENDED)
    assignment = assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    assert assignment.staff == org.worker


def test_seed_004_a_worker_who_knows_the_service_user_cannot_be_their_support_worker_either(org, service_user):
    """seed 004: "should not be given the role of support worker with that individual"."""
    RelationshipFactory(staff=org.worker, service_user=service_user)
    with pytest.raises(ValidationError, match="cannot be support worker for JB"):
        assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.SUPPORT_WORKER)


def test_a_relationship_with_someone_else_does_not_block(org, service_user):
    RelationshipFactory(staff=org.worker, service_user=ServiceUserFactory())
    RelationshipFactory(staff=org.colleague, service_user=service_user)
    assignment = assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    assert assignment.staff == org.worker


def test_a_new_key_worker_takes_over_and_the_previous_assignment_is_ended(org, service_user):
    first = assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    second = assignment_create(
        staff=org.colleague, service_user=service_user, role=Assignment.Role.KEY_WORKER, actor=org.administrator
    )
    first.refresh_from_db()
    assert first.end_date is not None
    assert second.end_date is None
    assert first.history.first().history_change_reason == "people.assignment.ended"


def test_assigning_the_same_key_worker_again_changes_nothing(org, service_user):
    first = assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    again = assignment_create(staff=org.worker, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    assert again == first
    assert Assignment.objects.filter(service_user=service_user).count() == 1
