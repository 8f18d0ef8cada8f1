"""The one narrow path that may remove or rewrite rows of append-only tables.

The audit table, the chain of daily digests and the history tables refuse UPDATE and DELETE on
PostgreSQL (audit/append_only.py): the application's database role has no UPDATE or DELETE
privilege on them, and a trigger refuses the owner too. The retention job (and only it) removes
what has fallen due, through `delete_rows` and `update_rows` below. On PostgreSQL these call two
SECURITY DEFINER functions owned by the owner role (`boundaries_remove_rows`,
`boundaries_rewrite_rows`): they work on append-only tables by primary key, open the path for their
own statement only, and write an `audit.rows.removed` / `audit.rows.rewritten` event that nothing
can remove. When audit events of a day already sealed into the daily chain are removed or
rewritten, the day is resealed (audit.chain), so `manage.py audit_verify` still passes and shows it.
How the path is guarded is described in docs/security.md ("Append-only tables").

On SQLite (the embedded first-run database) there are no triggers and these are plain ORM calls.
Models that are not append-only are removed and rewritten with the ORM in every case.

Callers write their own content-free audit event for what they removed.
"""

import datetime
import json
from contextlib import contextmanager

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from audit.append_only import is_append_only

SETTING = "boundaries.removal"


@contextmanager
def removal_path():
    """One transaction for the statements inside, in which `delete_rows` and `update_rows` act.

    Connected as the owner role, on PostgreSQL it also opens the path for plain ORM statements
    inside (the trigger honours it for the owner only); the application's role has no UPDATE or
    DELETE privilege on append-only tables, so there only `delete_rows` and `update_rows` work.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
        # An exception rolls the transaction (or savepoint) back, and the setting with it.
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])


def _through_function(queryset) -> bool:
    return connection.vendor == "postgresql" and is_append_only(queryset.model)


def _audit_days(queryset) -> set[datetime.date]:
    """The UTC days of the audit events in `queryset` (none for other models)."""
    from audit.models import AuditEvent

    if queryset.model is not AuditEvent:
        return set()
    return {t.astimezone(datetime.UTC).date() for t in queryset.values_list("occurred_at", flat=True)}


def _reseal(days):
    if days:
        from audit.chain import reseal_days

        reseal_days(days)


def delete_rows(queryset) -> int:
    """Delete the rows of `queryset` (of any model, append-only or not); returns how many."""
    with removal_path():
        days = _audit_days(queryset)
        if _through_function(queryset):
            ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
            with connection.cursor() as cursor:
                cursor.execute("SELECT boundaries_remove_rows(%s::regclass, %s)", [queryset.model._meta.db_table, ids])
                deleted = cursor.fetchone()[0]
        else:
            deleted, _ = queryset.delete()
        _reseal(days)
    return deleted


def _column_values(model, values: dict) -> dict:
    """Field names to column names, plain values only (no expressions), JSON-ready."""
    columns = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if isinstance(value, models.expressions.Combinable):
            raise TypeError(f"update_rows takes plain values on append-only tables, not {value!r}")
        if isinstance(value, models.Model):
            value = value.pk
        columns[field.column] = value
    return json.loads(json.dumps(columns, cls=DjangoJSONEncoder))


def update_rows(queryset, **values) -> int:
    """Rewrite `values` on the rows of `queryset` (anonymising); returns how many."""
    with removal_path():
        days = _audit_days(queryset)
        if _through_function(queryset):
            ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
            columns = json.dumps(_column_values(queryset.model, values))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT boundaries_rewrite_rows(%s::regclass, %s, %s::jsonb)",
                    [queryset.model._meta.db_table, ids, columns],
                )
                changed = cursor.fetchone()[0]
        else:
            changed = queryset.update(**values)
        _reseal(days)
    return changed
