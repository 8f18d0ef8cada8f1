import datetime
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from people.imports import SERVICE_USER_COLUMNS, STAFF_COLUMNS, ImportRejected, service_user_import, staff_import
from people.models import Assignment, Relationship, ServiceUser, StaffMember, Team
from people.tests.factories import RelationshipFactory, StaffMemberFactory

FIXTURES = Path(__file__).parent / "fixtures"
User = get_user_model()


def csv_bytes(columns, rows) -> io.BytesIO:
    """A CSV upload: a header line, then one line per dict (missing columns left empty)."""
    lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def staff_row(number, **values):
    row = {
        "staff_number": number,
        "username": f"user{number.lower()}",
        "first_name": "Alex",
        "last_name": f"Example{number}",
        "email": f"{number.lower()}@example.org",
        "team": "North A",
        "job_title": "Support worker",
        "start_date": "01/09/2024",
    }
    row.update(values)
    return row


def import_fixture(name, importer, actor=None):
    with open(FIXTURES / name, "rb") as handle:
        return importer(file=handle, actor=actor)


def snapshot():
    """Row counts a rejected import must leave exactly as they were."""
    return (
        User.objects.count(),
        StaffMember.objects.count(),
        Team.objects.count(),
        ServiceUser.objects.count(),
        Assignment.objects.count(),
        StaffMember.history.count(),
        ServiceUser.history.count(),
    )


# --- staff: a good file -----------------------------------------------------------------------------


def test_the_example_staff_file_creates_accounts_and_the_chain_even_with_managers_listed_later(org):
    result = import_fixture("staff.csv", staff_import, actor=org.administrator)

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    aisha = StaffMember.objects.select_related("user", "team").get(staff_number="E1003")
    assert aisha.user.get_full_name() == "Aisha Khan"
    assert aisha.user.email == "aisha.khan@example.org"
    assert aisha.team == org.north_a
    assert aisha.start_date == datetime.date(2025, 2, 3)  # 03/02/2025 read the UK way
    assert [m.staff_number for m in _above(aisha)] == ["E1002", "E1001"]
    helen = StaffMember.objects.get(staff_number="E1001")
    assert helen.start_date == datetime.date(2018, 4, 1)
    assert (helen.registration_body, helen.registration_number) == ("nmc", "12A3456E")
    assert StaffMember.objects.get(staff_number="E1002").start_date == datetime.date(2021, 9, 1)  # ISO date


def _above(staff):
    from people.selectors import staff_managers_above

    return staff_managers_above(staff=staff)


def test_new_accounts_have_no_password_and_set_one_through_forgotten_password(
    org, client, django_capture_on_commit_callbacks
):
    import_fixture("staff.csv", staff_import, actor=org.administrator)
    user = User.objects.get(username="aisha.khan")
    assert not user.has_usable_password()
    assert user.is_active

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": "aisha.khan@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aisha.khan@example.org"]


def test_a_leaver_in_the_file_cannot_log_in(org):
    import_fixture("staff.csv", staff_import)
    sam = StaffMember.objects.select_related("user").get(staff_number="E1004")
    assert sam.is_active is False
    assert sam.user.is_active is False


def test_an_end_date_in_the_past_makes_a_leaver_even_when_active_says_yes(org):
    yesterday = (datetime.date.today() - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    staff_import(
        file=csv_bytes(
            STAFF_COLUMNS,
            [staff_row("X1", end_date=yesterday, active="yes"), staff_row("X2", end_date=tomorrow, active="yes")],
        )
    )
    assert StaffMember.objects.get(staff_number="X1").user.is_active is False
    assert StaffMember.objects.get(staff_number="X2").user.is_active is True


def test_the_import_is_recorded_in_the_audit_trail_with_counts_and_no_personal_data(org):
    """AU-06: the audit event keeps counts, never names or staff numbers."""
    import_fixture("staff.csv", staff_import, actor=org.administrator)
    event = AuditEvent.objects.get(action="people.staff.imported")
    assert event.actor == org.administrator
    assert event.detail == {"created": 4, "updated": 0, "unchanged": 0, "teams_created": 0}
    assert "Khan" not in str(event.detail) and "E1003" not in str(event.detail)


def test_each_imported_record_has_a_history_entry_saying_it_was_imported_and_by_whom(org):
    import_fixture("staff.csv", staff_import, actor=org.administrator)
    history = StaffMember.objects.get(staff_number="E1003").history.all()
    assert len(history) == 1  # saved once, with its manager already set
    assert history[0].history_user == org.administrator
    assert history[0].history_change_reason == "people.staff.imported"
    assert history[0].line_manager.staff_number == "E1002"


def test_headers_may_use_spaces_and_capitals_and_excel_byte_order_marks_are_ignored(org):
    header = "\ufeff" + ",".join(c.replace("_", " ").title() for c in STAFF_COLUMNS)
    line = ",".join(staff_row("B1").get(c, "") for c in STAFF_COLUMNS)
    result = staff_import(file=io.BytesIO(f"{header}\r\n{line}\r\n".encode()))
    assert result.created == 1


# --- staff: running it again -------------------------------------------------------------------------


def test_running_the_same_file_again_creates_no_duplicates_and_changes_nothing(org):
    import_fixture("staff.csv", staff_import)
    before = (User.objects.count(), StaffMember.objects.count(), StaffMember.history.count())
    result = import_fixture("staff.csv", staff_import)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert (User.objects.count(), StaffMember.objects.count(), StaffMember.history.count()) == before


def test_a_changed_file_updates_the_records_it_matches_on_staff_number(org):
    import_fixture("staff.csv", staff_import)
    changed = (FIXTURES / "staff.csv").read_text()
    changed = changed.replace(
        "Aisha,Khan,aisha.khan@example.org,North A,Permanent,Support worker,E1002",
        "Aisha,Khan-Patel,aisha.kp@example.org,South,Permanent,Senior support worker,E1001",
    )
    result = staff_import(file=io.BytesIO(changed.encode()))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    aisha = StaffMember.objects.select_related("user").get(staff_number="E1003")
    assert (aisha.user.last_name, aisha.user.email) == ("Khan-Patel", "aisha.kp@example.org")
    assert (aisha.job_title, aisha.team, aisha.line_manager.staff_number) == (
        "Senior support worker",
        org.south,
        "E1001",
    )
    assert User.objects.filter(username="aisha.khan").count() == 1


def test_an_existing_worker_in_the_file_is_updated_and_can_be_put_under_a_new_manager_in_it(org):
    staff_import(
        file=csv_bytes(
            STAFF_COLUMNS,
            [
                staff_row(org.worker.staff_number, username="worker", line_manager="N1", job_title="Senior worker"),
                staff_row("N1", line_manager=org.senior.staff_number, job_title="Deputy manager"),
            ],
        )
    )
    org.worker.refresh_from_db()
    assert org.worker.job_title == "Senior worker"
    assert org.worker.line_manager.staff_number == "N1"
    assert org.worker.line_manager.line_manager == org.senior


def test_an_account_made_before_the_import_is_linked_rather_than_duplicated(org):
    staff_import(file=csv_bytes(STAFF_COLUMNS, [staff_row("A9", username="administrator")]))
    assert StaffMember.objects.get(staff_number="A9").user == org.administrator


# --- staff: bad rows ----------------------------------------------------------------------------------

BAD_STAFF_FILES = {
    "unknown manager": ([staff_row("B1", line_manager="NOBODY")], 2, "line_manager NOBODY is not a staff number"),
    "unknown team": ([staff_row("B1", team="Nowhere")], 2, "team “Nowhere” does not exist"),
    "bad date": ([staff_row("B1", start_date="31/02/2025")], 2, "start_date “31/02/2025” is not a real date"),
    "american date": ([staff_row("B1", start_date="2/31/2025")], 2, "is not a real date"),
    "two-digit year": ([staff_row("B1", start_date="01/02/25")], 2, "use DD/MM/YYYY"),
    "duplicate id in the file": (
        [staff_row("B1"), staff_row("B2"), staff_row("B1", username="other")],
        4,
        "staff_number B1 is already on line 3",
    ),
    "duplicate username in the file": (
        [staff_row("B1"), staff_row("B2", username="userb1")],
        3,
        "username userb1 is already on line 3",
    ),
    "own manager": ([staff_row("B1", line_manager="B1")], 2, "cannot be their own line manager"),
    "loop in the file": (
        [staff_row("B1", line_manager="B3"), staff_row("B2", line_manager="B1"), staff_row("B3", line_manager="B2")],
        2,
        "would make a loop in the line-management chain (B1 → B3 → B2 → B1)",
    ),
    "missing name": ([staff_row("B1", first_name="")], 2, "first_name is empty"),
    "bad e-mail": ([staff_row("B1", email="not-an-address")], 2, "is not an e-mail address"),
    "bad employment type": ([staff_row("B1", employment_type="Zero hours")], 2, "employment_type “Zero hours”"),
    "bad active flag": ([staff_row("B1", active="maybe")], 2, "active “maybe” should be yes or no"),
    "end before start": ([staff_row("B1", end_date="01/01/2020")], 2, "end_date is before start_date"),
    "registration number without a body": ([staff_row("B1", registration_number="123")], 2, "registration_body"),
    "username of another worker": ([staff_row("B1", username="worker")], 2, "already belongs to staff number"),
}


@pytest.mark.parametrize("case", list(BAD_STAFF_FILES), ids=list(BAD_STAFF_FILES))
def test_a_bad_staff_row_is_reported_with_its_line_number_and_nothing_is_written(org, case):
    rows, line, message = BAD_STAFF_FILES[case]
    # A good row first, so "nothing is written" means the good row is not written either.
    good = staff_row("GOOD1", username="good.one")
    rows = [good, *rows]
    line += 1
    before = snapshot()
    with pytest.raises(ImportRejected) as rejected:
        staff_import(file=csv_bytes(STAFF_COLUMNS, rows), actor=org.administrator)
    assert any(e.line == line and message in e.message for e in rejected.value.errors), rejected.value.errors
    assert snapshot() == before
    assert not User.objects.filter(username="good.one").exists()
    assert AuditEvent.objects.filter(action="people.staff.import_rejected", actor=org.administrator).exists()


def test_a_file_that_would_put_an_existing_manager_under_their_own_report_is_refused(org):
    """The loop check covers the chain already on the system, not only the file (seed 002 §9.1)."""
    rows = [staff_row(org.senior.staff_number, username="senior", line_manager=org.worker.staff_number)]
    with pytest.raises(ImportRejected) as rejected:
        staff_import(file=csv_bytes(STAFF_COLUMNS, rows))
    assert "would make a loop" in rejected.value.errors[0].message
    org.senior.refresh_from_db()
    assert org.senior.line_manager is None


def test_every_problem_in_the_file_is_reported_not_just_the_first(org):
    rows = [staff_row("B1", team="Nowhere"), staff_row("B2"), staff_row("B3", start_date="yesterday", email="x")]
    with pytest.raises(ImportRejected) as rejected:
        staff_import(file=csv_bytes(STAFF_COLUMNS, rows))
    assert [(e.line) for e in rejected.value.errors] == [2, 4, 4]


def test_a_file_with_a_missing_or_unknown_column_is_refused_at_line_1(org):
    with pytest.raises(ImportRejected) as rejected:
        staff_import(file=io.BytesIO(b"staff_number,usernme,first_name\nB1,x,y\n"))
    messages = [str(e) for e in rejected.value.errors]
    assert any(m.startswith("Line 1: Unknown column(s): usernme") for m in messages)
    assert any("Missing column(s): username, last_name" in m for m in messages)


def test_a_file_that_is_not_utf8_is_refused_with_advice(org):
    with pytest.raises(ImportRejected, match="problem") as rejected:
        staff_import(file=io.BytesIO(",".join(STAFF_COLUMNS).encode() + b"\nE1,caf\xe9\n"))
    assert "CSV UTF-8" in rejected.value.errors[0].message


def test_unknown_teams_are_created_only_when_asked(org):
    rows = [staff_row("T1", team="Riverside Outreach")]
    with pytest.raises(ImportRejected):
        staff_import(file=csv_bytes(STAFF_COLUMNS, rows))
    result = staff_import(file=csv_bytes(STAFF_COLUMNS, rows), create_teams=True)
    assert result.teams_created == ["Riverside Outreach"]
    assert StaffMember.objects.get(staff_number="T1").team.name == "Riverside Outreach"


def test_a_dry_run_checks_the_whole_file_and_writes_nothing(org):
    before = snapshot()
    result = import_fixture("staff.csv", lambda **kw: staff_import(dry_run=True, **kw))
    assert result.created == 4
    assert snapshot() == before


def test_checking_a_large_file_takes_the_same_number_of_queries_as_a_small_one(org):
    """No query per row while validating: a 200-row export is checked in a handful of queries."""

    def queries_for(n):
        rows = [staff_row(f"Q{i}", line_manager=f"Q{i - 1}" if i else org.senior.staff_number) for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            staff_import(file=csv_bytes(STAFF_COLUMNS, rows), dry_run=True)
        return len(captured)

    assert queries_for(200) == queries_for(1)


# --- service users -----------------------------------------------------------------------------------


@pytest.fixture
def staff_imported(org):
    import_fixture("staff.csv", staff_import)


def test_the_example_service_users_file_creates_them_and_assigns_the_key_worker(org, staff_imported):
    result = import_fixture("service_users.csv", service_user_import, actor=org.administrator)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    jb = ServiceUser.objects.get(reference="CR-1001")
    assert (jb.initials, jb.team, jb.is_adult_at_risk, jb.is_child) == ("JB", org.north_a, True, False)
    key_worker = Assignment.objects.get(service_user=jb, role=Assignment.Role.KEY_WORKER)
    assert key_worker.staff.staff_number == "E1003"
    rs = ServiceUser.objects.get(reference="CR-1003")
    assert (rs.status, rs.left_date) == ("former", datetime.date(2025, 8, 14))
    event = AuditEvent.objects.get(action="people.service_users.imported")
    assert event.detail["created"] == 3


def test_running_the_service_users_file_again_changes_nothing(org, staff_imported):
    import_fixture("service_users.csv", service_user_import)
    before = snapshot()
    result = import_fixture("service_users.csv", service_user_import)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_a_new_key_worker_in_the_file_takes_over_from_the_old_one(org, staff_imported):
    import_fixture("service_users.csv", service_user_import)
    rows = [{"reference": "CR-1001", "initials": "JB", "team": "North A", "key_worker": "E1002"}]
    result = service_user_import(file=csv_bytes(SERVICE_USER_COLUMNS, rows))
    assert result.updated == 1
    open_key_workers = Assignment.objects.filter(
        service_user__reference="CR-1001", role=Assignment.Role.KEY_WORKER, end_date__isnull=True
    )
    assert [a.staff.staff_number for a in open_key_workers] == ["E1002"]


def su_row(reference="SU-1", **values):
    row = {"reference": reference, "initials": "AB", "team": "North A"}
    row.update(values)
    return row


BAD_SERVICE_USER_FILES = {
    "bad initials (a name)": ([su_row(initials="John")], "initials “John” should be one to three letters"),
    "bad initials (dots)": ([su_row(initials="J.B")], "should be one to three letters"),
    "unknown team": ([su_row(team="Nowhere")], "team “Nowhere” does not exist"),
    "former without a date": ([su_row(status="former")], "a former service user needs a left_date"),
    "current with a date": ([su_row(status="current", left_date="01/01/2026")], "has no left_date"),
    "bad date": ([su_row(status="former", left_date="2026-13-01")], "is not a real date"),
    "bad flag": ([su_row(child="sometimes")], "child “sometimes” should be yes or no"),
    "unknown key worker": ([su_row(key_worker="E9999")], "key_worker E9999 is not a staff number"),
    "key worker who has left": ([su_row(key_worker="E1004")], "key_worker E1004 has left"),
    "duplicate reference": ([su_row("SU-1"), su_row("SU-1", initials="CD")], "reference SU-1 is already on line 3"),
}


@pytest.mark.parametrize("case", list(BAD_SERVICE_USER_FILES), ids=list(BAD_SERVICE_USER_FILES))
def test_a_bad_service_user_row_is_reported_and_nothing_is_written(org, staff_imported, case):
    rows, message = BAD_SERVICE_USER_FILES[case]
    rows = [su_row("GOOD-1", initials="GH"), *rows]
    before = snapshot()
    with pytest.raises(ImportRejected) as rejected:
        service_user_import(file=csv_bytes(SERVICE_USER_COLUMNS, rows))
    assert any(message in e.message and e.line >= 3 for e in rejected.value.errors), rejected.value.errors
    assert snapshot() == before
    assert not ServiceUser.objects.filter(reference="GOOD-1").exists()


def test_a_key_worker_with_a_declared_relationship_is_refused_and_nothing_is_written(org, staff_imported):
    """seed 000 §4.2: the import applies the same rule as people.services.assignment_create."""
    import_fixture("service_users.csv", service_user_import)
    jb = ServiceUser.objects.get(reference="CR-1001")
    RelationshipFactory(
        staff=StaffMember.objects.get(staff_number="E1002"), service_user=jb, kind=Relationship.Kind.FAMILY
    )
    rows = [su_row("SU-NEW", initials="KL"), su_row("CR-1001", initials="JB", key_worker="E1002")]
    before = snapshot()
    with pytest.raises(ImportRejected) as rejected:
        service_user_import(file=csv_bytes(SERVICE_USER_COLUMNS, rows))
    (error,) = rejected.value.errors
    assert error.line == 3
    assert "key_worker E1002 has declared a personal relationship" in error.message
    assert "family" not in error.message.lower()
    assert snapshot() == before


# --- the management commands --------------------------------------------------------------------------


def test_import_staff_command_reports_what_it_did(org):
    out = io.StringIO()
    call_command("import_staff", str(FIXTURES / "staff.csv"), "--by", "administrator", stdout=out)
    assert "Imported staff from" in out.getvalue()
    assert "4 rows read: 4 were created, 0 updated, 0 unchanged." in out.getvalue()
    assert AuditEvent.objects.get(action="people.staff.imported").actor == org.administrator


def test_import_staff_command_fails_listing_every_problem_and_writes_nothing(org, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes(STAFF_COLUMNS, [staff_row("B1", team="Nowhere"), staff_row("B2", line_manager="ZZ")]).getvalue()
    )
    before = snapshot()
    with pytest.raises(CommandError) as failed:
        call_command("import_staff", str(bad))
    text = str(failed.value)
    assert "was not imported and nothing was changed" in text
    assert "Line 2: team “Nowhere” does not exist" in text
    assert "Line 3: line_manager ZZ is not a staff number" in text
    assert failed.value.returncode == 1  # the shell sees exit status 1
    assert snapshot() == before


def test_import_staff_command_create_teams_and_dry_run_options(org, tmp_path):
    path = tmp_path / "new_team.csv"
    path.write_bytes(csv_bytes(STAFF_COLUMNS, [staff_row("T1", team="Hillside")]).getvalue())
    out = io.StringIO()
    call_command("import_staff", str(path), "--create-teams", "--dry-run", stdout=out)
    assert "Checked (nothing written)" in out.getvalue() and "New teams: Hillside" in out.getvalue()
    assert not Team.objects.filter(name="Hillside").exists()
    call_command("import_staff", str(path), "--create-teams", stdout=io.StringIO())
    assert StaffMember.objects.get(staff_number="T1").team.name == "Hillside"


def test_import_service_users_command_works_and_a_missing_file_is_a_clear_error(org, staff_imported):
    out = io.StringIO()
    call_command("import_service_users", str(FIXTURES / "service_users.csv"), stdout=out)
    assert "Imported service users" in out.getvalue()
    assert ServiceUser.objects.filter(reference__startswith="CR-").count() == 3
    with pytest.raises(CommandError, match="Cannot read .*missing.csv"):
        call_command("import_service_users", "missing.csv")


def test_the_command_refuses_an_unknown_acting_account(org):
    with pytest.raises(CommandError, match="no account called nobody"):
        call_command("import_staff", str(FIXTURES / "staff.csv"), "--by", "nobody")
    assert not StaffMember.objects.filter(staff_number="E1001").exists()


def test_a_staff_member_made_by_a_factory_is_matched_by_staff_number(org):
    existing = StaffMemberFactory(staff_number="F1", team=org.north_a)
    staff_import(file=csv_bytes(STAFF_COLUMNS, [staff_row("F1", username=existing.user.username, last_name="Newname")]))
    existing.user.refresh_from_db()
    assert existing.user.last_name == "Newname"
    assert StaffMember.objects.filter(staff_number="F1").count() == 1


# --- starters --------------------------------------------------------------------------------------


def test_staff_from_the_hr_file_get_the_worker_role_and_keep_any_others(org):
    """A starter can tell us about a boundary issue the day the HR file arrives; a manager stays a manager.
    AU-01: the role given is audited like a role change on the account page."""
    from core.roles import Role

    org.manager.user.groups.remove(*org.manager.user.groups.filter(name=Role.WORKER.value))
    staff_import(
        file=csv_bytes(
            STAFF_COLUMNS,
            [
                staff_row("N1"),
                staff_row(
                    org.manager.staff_number,
                    username=org.manager.user.username,
                    first_name=org.manager.user.first_name,
                    last_name=org.manager.user.last_name,
                    email=org.manager.user.email,
                    team=org.manager.team.name,
                    job_title=org.manager.job_title,
                    line_manager=org.senior.staff_number,
                ),
            ],
        ),
        actor=org.administrator,
    )
    starter = User.objects.get(username="usern1")
    assert set(starter.groups.values_list("name", flat=True)) == {Role.WORKER.value}
    assert set(org.manager.user.groups.values_list("name", flat=True)) == {Role.WORKER.value, Role.LINE_MANAGER.value}
    given = AuditEvent.objects.filter(action="accounts.roles.changed", object_id=str(starter.pk)).get()
    assert given.detail == {"added": ["Worker"], "removed": []} and given.actor == org.administrator
    # Running the file again gives nothing twice.
    staff_import(file=csv_bytes(STAFF_COLUMNS, [staff_row("N1")]), actor=org.administrator)
    assert AuditEvent.objects.filter(action="accounts.roles.changed", object_id=str(starter.pk)).count() == 1
