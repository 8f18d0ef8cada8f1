"""Yes/no questions about people: "is line manager of Y". Role questions: core/tests/test_roles.py."""

from people.permissions import is_line_manager_of


def test_is_line_manager_of_means_the_direct_line_manager_only(org):
    assert is_line_manager_of(org.manager.user, org.worker)
    assert not is_line_manager_of(org.senior.user, org.worker)  # above, but not the direct manager
    assert not is_line_manager_of(org.other_manager.user, org.worker)
    assert not is_line_manager_of(org.worker.user, org.worker)
    assert not is_line_manager_of(org.committee, org.worker)  # an account with no staff record
