"""manage.py seed_demo: the demo organisation of docs/demo.md (demo/organisation.py, demo/people.py).

The organisation is seeded once for the module (demo/tests/conftest.py); each test runs in a savepoint.
The command's options, which need an empty database, are in test_seed_demo_command.py."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import override_settings

from core.roles import Role
from demo.context import DEFAULT_PASSWORD
from people.models import Assignment, CarerOrRelative, Relationship, ServiceUser, StaffMember, Team
from people.selectors import relationship_blocking_assignment, staff_managers_above

User = get_user_model()

LOGINS = {
    "worker": Role.WORKER,
    "manager": Role.LINE_MANAGER,
    "senior": Role.SENIOR_MANAGER,
    "safeguarding": Role.SAFEGUARDING_LEAD,
    "hr": Role.HR,
    "guardian": Role.SPEAK_UP_GUARDIAN,
    "committee": Role.COMMITTEE_MEMBER,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMINISTRATOR,
}
TRACKED = [Team, StaffMember, ServiceUser, CarerOrRelative, Assignment, Relationship]


def _seed(*args):
    out = StringIO()
    call_command("seed_demo", "--cases", "20", *args, stdout=out)  # a short case history: test_cases.py
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    """One demo organisation shared by the tests below."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        return _seed()


@pytest.mark.django_db
def test_seed_demo_builds_a_believable_organisation(seeded):
    assert "Demo organisation ready" in seeded

    # Teams with service areas, including a parent with sub-teams.
    assert Team.objects.count() >= 6
    adult_services = Team.objects.get(name="Adult Services")
    assert adult_services.children.count() >= 3
    assert Team.objects.values("service_area").distinct().count() >= 5

    # Sixty workers in a three-level line-management chain.
    workers = StaffMember.objects.exclude(user__groups__name__in=[r for r in Role if r != Role.WORKER])
    assert workers.count() >= 60
    for staff in workers:
        chain = staff_managers_above(staff=staff)
        assert len(chain) >= 3, f"{staff} is not in a three-level chain"
        assert chain[0].user.groups.filter(name=Role.LINE_MANAGER).exists()
        assert chain[1].user.groups.filter(name=Role.SENIOR_MANAGER).exists()

    # Every kind of worker in seed 002 §4.1 that the brief names.
    kinds = Counter(StaffMember.objects.values_list("employment_type", flat=True))
    for kind in ["bank", "agency", "volunteer", "student", "employed_service_user", "permanent"]:
        assert kinds[kind] >= 1, kind

    # 120 service users by reference and initials, each with a key worker from their own team.
    assert ServiceUser.objects.count() == 120
    assert ServiceUser.objects.filter(is_child=True).exists()
    assert ServiceUser.objects.filter(is_adult_at_risk=True).exists()
    former = ServiceUser.objects.filter(status=ServiceUser.Status.FORMER)
    assert former.exists() and not former.filter(left_date__isnull=True).exists()
    for su in ServiceUser.objects.all():
        key = su.assignments.get(role=Assignment.Role.KEY_WORKER)
        assert key.staff.team_id == su.team_id
        assert (key.end_date is None) == (su.status == ServiceUser.Status.CURRENT)

    # Declared relationships in the register, each respected when key workers were chosen (seed 000 §4.2).
    assert Relationship.objects.count() >= 3
    assert CarerOrRelative.objects.count() >= 10
    for staff in StaffMember.objects.filter(relationships__isnull=False).distinct():
        for assignment in staff.assignments.select_related("service_user"):
            assert relationship_blocking_assignment(staff=staff, service_user=assignment.service_user) is None


@pytest.mark.django_db
def test_seed_demo_makes_one_login_per_role_with_the_demo_password(seeded):
    for username, role in LOGINS.items():
        user = authenticate(username=username, password=DEFAULT_PASSWORD)
        assert user is not None, username
        assert user.groups.filter(name=role).exists()
        assert not user.is_superuser
    assert not User.objects.filter(is_superuser=True).exists()
    # Only accounts with a staff record are workers; committee, auditor and admin hold one role each.
    for username in ["committee", "auditor", "admin"]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [LOGINS[username]]
        assert not StaffMember.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_the_demo_journeys_work_worker_reports_to_manager_who_reports_to_senior(seeded):
    worker = StaffMember.objects.get(user__username="worker")
    assert worker.line_manager.user.username == "manager"
    assert worker.line_manager.line_manager.user.username == "senior"
    assert worker.assignments.filter(role=Assignment.Role.KEY_WORKER).count() >= 3


def _snapshot():
    counts = {model.__name__: model.objects.count() for model in TRACKED}
    history = {model.__name__: model.history.count() for model in TRACKED}
    samples = {
        "users": list(User.objects.order_by("username").values_list("username", "first_name", "email", "password")),
        "staff": list(
            StaffMember.objects.order_by("staff_number").values_list(
                "staff_number", "user__username", "employment_type", "job_title", "team__name", "line_manager_id"
            )
        ),
        "service_users": list(
            ServiceUser.objects.order_by("reference").values_list("reference", "initials", "team__name", "left_date")
        ),
        "key_workers": list(
            Assignment.objects.order_by("service_user__reference", "role").values_list(
                "service_user__reference", "role", "staff__staff_number", "start_date", "end_date"
            )
        ),
        "relationships": list(Relationship.objects.order_by("pk").values_list("staff_id", "kind", "status")),
        "groups": list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
    }
    return counts, history, samples


@pytest.mark.django_db
def test_running_seed_demo_again_changes_nothing_but_puts_back_what_was_changed(seeded, debug_on):
    first = _snapshot()
    output = _seed()
    assert _snapshot() == first  # same rows, same values, not one new history row
    assert "(0 new)" in output

    worker = User.objects.get(username="worker")
    worker.set_password("changed-in-the-demo-123")
    worker.save()
    _seed()
    assert authenticate(username="worker", password=DEFAULT_PASSWORD) is not None
