"""The application's database role: what it is granted (docs/deployment.md "Two database roles").

The owner role runs the migrations and owns every table and the removal functions; the application
connects as a role that owns nothing and gets:

- SELECT, INSERT, UPDATE, DELETE on the ordinary tables, and the sequences;
- SELECT and INSERT only on the append-only tables (audit events, the daily chain, every history
  table): no UPDATE, DELETE, TRUNCATE, REFERENCES or TRIGGER;
- EXECUTE on the two removal functions (audit/removal.py), its only way to remove those rows.

`manage.py db_grant_app_role ROLE` runs these as the owner after each migration; the tests run them
on the test database when BOUNDARIES_TEST_APP_ROLE is set (conftest.py).
"""

from audit.append_only import REMOVAL_FUNCTION_SIGNATURES, append_only_tables


def app_role_grants(role: str, quote) -> list[str]:
    """The statements, in order; `quote` quotes an identifier (connection.ops.quote_name)."""
    who = quote(role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}",
    ]
    for table in append_only_tables():
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(table)} FROM {who}")
    for function in REMOVAL_FUNCTION_SIGNATURES:
        statements.append(f"GRANT EXECUTE ON FUNCTION {function} TO {who}")
    return statements


def grant_app_role(connection, role: str) -> None:
    with connection.cursor() as cursor:
        for statement in app_role_grants(role, connection.ops.quote_name):
            cursor.execute(statement)
