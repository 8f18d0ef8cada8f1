"""EXPLAIN ANALYZE of the queue (a page of 25, and its count) for the seeded personas, with the indexes
of cases/migrations/0009 and without them (dropped inside a transaction that is rolled back).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/boundaries_bench .venv/bin/python benchmarks/explain_queue.py

Point DATABASE_URL at a database seeded by benchmarks/pages.py (<name>_bench) or compile_1m.py
(<name>_compile). docs/performance.md "Indexes" records what it printed.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or "boundaries.settings.local"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from benchmarks import seed as seeding  # noqa: E402
from cases.filters import CaseQueueFilter  # noqa: E402
from cases.selectors import case_queue_for  # noqa: E402

NEW_INDEXES = ["case_queue_order", "case_open_by_reviewer", "assessment_latest_per_case", "action_open_by_case"]


def plans(user):
    queue = CaseQueueFilter({}, queryset=case_queue_for(user), user=user).qs
    page_sql, page_params = queue[:25].query.sql_with_params()
    count_sql, count_params = queue.order_by().values("pk").query.sql_with_params()
    return {"page": (page_sql, page_params), "count": (f"SELECT count(*) FROM ({count_sql}) x", count_params)}  # noqa: S608


def explain(sql, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    found = (re.search(r"(Index|Bitmap Index|Seq) Scan[^(]*", line) for line in lines)
    scans = sorted({m.group(0) for m in found if m})
    timing = next(line for line in lines if line.startswith("Execution Time"))
    jit = " JIT" if any(line.startswith("JIT") for line in lines) else ""
    shown = "; ".join(s.strip() for s in scans if "cases_case" in s or "case_" in s)
    return f"{timing.split(': ')[1]:>12}{jit}  {shown}"


def main():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        print(f"{cursor.fetchone()[0]:,} cases")
    users = get_user_model().objects
    for label, index in (("manager", seeding.MANAGER), ("overseer", seeding.OVERSEER)):
        user = users.get(username=f"bench{index:04d}")
        for what, (sql, params) in plans(user).items():
            with_indexes = explain(sql, params)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for name in NEW_INDEXES:
                        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
                without = explain(sql, params)
                transaction.set_rollback(True)
            print(f"{label:9} {what:6} with: {with_indexes}\n{'':16} without: {without}", flush=True)


if __name__ == "__main__":
    main()
