"""Roles are groups made by a data migration; helpers answer "has role X" and "is line manager of Y" (issue 2)."""

from django.contrib.auth.models import AnonymousUser, Group

from people.permissions import has_role, is_line_manager_of
from people.roles import Role


def test_the_migration_creates_one_group_per_role_and_nothing_else(db):
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    assert len(Role.values) == 9


def test_has_role_answers_for_the_roles_a_user_holds_and_no_others(org):
    assert has_role(org.manager.user, Role.LINE_MANAGER)
    assert not has_role(org.manager.user, Role.SENIOR_MANAGER)
    assert has_role(org.safeguarding.user, Role.SAFEGUARDING_LEAD)
    assert not has_role(AnonymousUser(), Role.WORKER)


def test_a_superuser_holds_no_role_by_being_a_superuser(org):
    """AC-07: roles are groups, never is_superuser."""
    assert not any(has_role(org.superuser, role) for role in Role)


def test_is_line_manager_of_means_the_direct_line_manager_only(org):
    assert is_line_manager_of(org.manager.user, org.worker)
    assert not is_line_manager_of(org.senior.user, org.worker)  # above, but not the direct manager
    assert not is_line_manager_of(org.other_manager.user, org.worker)
    assert not is_line_manager_of(org.worker.user, org.worker)
    assert not is_line_manager_of(org.committee, org.worker)  # an account with no staff record
