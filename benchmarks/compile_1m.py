"""Benchmark (not a test): the quarterly compile at 1,000,000 cases against raw SQL for the same aggregates.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boundaries
    .venv/bin/python benchmarks/compile_1m.py                  # 1,000,000 cases, seeded once and kept
    .venv/bin/python benchmarks/compile_1m.py --cases 100000 --reseed

It works in its own database, "<name>_compile" beside the one DATABASE_URL names, seeded with plain
SQL by benchmarks/seed.py (generate_series: about a minute per 100,000 cases on 2 cores). It prints
the seconds and queries of the figures (report_figures and the snapshot) and of the whole compile
(figures, charts, PDF, CSV, XLSX), then the seconds of hand-written SQL computing the same aggregates
(the trend, the counts by category, team, priority and risk band, outcomes, kinds), and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("DATABASE_URL", "")
if not URL.startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:5432/name).")
PARTS = urllib.parse.urlsplit(URL)
NAME = PARTS.path.lstrip("/") + "_compile"
os.environ["DATABASE_URL"] = PARTS._replace(path="/" + NAME).geturl()
os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or "boundaries.settings.local"
os.environ.setdefault("MPLCONFIGDIR", str(ROOT / ".cache" / "matplotlib"))


def _create_database(reseed: bool) -> bool:
    import psycopg2

    conn = psycopg2.connect(PARTS._replace(path="/postgres").geturl())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME])
        exists = cursor.fetchone()
        if exists and reseed:
            cursor.execute(f'DROP DATABASE "{NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            cursor.execute(f'CREATE DATABASE "{NAME}"')
    conn.close()
    return not exists


FRESH = _create_database("--reseed" in sys.argv)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import seed as seeding  # noqa: E402

# The same aggregates as reporting.selectors.report_figures, written by hand.
RAW_SQL = {
    "trend": """
        SELECT count(*) FILTER (WHERE opened_at >= %(start)s AND opened_at < %(end)s),
               count(*) FILTER (WHERE closed_at >= %(start)s AND closed_at < %(end)s),
               count(*) FILTER (WHERE opened_at < %(end)s AND (closed_at IS NULL OR closed_at >= %(end)s))
        FROM cases_case WHERE opened_at < %(end)s AND NOT coalesce(closed_at < %(trend_start)s, false)
    """,
    "disclosures": """
        SELECT kind, count(*) FROM disclosures_disclosure
        WHERE status = 'submitted' AND submitted_at >= %(start)s AND submitted_at < %(end)s GROUP BY kind
    """,
    "by category, team, priority": """
        SELECT category_id, team_id, priority,
               count(*) FILTER (WHERE opened_at >= %(start)s AND opened_at < %(end)s),
               count(*) FILTER (WHERE closed_at >= %(start)s AND closed_at < %(end)s),
               count(*) FILTER (WHERE closed_at IS NULL OR closed_at >= %(end)s)
        FROM cases_case WHERE opened_at < %(end)s AND (closed_at IS NULL OR closed_at >= %(start)s)
        GROUP BY GROUPING SETS ((category_id), (team_id), (priority))
    """,
    "by risk band": """
        WITH latest AS (
            SELECT DISTINCT ON (case_id) case_id, score FROM cases_riskassessment
            WHERE assessed_at < %(end)s ORDER BY case_id, assessed_at DESC, id DESC
        )
        SELECT b.code, count(*) FILTER (WHERE c.opened_at >= %(start)s),
               count(*) FILTER (WHERE c.closed_at >= %(start)s AND c.closed_at < %(end)s),
               count(*) FILTER (WHERE c.closed_at IS NULL OR c.closed_at >= %(end)s)
        FROM cases_case c LEFT JOIN latest l ON l.case_id = c.id
        LEFT JOIN cases_riskband b ON l.score BETWEEN b.min_score AND b.max_score
        WHERE c.opened_at < %(end)s AND (c.closed_at IS NULL OR c.closed_at >= %(start)s)
        GROUP BY b.code
    """,
    "outcomes": """
        SELECT outcome, count(*) FROM cases_case WHERE closed_at >= %(start)s AND closed_at < %(end)s GROUP BY outcome
    """,
}


def raw_seconds(quarter) -> float:
    trend = [*quarter.previous_n(4), quarter]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for q in trend:  # the product counts the five quarters in one statement; here one each
            cursor.execute(RAW_SQL["trend"], {"start": q.start_at, "end": q.end_at, "trend_start": trend[0].start_at})
        params = {"start": quarter.start_at, "end": quarter.end_at}
        for name, sql in RAW_SQL.items():
            if name != "trend":
                cursor.execute(sql, params)
                cursor.fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--quarter", type=int, default=3)
    args = parser.parse_args()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("migrate", verbosity=0)
    if FRESH:
        print(f"Seeding {NAME} with {args.cases:,} cases …", flush=True)
        org = seeding.seed(args.cases)
        print(f"  seeded in {org['seconds']:.0f} s", flush=True)

    from reporting.models import QuarterlyReport
    from reporting.periods import Quarter
    from reporting.selectors import report_figures
    from reporting.services import report_compile
    from reporting.snapshot import snapshot_build

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        total = cursor.fetchone()[0]
    load = os.getloadavg()
    print(f"{total:,} cases; PostgreSQL {connection.pg_version}; load average {load[0]:.2f}", flush=True)
    quarter = Quarter(args.year, args.quarter)
    raw_seconds(quarter)  # warm the buffers for both
    report_figures(quarter=quarter)
    figures, raw = [], []
    for _ in range(2):  # interleaved, the best of two each
        with CaptureQueriesContext(connection) as figures_queries:
            started = time.perf_counter()
            snapshot_build(report_figures(quarter=quarter), threshold=settings.REPORT_SUPPRESSION_THRESHOLD)
            figures.append(time.perf_counter() - started)
        raw.append(raw_seconds(quarter))
    report = QuarterlyReport.objects.create(
        year=quarter.year, quarter=quarter.number, trigger="command",
        revision=(QuarterlyReport.objects.filter(year=quarter.year, quarter=quarter.number).count() + 1),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as compile_queries:
        started = time.perf_counter()
        report_compile(report_id=report.pk)
        compile_seconds = time.perf_counter() - started
    report.refresh_from_db()
    assert report.status == "ready", report.last_error
    print(
        f"{quarter}: figures {min(figures):.2f} s ({len(figures_queries)} queries); raw SQL for the same "
        f"aggregates {min(raw):.2f} s; ratio {min(figures) / min(raw):.2f}×; whole compile {compile_seconds:.2f} s "
        f"({len(compile_queries)} queries)",
        flush=True,
    )


if __name__ == "__main__":
    main()
