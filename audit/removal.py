"""The one narrow path that may remove or rewrite rows of append-only tables.

The audit table and the history tables refuse UPDATE and DELETE on PostgreSQL. The retention
job (and only it) removes what has fallen due, through `delete_rows` and `update_rows` below.
On PostgreSQL each call opens the path for the current transaction only (a transaction-local
setting the triggers read); how the path is guarded against the application's own database
role is described in docs/security.md. On SQLite (the embedded first-run database) there are
no triggers and these are plain ORM calls.

Callers write their own content-free audit event for what they removed.
"""

from contextlib import contextmanager

from django.db import connection, transaction

SETTING = "boundaries.removal"


@contextmanager
def removal_path():
    """Open the narrow path for the statements inside (within one transaction)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])


def delete_rows(queryset) -> int:
    """Delete the rows of `queryset` (of any model, append-only or not); returns how many."""
    with removal_path():
        deleted, _ = queryset.delete()
    return deleted


def update_rows(queryset, **values) -> int:
    """Rewrite `values` on the rows of `queryset` (anonymising); returns how many."""
    with removal_path():
        return queryset.update(**values)
