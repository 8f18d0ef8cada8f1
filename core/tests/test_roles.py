"""Roles are groups made by a data migration; has_role answers "does this user hold role X"."""

from django.contrib.auth.models import AnonymousUser, Group

from core.roles import Role, has_role, user_roles


def test_the_migration_creates_one_group_per_role_and_nothing_else(db):
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    assert len(Role.values) == 9


def test_has_role_answers_for_the_roles_a_user_holds_and_no_others(org):
    assert has_role(org.manager.user, Role.LINE_MANAGER)
    assert not has_role(org.manager.user, Role.SENIOR_MANAGER)
    assert has_role(org.safeguarding.user, Role.SAFEGUARDING_LEAD)
    assert not has_role(AnonymousUser(), Role.WORKER)
    assert user_roles(AnonymousUser()) == frozenset()


def test_a_superuser_holds_no_role_by_being_a_superuser(org):
    """AC-07: roles are groups, never is_superuser."""
    assert not any(has_role(org.superuser, role) for role in Role)
