"""Roles are groups made by a data migration; has_role answers "does this user hold role X"."""

from django.contrib.auth.models import AnonymousUser, Group

from core.roles import Role, grant_approver, has_role, user_roles


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


def test_a_grant_needs_the_approver_in_the_table_and_an_unknown_group_the_strictest():
    """AC-07: a group that is not a known role (made by hand in the database) is never granted at once."""
    assert grant_approver("Worker") is None
    assert grant_approver("Auditor") == Role.SAFEGUARDING_LEAD
    assert grant_approver("Administrator") == Role.ADMINISTRATOR
    assert grant_approver("Made-up group") == Role.ADMINISTRATOR
