"""Every history table joins the audit table as append-only (DI-05, DI-06), and the narrow removal
path becomes two SECURITY DEFINER functions owned by the migrating (owner) role (audit/append_only.py,
docs/security.md "Append-only tables").

The trigger goes on every append-only table the migration state knows: the audit events and
digests and every django-simple-history table. A migration that adds a history table later must
run `audit.append_only.protect_history_tables` too (tests/test_append_only.py fails otherwise).
"""

from django.db import migrations

from audit.append_only import REMOVAL_FUNCTIONS, TRIGGER_SUFFIX, append_only_tables, protect_history_tables

OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('boundaries.removal', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    protect_history_tables(apps, schema_editor)
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()", params=None)
    schema_editor.execute(REMOVAL_FUNCTIONS, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS boundaries_remove_rows(regclass, text[]);"
        "DROP FUNCTION IF EXISTS boundaries_rewrite_rows(regclass, text[], jsonb);"
        "DROP FUNCTION IF EXISTS boundaries_append_only_key(regclass);",
        params=None,
    )
    for table in append_only_tables(apps):
        trigger = schema_editor.quote_name(table + TRIGGER_SUFFIX)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {schema_editor.quote_name(table)}", params=None)
    schema_editor.execute(OLD_FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();"
        "DROP FUNCTION IF EXISTS boundaries_append_only();",
        params=None,
    )


class Migration(migrations.Migration):
    # Every app with history tables, at its latest migration when this was written.
    dependencies = [
        ("audit", "0004_daily_digest"),
        ("cases", "0008_merge_registers_and_people"),
        ("disclosures", "0001_initial"),
        ("people", "0002_roles"),
        ("policies", "0008_category_parts"),
        ("reporting", "0003_disclosure_check"),
    ]

    operations = [migrations.RunPython(forward, backward)]
