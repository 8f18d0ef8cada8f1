"""`manage.py check --deploy` refuses a database the audit trail cannot be protected in (DI-05).

Production connects as a role that does not own the tables (docs/deployment.md "Two database
roles"). The check fails when the database is SQLite (no triggers, no roles), or when the role the
application connects as owns (or can act as the owner of) the audit table, is a superuser, may
UPDATE, DELETE or TRUNCATE any append-only table, may turn triggers off with
`session_replication_role`, or when an append-only table lacks its enabled trigger.
"""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection

from audit.append_only import append_only_tables, unprotected_tables

HINT = "Run the application as the restricted role of docs/deployment.md ('Two database roles')."


def database_role_problems() -> list[str]:
    """What the connected role could do to the append-only tables; empty when it is restricted."""
    if connection.vendor != "postgresql":
        return [f"the database is {connection.vendor}: the audit trail needs PostgreSQL's triggers and roles"]
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        role, superuser = cursor.fetchone()
        if superuser:
            problems.append(f"the role {role} is a superuser (it can disable triggers and bypass them)")
        cursor.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = 'audit_auditevent'::regclass"
        )
        if cursor.fetchone()[0]:
            problems.append(f"the role {role} owns the audit table (it can disable its trigger or truncate it)")
        for table in append_only_tables():
            cursor.execute(
                "SELECT has_table_privilege(current_user, %s, 'UPDATE'),"
                " has_table_privilege(current_user, %s, 'DELETE'),"
                " has_table_privilege(current_user, %s, 'TRUNCATE')",
                [table, table, table],
            )
            update, delete, truncate = cursor.fetchone()
            granted = [name for name, held in (("UPDATE", update), ("DELETE", delete), ("TRUNCATE", truncate)) if held]
            if granted:
                problems.append(f"the role {role} may {', '.join(granted)} on {table}")
        for table in unprotected_tables(connection):
            problems.append(f"{table} has no enabled append-only trigger (run the migrations)")
        # Before PostgreSQL 15 only superusers may set it (refused above); since 15 it can be granted.
        if connection.pg_version >= 150000:
            cursor.execute("SELECT has_parameter_privilege(current_user, 'session_replication_role', 'SET')")
        if connection.pg_version >= 150000 and cursor.fetchone()[0]:
            problems.append(f"the role {role} may set session_replication_role (which turns triggers off)")
    return problems


@register(Tags.security, deploy=True)
def check_audit_database_role(app_configs=None, **kwargs):
    try:
        problems = database_role_problems()
    except DatabaseError as exc:
        problems = [f"the database role could not be checked: {str(exc).strip()[:200]}"]
    return [Error(problem, hint=HINT, id="audit.E001") for problem in problems]
