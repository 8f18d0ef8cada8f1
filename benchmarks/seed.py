"""Seed a benchmark database fast: organisation rows through the ORM, the bulk in plain SQL.

Shared by benchmarks/pages.py and benchmarks/compile_1m.py. Never for app code: the bulk rows are
written with INSERT … SELECT FROM generate_series, so they skip django-simple-history and the
services (a benchmark database only).

The organisation (for N cases):

- 45 teams: one directorate, 4 divisions, 10 teams under each division.
- 2,000 staff spread over the 40 teams. Staff 0–99 are reviewers (line managers), each the reviewer
  of N/100 cases (1,000 at 100,000). Staff 100 is a senior manager over division 1, who oversees
  the cases of its 10 teams (a quarter of all cases: 25,000 at 100,000). Staff 101 is the auditor,
  102 the safeguarding lead (who sees the 5 % of cases marked safeguarding, and the patterns page).
  Staff 200–219 are workers who file disclosures in the concurrent filing test.
- Each case: one subject, one submitted disclosure (its reporter), one action, a risk assessment
  for 60 % of them, two timeline entries; 2 % are shared with a second reviewer, 1 % restricted
  to their reviewer; 60 % are closed. Opened over the last two years.
- 5 audit events per case; a pattern alert for every 200 cases, each joining 4 cases about one subject.
"""

from __future__ import annotations

import datetime
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

from core.roles import Role

STAFF = 2000
REVIEWERS = 100
MANAGER, OVERSEER, AUDITOR, LEAD = 0, 100, 101, 102
FILERS = range(200, 220)
PASSWORD = "!"  # unusable: the benchmark signs people in with a session made for them


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, {} if params is None else params)


def seed_organisation() -> dict:
    """Teams, users, staff and roles; returns the staff ids by role and the leaf team ids."""
    from people.models import StaffMember, Team

    User = get_user_model()
    root = Team.objects.create(name="Bench directorate")
    divisions = [Team.objects.create(name=f"Bench division {d}", parent=root) for d in range(4)]
    leaves = Team.objects.bulk_create(
        [Team(name=f"Bench team {d}-{t}", parent=divisions[d]) for d in range(4) for t in range(10)]
    )
    users = User.objects.bulk_create(
        [
            User(username=f"bench{i:04d}", first_name=f"Bench{i:04d}", last_name="Person", password=PASSWORD)
            for i in range(STAFF)
        ]
    )
    staff = StaffMember.objects.bulk_create(
        [
            StaffMember(
                user=u,
                staff_number=f"B{i:05d}",
                job_title="Support worker",
                team=divisions[1] if i == OVERSEER else leaves[i % 40],
                start_date=datetime.date(2020, 1, 1),
            )
            for i, u in enumerate(users)
        ]
    )
    roles = {
        Role.LINE_MANAGER: range(REVIEWERS),
        Role.SENIOR_MANAGER: [OVERSEER],
        Role.AUDITOR: [AUDITOR],
        Role.SAFEGUARDING_LEAD: [LEAD],
        Role.WORKER: range(STAFF),
    }
    for role, members in roles.items():
        Group.objects.get(name=role.value).user_set.add(*[users[i] for i in members])
    return {"staff": [s.pk for s in staff], "users": [u.pk for u in users], "leaves": [t.pk for t in leaves]}


def seed_cases(n: int, org: dict, *, start_id: int = 1) -> None:
    """N cases with their subject, disclosure, action, assessment, timeline, sharing and audit rows."""
    staff = org["staff"]
    params = {
        "first": start_id,
        "last": start_id + n - 1,
        "staff": staff,
        "leaves": org["leaves"],
        "reviewers": REVIEWERS,
        "nstaff": STAFF,
    }
    with transaction.atomic():
        _sql("SELECT setseed(0.42)")
        _sql(
            """
            CREATE TEMP TABLE bench_case ON COMMIT DROP AS
            SELECT g AS id, random() AS r, random() AS r2,
                   now() - (random() * interval '730 days') AS opened_at
            FROM generate_series(%(first)s, %(last)s) g
            """,
            params,
        )
        _sql(
            """
            INSERT INTO cases_case (id, reference, status, priority, is_safeguarding, is_restricted, is_speak_up,
                acknowledge_by_date, opened_at, acknowledged_at, closed_at, version, outcome_summary_for_reporter,
                category_id, reviewer_id, team_id, lessons, next_review_date, outcome, outcome_notes)
            SELECT b.id, 'C-B-' || lpad(b.id::text, 7, '0'),
                   CASE WHEN b.r < 0.6 THEN 'closed'
                        ELSE (ARRAY['new','fact_finding','action_plan','monitoring'])[1 + ((b.id / 100) %% 4)] END,
                   (ARRAY['urgent','high','normal','normal','normal'])[1 + ((b.id / 7) %% 5)],
                   b.r2 < 0.05, b.id %% 97 = 7, false,
                   (b.opened_at + interval '5 days')::date, b.opened_at, b.opened_at + interval '1 day',
                   CASE WHEN b.r < 0.6 THEN b.opened_at + interval '30 days' END, 1, '',
                   (SELECT array_agg(id ORDER BY id) FROM policies_boundarycategory)[
                       1 + (b.id %% (SELECT count(*) FROM policies_boundarycategory))],
                   (%(staff)s::bigint[])[1 + (b.id %% %(reviewers)s)],
                   (%(leaves)s::bigint[])[1 + ((b.id / %(reviewers)s) %% 40)],
                   '', CASE WHEN b.r >= 0.6 THEN (b.opened_at + interval '60 days')::date END,
                   CASE WHEN b.r < 0.6 THEN 'no_further_action' ELSE '' END, ''
            FROM bench_case b
            """,
            params,
        )
        # Subjects and reporters are ordinary workers (never the personas 0-299).
        _sql(
            """
            INSERT INTO cases_case_subjects (case_id, staffmember_id)
            SELECT id, (%(staff)s::bigint[])[301 + ((id * 13) %% (%(nstaff)s - 300))] FROM bench_case
            """,
            params,
        )
        _sql(
            """
            INSERT INTO cases_case_restricted_to (case_id, staffmember_id)
            SELECT c.id, c.reviewer_id FROM cases_case c JOIN bench_case b ON b.id = c.id WHERE c.is_restricted
            """
        )
        _sql(
            """
            INSERT INTO cases_case_shared_with (case_id, staffmember_id)
            SELECT id, (%(staff)s::bigint[])[1 + ((id + 1) %% %(reviewers)s)] FROM bench_case WHERE id %% 50 = 3
            """,
            params,
        )
        _sql(
            """
            INSERT INTO disclosures_disclosure (reference, status, kind, location, narrative, immediate_action,
                at_risk_now, details, speak_up, good_faith_confirmed, created_at, submitted_at, updated_at,
                case_id, category_id, reporter_id)
            SELECT 'D-B-' || lpad(c.id::text, 7, '0'), 'submitted',
                   (ARRAY['self_declaration','incident','concern','variation'])[1 + (c.id %% 4)], '',
                   'What happened, in the worker''s words.', '', false, '{}'::jsonb, false, false,
                   c.opened_at, c.opened_at, c.opened_at, c.id, c.category_id,
                   (%(staff)s::bigint[])[301 + ((c.id * 17) %% (%(nstaff)s - 300))]
            FROM cases_case c JOIN bench_case b ON b.id = c.id
            """,
            params,
        )
        _sql(
            """
            INSERT INTO cases_action (details, due_date, status, created_at, case_id, created_by_id, owner_id,
                template_id, not_possible_reason)
            SELECT 'Supervision', (c.opened_at + interval '14 days')::date,
                   CASE WHEN c.status = 'closed' THEN 'cancelled' ELSE 'open' END, c.opened_at, c.id,
                   c.reviewer_id, c.reviewer_id, (SELECT min(id) FROM cases_actiontemplate), ''
            FROM cases_case c JOIN bench_case b ON b.id = c.id
            """
        )
        _sql(
            """
            INSERT INTO cases_riskassessment (assessed_at, likelihood, consequence, factor_vulnerable,
                factor_power_imbalance, factor_sexual, factor_financial, factor_lone_working, factor_repeated,
                risk_to_service_user, risk_to_worker, risk_to_organisation, mitigation, residual_likelihood,
                residual_consequence, assessed_by_id, case_id)
            SELECT c.opened_at + interval '2 days', 1 + c.id %% 5, 1 + (c.id / 5) %% 5,
                   false, false, false, false, false, false,
                   '', '', '', '', 1, 1, c.reviewer_id, c.id
            FROM cases_case c JOIN bench_case b ON b.id = c.id WHERE b.r2 < 0.6
            """
        )
        _sql(
            """
            INSERT INTO cases_timelineentry (at, code, text, actor_id, case_id)
            SELECT c.opened_at + k * interval '1 hour', 'note', 'A note on the case.', NULL, c.id
            FROM cases_case c JOIN bench_case b ON b.id = c.id, generate_series(1, 2) k
            """
        )
        _sql(
            """
            INSERT INTO audit_auditevent (occurred_at, action, object_type, object_id, request_id, detail, actor_id)
            SELECT b.opened_at + k * interval '1 minute', 'cases.case.viewed', 'cases.case', b.id::text, '',
                   '{}'::jsonb, (%(users)s::int[])[1 + (b.id %% 100)]
            FROM bench_case b, generate_series(1, 5) k
            """,
            {**params, "users": org["users"]},
        )
        _sql(
            """
            INSERT INTO cases_patternalert (id, key, state, raised_at, updated_at, note, rule_id)
            SELECT g, 'staff:' || (%(staff)s::bigint[])[301 + g %% (%(nstaff)s - 300)], 'new',
                   now() - g * interval '1 hour', now(), '',
                   (SELECT array_agg(id ORDER BY id) FROM cases_patternrule)[1 + (g / (%(nstaff)s - 300)) %% 3]
            FROM generate_series(%(first)s / 200 + 1, %(last)s / 200) g
            """,
            params,
        )
        _sql(
            """
            INSERT INTO cases_patternalert_cases (patternalert_id, case_id)
            SELECT g, g * 200 - k
            FROM generate_series(%(first)s / 200 + 1, %(last)s / 200) g, generate_series(0, 3) k
            """,
            params,
        )
    for table in ("cases_case", "cases_patternalert"):
        _sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608


def seed(n: int) -> dict:
    started = time.perf_counter()
    org = seed_organisation()
    seed_cases(n, org)
    _sql("ANALYZE")
    org["seconds"] = time.perf_counter() - started
    return org
