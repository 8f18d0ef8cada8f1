"""Which tables are append-only, and the PostgreSQL that makes them so (DI-05, AU-08).

The audit events, the chain of daily digests and every django-simple-history table refuse UPDATE
and DELETE twice over:

- privileges: the application's database role is granted SELECT and INSERT on them only
  (audit.roles.app_role_grants; docs/deployment.md "Two database roles"), so the database refuses
  before any trigger runs;
- a row trigger (`boundaries_append_only()`) refuses UPDATE and DELETE whoever asks, the table's
  owner included, unless the statement runs inside the removal path: the transaction-local setting
  `boundaries.removal` is on *and* the current role is the table's owner. Only the two
  SECURITY DEFINER functions below (owned by the owner, called by audit/removal.py) set it.

So the application's role can remove or rewrite append-only rows only by calling those functions,
which work by primary key on append-only tables only and write an `audit.rows.removed` /
`audit.rows.rewritten` event that nothing can remove afterwards (the trigger refuses to touch
`audit.rows.*` events even inside the path). TRUNCATE is never granted to the application's role;
the test runner (connected as the owner) still empties tables with it.

The migrations that create a history table must protect it (`protect_tables`); the test
`tests/test_append_only.py` fails for any history table without the trigger.
"""

from django.apps import apps as global_apps

TRIGGER_SUFFIX = "_append_only"

TRIGGER_FUNCTION = r"""
CREATE OR REPLACE FUNCTION boundaries_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'audit_auditevent' THEN
        IF OLD.action LIKE 'audit.rows.%' THEN
            RAISE EXCEPTION 'append-only: % refused on %: the record of a removal stays', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF current_setting('boundaries.removal', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# Both functions: only tables carrying the append-only trigger, rows named by primary key, the
# path opened for their own statement only, and an event recording what was done (by whom:
# session_user is the role that connected).
REMOVAL_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION boundaries_append_only_key(target regclass, OUT pk text, OUT pk_type text) AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = target AND tgname LIKE '%\_append\_only') THEN
        RAISE EXCEPTION 'not an append-only table: %', target USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT a.attname, format_type(a.atttypid, a.atttypmod) INTO pk, pk_type
      FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE i.indrelid = target AND i.indisprimary;
END;
$$ LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public;

CREATE OR REPLACE FUNCTION boundaries_remove_rows(target regclass, ids text[]) RETURNS bigint AS $$
DECLARE
    key record;
    n bigint;
BEGIN
    key := boundaries_append_only_key(target);
    PERFORM set_config('boundaries.removal', 'on', true);
    EXECUTE format('DELETE FROM %s WHERE %I = ANY(CAST($1 AS %s[]))', target, key.pk, key.pk_type) USING ids;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('boundaries.removal', 'off', true);
    INSERT INTO audit_auditevent (occurred_at, action, object_type, object_id, request_id, detail)
    VALUES (now(), 'audit.rows.removed', target::text, '', '',
            jsonb_build_object('rows', n, 'database_role', session_user::text));
    RETURN n;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public;

CREATE OR REPLACE FUNCTION boundaries_rewrite_rows(target regclass, ids text[], vals jsonb) RETURNS bigint AS $$
DECLARE
    key record;
    sets text;
    n bigint;
BEGIN
    key := boundaries_append_only_key(target);
    IF vals ? key.pk THEN
        RAISE EXCEPTION 'the primary key of % is not rewritten', target;
    END IF;
    SELECT string_agg(format('%I = r.%I', k, k), ', ') INTO sets FROM jsonb_object_keys(vals) AS k;
    IF sets IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('boundaries.removal', 'on', true);
    EXECUTE format('UPDATE %s AS t SET %s FROM jsonb_populate_record(NULL::%s, $2) AS r '
                   'WHERE t.%I = ANY(CAST($1 AS %s[]))', target, sets, target, key.pk, key.pk_type)
        USING ids, vals;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('boundaries.removal', 'off', true);
    INSERT INTO audit_auditevent (occurred_at, action, object_type, object_id, request_id, detail)
    VALUES (now(), 'audit.rows.rewritten', target::text, '', '',
            jsonb_build_object('rows', n, 'columns', (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(vals) AS k),
                               'database_role', session_user::text));
    RETURN n;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public;

REVOKE ALL ON FUNCTION boundaries_remove_rows(regclass, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION boundaries_rewrite_rows(regclass, text[], jsonb) FROM PUBLIC;
"""

REMOVAL_FUNCTION_SIGNATURES = (
    "boundaries_remove_rows(regclass, text[])",
    "boundaries_rewrite_rows(regclass, text[], jsonb)",
)


def is_history_model(model) -> bool:
    """A django-simple-history table (works for the migration state's models too)."""
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges) and not model._meta.proxy


def append_only_tables(apps=global_apps) -> list[str]:
    """The append-only tables: the audit events and digests, and every history table."""
    tables = []
    for model in apps.get_models():
        if model._meta.label_lower in ("audit.auditevent", "audit.auditdigest") or is_history_model(model):
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def is_append_only(model) -> bool:
    return model._meta.db_table in append_only_tables()


def protect_tables(schema_editor, tables):
    """Install (or re-install) the trigger on `tables`; PostgreSQL only. Idempotent."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER_FUNCTION, params=None)
    for table in tables:
        assert len(table + TRIGGER_SUFFIX) <= 63, f"{table}: the trigger's name would be cut short"
        quoted = schema_editor.quote_name(table)
        trigger = schema_editor.quote_name(table + TRIGGER_SUFFIX)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {quoted}", params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {quoted} "
            "FOR EACH ROW EXECUTE FUNCTION boundaries_append_only()",
            params=None,
        )


def protect_history_tables(apps, schema_editor):
    """A migration's RunPython: protect every append-only table the migration state knows."""
    protect_tables(schema_editor, append_only_tables(apps))


def unprotected_tables(connection) -> list[str]:
    """The append-only tables that lack their enabled trigger (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgenabled <> 'D' AND tgname LIKE '%_append_only'")
        present = {row[0] for row in cursor.fetchall()}
    return [table for table in append_only_tables() if table + TRIGGER_SUFFIX not in present]
