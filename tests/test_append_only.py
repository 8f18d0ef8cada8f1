"""The audit table, the daily chain and every history table are append-only (DI-05, DI-06, AU-08);
retention's narrow path (audit/removal.py) is the only remover; the application's restricted
database role cannot UPDATE, DELETE, TRUNCATE or turn the triggers off; `check --deploy` refuses a
database role or a database in which that would not hold."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from audit.append_only import append_only_tables, is_history_model, unprotected_tables
from audit.checks import database_role_problems
from audit.models import AuditEvent
from audit.removal import delete_rows, update_rows
from audit.services import audit_record
from people.models import Team
from people.tests.factories import TeamFactory

ROOT = Path(__file__).resolve().parents[1]
REFUSED = "append-only|permission denied"


def _app_role():
    role = os.environ.get("BOUNDARIES_TEST_APP_ROLE")
    if not role:
        if os.environ.get("BOUNDARIES_REQUIRE_ALL_TESTS"):
            pytest.fail("set BOUNDARIES_TEST_APP_ROLE: CI runs the tests as the application's restricted role")
        pytest.skip("needs the restricted role (set BOUNDARIES_TEST_APP_ROLE; .ci/run does)")
    return role


def _current_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def test_every_history_model_and_the_audit_tables_are_append_only():
    """DI-05, DI-06: the list the trigger migration, the grants and the deploy check use holds every
    django-simple-history table of the app registry, the audit events and the digests."""
    from django.apps import apps

    history = [m._meta.db_table for m in apps.get_models() if is_history_model(m)]
    assert len(history) >= 30
    assert set(history) | {"audit_auditevent", "audit_auditdigest"} == set(append_only_tables())


@pytest.mark.postgres
def test_every_append_only_table_has_its_trigger(needs_postgres):
    """DI-05, DI-06: a history table added without running audit.append_only.protect_history_tables in
    its migration fails here, naming the table."""
    assert unprotected_tables(connection) == []


@pytest.mark.postgres
@pytest.mark.owner_role
def test_a_history_table_without_its_trigger_is_named(needs_postgres):
    """DI-05: the same check names a table whose trigger is missing (and the deploy check refuses it)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER cases_historicalcase_append_only ON cases_historicalcase")
    assert unprotected_tables(connection) == ["cases_historicalcase"]
    assert "cases_historicalcase has no enabled append-only trigger (run the migrations)" in database_role_problems()


@pytest.mark.postgres
def test_the_database_refuses_to_update_or_delete_a_history_row(needs_postgres):
    """DI-05, DI-06: history rows are protected like audit events, through the ORM and in raw SQL."""
    team = TeamFactory(name="North")
    row = team.history.get()
    history = type(row)
    table = history._meta.db_table
    attempts = [
        lambda: history.objects.filter(pk=row.pk).update(name="Rewritten"),
        lambda: history.objects.filter(pk=row.pk).delete(),
        lambda: history.objects.bulk_update([row], ["name"]),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            attempt()
    for sql in (f"UPDATE {table} SET name = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert history.objects.get(pk=row.pk).name == "North"


@pytest.mark.postgres
def test_setting_the_removal_flag_by_hand_opens_nothing(needs_postgres):
    """DI-05: the transaction-local setting alone does not open the path for the application's role."""
    _app_role()
    event = audit_record(action="test.event")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        with connection.cursor() as cursor:  # noqa: SIM117  (the delete below is outside the cursor)
            cursor.execute("SELECT set_config('boundaries.removal', 'on', true)")
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_retention_removes_and_rewrites_history_rows_only_through_the_narrow_path(db):
    """DI-05: delete_rows and update_rows work on history tables (the retention job's path), and each
    use on PostgreSQL leaves an event that records what was done."""
    team = TeamFactory(name="North")
    TeamFactory(name="South")
    history = type(team.history.get())
    assert update_rows(history.objects.filter(name="North"), name="[removed]") == 1
    assert history.objects.get(id=team.pk).name == "[removed]"
    assert delete_rows(history.objects.filter(name="South")) == 1
    assert not history.objects.filter(name="South").exists()
    assert Team.objects.count() == 2  # the teams themselves are untouched
    if connection.vendor == "postgresql":
        witnesses = AuditEvent.objects.filter(action__startswith="audit.rows.").order_by("pk")
        table = history._meta.db_table
        assert [(e.action, e.object_type, e.detail["rows"]) for e in witnesses] == [
            ("audit.rows.rewritten", table, 1),
            ("audit.rows.removed", table, 1),
        ]
        assert witnesses[0].detail["columns"] == ["name"]


@pytest.mark.postgres
def test_the_record_of_a_removal_cannot_itself_be_removed(needs_postgres):
    """DI-05: not even through the narrow path."""
    event = audit_record(action="test.gone")
    delete_rows(AuditEvent.objects.filter(pk=event.pk))
    witness = AuditEvent.objects.get(action="audit.rows.removed")
    with pytest.raises(DatabaseError, match="the record of a removal stays"), transaction.atomic():
        delete_rows(AuditEvent.objects.filter(pk=witness.pk))
    with pytest.raises(DatabaseError, match="the record of a removal stays"), transaction.atomic():
        update_rows(AuditEvent.objects.filter(pk=witness.pk), detail={})
    assert AuditEvent.objects.filter(pk=witness.pk).exists()


@pytest.mark.postgres
def test_the_removal_functions_refuse_ordinary_tables(needs_postgres):
    """DI-05: the narrow path is for append-only tables only, so it cannot be used to skip history."""
    team = TeamFactory(name="North")
    refused = pytest.raises(DatabaseError, match="not an append-only table")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT boundaries_remove_rows('people_team'::regclass, %s)", [[str(team.pk)]])
    assert Team.objects.filter(pk=team.pk).exists()


# The application's restricted role ---------------------------------------------------------------


@pytest.mark.postgres
def test_the_tests_run_as_the_restricted_role(needs_postgres):
    """DI-05, AU-08: CI runs every database test as the application's role, not as the owner."""
    assert _current_role() == _app_role()


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditdigest", "cases_historicalcase"])
def test_the_restricted_role_cannot_update_delete_truncate_or_disable_triggers(needs_postgres, table):
    """DI-05, AU-08: as the application's role, UPDATE, DELETE, TRUNCATE, disabling the trigger, and
    turning triggers off for the session are all refused by the database."""
    _app_role()
    audit_record(action="test.event")
    for sql in (
        f"UPDATE {table} SET id = id",
        f"DELETE FROM {table}",
        f"TRUNCATE {table}",
        f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"DROP TRIGGER {table}_append_only ON {table}",
        "SET session_replication_role = replica",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert unprotected_tables(connection) == []


@pytest.mark.postgres
def test_the_restricted_role_does_the_applications_ordinary_writes(needs_postgres, client, org):
    """DI-05: the grants are enough for the product: personas, history rows and audit events were
    written by the fixture as this role; a page view writes its event; a team is renamed (history)."""
    _app_role()
    client.force_login(org.auditor)
    assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(action="audit.events.viewed", actor=org.auditor).exists()
    team = TeamFactory(name="West")
    team.name = "South West"
    team.save()
    assert team.history.count() == 2
    pk = team.pk
    team.delete()
    assert not Team.objects.filter(pk=pk).exists()
    assert Team.history.filter(id=pk).count() == 3


@pytest.mark.postgres
def test_the_deploy_check_accepts_the_restricted_role(needs_postgres):
    """DI-05: `manage.py check --deploy` with production settings passes when the application connects
    as the restricted role to a migrated, granted database."""
    role = _app_role()
    db = connection.settings_dict
    password = os.environ.get("BOUNDARIES_TEST_APP_ROLE_PASSWORD", role)
    url = f"postgres://{role}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    result = _deploy_check(url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.postgres
@pytest.mark.owner_role
def test_the_deploy_check_refuses_the_owner(needs_postgres):
    """DI-05: connected as the tables' owner (here a superuser), the deploy check refuses to pass."""
    problems = database_role_problems()
    assert any("owns the audit table" in p for p in problems)
    assert any("superuser" in p for p in problems)


@pytest.mark.postgres
def test_the_deploy_check_names_an_update_grant(needs_postgres):
    """DI-05: a restricted role that was given UPDATE on a history table is refused too."""
    role = _app_role()
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"GRANT UPDATE, TRUNCATE ON cases_historicalcase TO {role}")
        cursor.execute(f"SET ROLE {role}")
    assert f"the role {role} may UPDATE, TRUNCATE on cases_historicalcase" in database_role_problems()


def test_the_deploy_check_refuses_sqlite():
    """DI-05: the embedded database cannot protect the audit trail; production refuses it."""
    result = _deploy_check("sqlite:///" + str(ROOT / ".cache" / "deploy-check.sqlite3"))
    assert result.returncode != 0
    assert "audit.E001" in result.stderr + result.stdout
    assert "the database is sqlite" in result.stderr + result.stdout


def _deploy_check(database_url):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_SETTINGS_MODULE="boundaries.settings.production",
        DJANGO_SECRET_KEY="k3J9-vQ2#pL8zR5@wT1mN6^bX4cY7%hF0gD2sA9eU3iO5" * 2,
        DJANGO_ALLOWED_HOSTS="boundaries.example.org",
        DATABASE_URL=database_url,
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
