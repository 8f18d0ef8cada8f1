"""Benchmark (not a test): seed N cases over two years on PostgreSQL and time the quarterly report.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boundaries
    .venv/bin/python benchmarks/report_compile.py --cases 10000 100000

It never touches the database DATABASE_URL names: like the test runner it creates a throw-away
"test_<name>" database next to it, migrates it, seeds it with bulk_create (fine for a benchmark
database, never for app code: it skips history) and drops it at the end. For each N it prints the
seconds and queries of the figures alone and of the whole compile (figures, charts, PDF, CSV, XLSX).
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# An empty value counts as unset (a shell that exports DJANGO_SETTINGS_MODULE= would break Django).
os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or "boundaries.settings.local"
os.environ.setdefault("MPLCONFIGDIR", str(ROOT / ".cache" / "matplotlib"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

QUARTER = (2026, 2)
BATCH = 5000


def seed(target: int, rng: random.Random, state: dict) -> None:
    """Add cases (with a disclosure, a subject, an action, and often an assessment and a referral
    answer) until there are `target`, opened at random over the two years to the quarter's end."""
    from cases.models import Action, ActionTemplate, Case, PromptAnswer, RiskAssessment
    from disclosures.models import Disclosure
    from people.models import StaffMember, Team
    from policies.models import BoundaryCategory

    if not state:
        teams = Team.objects.bulk_create([Team(name=f"Bench team {i:02d}") for i in range(20)])
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"bench{i}", password="!") for i in range(500)]
        )
        state["staff"] = StaffMember.objects.bulk_create(
            [
                StaffMember(user=u, staff_number=f"B{i:05d}", job_title="Support worker", team=teams[i % 20],
                            start_date=datetime.date(2020, 1, 1))
                for i, u in enumerate(users)
            ]
        )  # fmt: skip
        state.update(teams=teams, categories=list(BoundaryCategory.objects.all()), made=0)
        state["template"] = ActionTemplate.objects.first()
    end = datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)
    span = 2 * 365 * 86400
    through = Case.subjects.through
    while state["made"] < target:
        n = min(BATCH, target - state["made"])
        cases = []
        for i in range(n):
            opened = end - datetime.timedelta(seconds=rng.randrange(span))
            closed = opened + datetime.timedelta(days=rng.randint(1, 200)) if rng.random() < 0.75 else None
            if closed and closed > end + datetime.timedelta(days=30):
                closed = None
            cases.append(
                Case(
                    reference=f"C-B-{state['made'] + i:07d}",
                    status="closed" if closed else rng.choice(["new", "fact_finding", "action_plan", "monitoring"]),
                    category=rng.choice(state["categories"]),
                    priority=rng.choice(["urgent", "high", "normal", "normal"]),
                    team=rng.choice(state["teams"]),
                    acknowledge_by_date=(opened + datetime.timedelta(days=5)).date(),
                    opened_at=opened,
                    acknowledged_at=opened + datetime.timedelta(hours=rng.randint(1, 200)),
                    closed_at=closed,
                    outcome=rng.choice(["guidance", "training", "no_further_action"]) if closed else "",
                    next_review_date=(opened + datetime.timedelta(days=rng.randint(10, 120))).date(),
                    lessons="Lessons text",
                )
            )
        cases = Case.objects.bulk_create(cases)
        staff = state["staff"]
        through.objects.bulk_create([through(case_id=c.pk, staffmember_id=rng.choice(staff).pk) for c in cases])
        Disclosure.objects.bulk_create(
            [
                Disclosure(reference=f"D-B-{c.pk:07d}", status="submitted", kind=rng.choice(
                    ["self_declaration", "incident", "concern", "variation"]), category=c.category, reporter=staff[0],
                    narrative="Narrative", submitted_at=c.opened_at, case=c)
                for c in cases
            ]
        )  # fmt: skip
        RiskAssessment.objects.bulk_create(
            [
                RiskAssessment(case=c, assessed_by=staff[1], assessed_at=c.opened_at + datetime.timedelta(days=2),
                               likelihood=rng.randint(1, 5), consequence=rng.randint(1, 5), residual_likelihood=1,
                               residual_consequence=1)
                for c in cases if rng.random() < 0.6
            ]
        )  # fmt: skip
        PromptAnswer.objects.bulk_create(
            [
                PromptAnswer(case=c, prompt=rng.choice(["police", "dbs", "safeguarding_referral", "regulator"]),
                             referral_made=rng.random() < 0.5, reason="Reason", answered_by=staff[1],
                             answered_date=(c.opened_at + datetime.timedelta(days=3)).date())
                for c in cases if rng.random() < 0.3
            ]
        )  # fmt: skip
        Action.objects.bulk_create(
            [
                Action(case=c, template=state["template"], owner=staff[1], created_by=staff[1],
                       created_at=c.opened_at, due_date=(c.opened_at + datetime.timedelta(days=14)).date(),
                       status="open" if c.closed_at is None else "cancelled")
                for c in cases
            ]
        )  # fmt: skip
        state["made"] += n
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(cases: int) -> None:
    from reporting.models import QuarterlyReport
    from reporting.periods import Quarter
    from reporting.selectors import report_figures
    from reporting.services import report_compile, report_file_bytes
    from reporting.snapshot import snapshot_build

    quarter = Quarter(*QUARTER)
    report_figures(quarter=quarter)  # warm the caches once, as a running server would be
    with CaptureQueriesContext(connection) as figures_queries:
        started = time.perf_counter()
        snapshot_build(report_figures(quarter=quarter), threshold=settings.REPORT_SUPPRESSION_THRESHOLD)
        figures_seconds = time.perf_counter() - started
    report = QuarterlyReport.objects.create(
        year=quarter.year, quarter=quarter.number, trigger="command",
        revision=QuarterlyReport.objects.count() + 1,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as compile_queries:
        started = time.perf_counter()
        report_compile(report_id=report.pk)
        compile_seconds = time.perf_counter() - started
    report.refresh_from_db()
    assert report.status == "ready", report.last_error
    print(
        f"{cases:>8,} cases | figures {figures_seconds:6.2f} s, {len(figures_queries):3d} queries "
        f"| whole compile {compile_seconds:6.2f} s, {len(compile_queries):3d} queries "
        f"| PDF {len(report_file_bytes(report, 'pdf')) // 1024} KiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000], help="case counts to measure")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:5432/name).")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        rng, state = random.Random(args.seed), {}
        print(f"PostgreSQL {connection.cursor().connection.info.server_version}; quarter {QUARTER[0]}-Q{QUARTER[1]}")
        for n in sorted(args.cases):
            started = time.perf_counter()
            seed(n, rng, state)
            print(f"  (seeded up to {n:,} cases in {time.perf_counter() - started:.0f} s)", flush=True)
            measure(n)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
