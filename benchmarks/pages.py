# ruff: noqa: S603, S607 (a benchmark that starts gunicorn and wrk from the PATH)
"""Benchmark (not a test): the product's pages against a bare Django project, same machine, same run.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/boundaries REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python benchmarks/pages.py                 # 100,000 cases, seeded once and kept
    .venv/bin/python benchmarks/pages.py --cases 20000 --reseed --duration 5

It works in its own database, "<name>_bench" beside the one DATABASE_URL names (created, migrated
and seeded by benchmarks/seed.py the first time; --reseed starts again). It starts two gunicorn
servers with 2 sync workers each (`--no-control-socket`), DEBUG off and persistent connections:
the product with its production settings, and the bare project in benchmarks/bare/ (a paginated
list with select_related and a COUNT, a detail page with 10 related rows, the Django admin
changelist). For each page it runs `wrk -t2 -c8` on the bare page and the product's page in turn,
`--rounds` times, and prints req/s, p50/p99 latency, queries per request, bytes and the ratio of the
product's req/s to the bare page's (the median of the per-round ratios: robust to other load on
the machine). Then the filing figures: CPU per request of each step at c=1 (gunicorn workers'
CPU from /proc, against the bare detail page's), and 20 workers filing at once.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH = Path(__file__).resolve().parent
SECRET = "benchmark-secret-key-not-for-production-0123456789abcdefghij"


def _database_urls() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:5432/name).")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    return parts._replace(path="/" + name).geturl(), name


BENCH_URL, BENCH_NAME = _database_urls()
SERVER_ENV = {
    "DATABASE_URL": BENCH_URL,
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "False",
    "DJANGO_BEHIND_TLS_PROXY": "True",
    "DATABASE_CONN_MAX_AGE": "600",
    "MPLCONFIGDIR": str(ROOT / ".cache" / "matplotlib"),
}
os.environ.update(SERVER_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"


def _create_database(reseed: bool) -> bool:
    """Create the benchmark database if needed; True when it must be seeded."""
    import psycopg2

    conn = psycopg2.connect(urllib.parse.urlsplit(BENCH_URL)._replace(path="/postgres").geturl())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_NAME])
        exists = cursor.fetchone()
        if exists and reseed:
            cursor.execute(f'DROP DATABASE "{BENCH_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            cursor.execute(f'CREATE DATABASE "{BENCH_NAME}"')
    conn.close()
    return not exists


import django  # noqa: E402

FRESH = _create_database("--reseed" in sys.argv)
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts import testing as account_testing  # noqa: E402
from benchmarks import seed as seeding  # noqa: E402

HEADERS = {"X-Forwarded-Proto": "https"}


# Setting up ---------------------------------------------------------------------------------


def prepare(cases: int, fresh: bool) -> None:
    call_command("migrate", verbosity=0)  # also adds any new index to a kept database
    if fresh:
        print(f"Seeding {BENCH_NAME} with {cases:,} cases …", flush=True)
        org = seeding.seed(cases)
        print(f"  seeded in {org['seconds']:.0f} s", flush=True)
        rich_case_add()


def staff_user(index: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=f"bench{index:04d}")


def rich_case():
    from cases.models import Case

    return Case.objects.get(reference="C-B-RICH")


def rich_case_add() -> None:
    """The manager's case shown on the case page: 10 actions, 3 assessments, 10 timeline entries."""
    from cases.models import Action, ActionTemplate, Case, RiskAssessment, TimelineEntry
    from people.models import StaffMember

    template = Case.objects.filter(reviewer__user__username="bench0000", status="fact_finding").first()
    reviewer = StaffMember.objects.get(user__username="bench0000")
    case = Case.objects.get(pk=template.pk)
    case.pk, case.id, case.reference = None, None, "C-B-RICH"
    case.save()
    case.subjects.set(template.subjects.all())
    template.disclosures.first().__class__.objects.create(
        reference="D-B-RICH", status="submitted", kind="incident", narrative="What happened.",
        submitted_at=case.opened_at, case=case, category=case.category,
        reporter=template.disclosures.first().reporter,
    )  # fmt: skip
    action_template = ActionTemplate.objects.first()
    Action.objects.bulk_create(
        [
            Action(case=case, template=action_template, owner=reviewer, created_by=reviewer,
                   due_date=case.opened_at.date(), details=f"Action {i}")
            for i in range(10)
        ]
    )  # fmt: skip
    RiskAssessment.objects.bulk_create(
        [
            RiskAssessment(
                case=case,
                assessed_by=reviewer,
                likelihood=3,
                consequence=i + 2,
                residual_likelihood=1,
                residual_consequence=2,
            )
            for i in range(3)
        ]  # fmt: skip
    )
    TimelineEntry.objects.bulk_create(
        [TimelineEntry(case=case, code="note", text=f"Note {i}", actor=reviewer.user) for i in range(10)]
    )


def product_session(user) -> str:
    """A session cookie for a full sign-in (password and second factor), as after the log-in pages."""
    account_testing.install()
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def bare_session(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def bare_admin_session() -> str:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "password": "!"}
    )
    return bare_session(user)


# Servers ------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, port: int, app: str, env: dict, pythonpath: str | None = None):
        self.name, self.port = name, port
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), app, "--workers", "2", "--worker-class", "sync",
                   "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "120",
                   "--log-level", "warning"]  # fmt: skip
        if pythonpath:
            command += ["--pythonpath", pythonpath]
        self.log = open(BENCH / f".{name}-gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stderr=self.log)
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                import requests

                requests.get(self.url + "/healthz" if name == "product" else self.url + "/plain", timeout=5)
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.2)

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


# Measuring ----------------------------------------------------------------------------------


def wrk(url: str, cookie: str | None, duration: int, connections: int = 8) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency"]
    command += ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def in_process(client: Client, path: str) -> tuple[int, int, int]:
    """Queries and bytes of one request, served in this process with the same settings."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=HEADERS)
    return len(queries), len(response.content), response.status_code


def fmt_ms(value: float) -> str:
    return f"{value:7.0f}" if value >= 10 else f"{value:7.1f}"


def compare(rows, product, bare, duration, rounds):
    """Each page beside its bare page, interleaved round by round."""
    print(f"\n{'page':44} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'queries':>7} {'bytes':>8} | "
          f"{'bare':22} {'req/s':>7} {'ratio':>6}", flush=True)  # fmt: skip
    results = {}
    for label, cookie, path, client, bare_label, bare_path, bare_cookie in rows:
        queries, size, status = in_process(client, path) if client else (None, None, None)
        if status not in (None, 200):
            print(f"{label}: status {status}", flush=True)
        runs, bare_runs = [], []
        for _ in range(rounds):
            bare_runs.append(wrk(bare.url + bare_path, bare_cookie, duration))
            runs.append(wrk(product.url + path, cookie, duration))
        ratios = [r["rps"] / b["rps"] if b["rps"] else 0 for r, b in zip(runs, bare_runs, strict=True)]
        best = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
        bare_rps = statistics.median(b["rps"] for b in bare_runs)
        errors = sum(r["errors"] + r["timeouts"] for r in runs)
        print(
            f"{label:44} {best['rps']:7.1f} {fmt_ms(best['p50'])} {fmt_ms(best['p99'])} "
            f"{queries if queries is not None else '-':>7} {size if size is not None else '-':>8} | "
            f"{bare_label:22} {bare_rps:7.1f} {statistics.median(ratios):5.2f}×"
            + (f"  ({errors} errors)" if errors else ""),
            flush=True,
        )
        results[label] = {"rps": best["rps"], "bare": bare_rps, "ratio": statistics.median(ratios)}
    return results


# Filing -------------------------------------------------------------------------------------


GIFT = {"gift_item": "A box of chocolates", "gift_value": "12.50", "gift_from_whom": "service_user",
        "gift_response": "declined", "narrative": "JB offered me chocolates at the end of my shift."}  # fmt: skip


class Filer:
    """One worker's browser: the four steps of filing a gift declaration, over HTTP."""

    def __init__(self, base: str, cookie_name: str, session_key: str, category_id: int, service_user_id: int):
        import requests

        self.http = requests.Session()
        origin = base.replace("http:", "https:")
        self.http.headers.update({**HEADERS, "Origin": origin, "Referer": origin + "/disclosures/new/"})
        # The production cookies are Secure (__Host-…): kept here and sent by hand over plain HTTP.
        self.jar = {cookie_name: session_key}
        self.base, self.category, self.service_user = base, category_id, service_user_id

    def _send(self, method, url, **kwargs):
        cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        response = self.http.request(method, url, headers={"Cookie": cookie}, **kwargs)
        self.jar.update({c.name: c.value for c in response.cookies})
        return response

    def token(self, response) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

    def steps(self):
        """Yields (step name, seconds) for each request of one filing."""
        url = self.base + "/disclosures/new/"
        started = time.perf_counter()
        page = self._send("GET", url)
        yield "1 kind (GET)", time.perf_counter() - started
        data = {"csrfmiddlewaretoken": self.token(page), "step": "kind", "kind": "self_declaration"}
        started = time.perf_counter()
        page = self._send("POST", url, data=data)
        yield "2 category (POST)", time.perf_counter() - started
        data.update(step="category", category=self.category, csrfmiddlewaretoken=self.token(page))
        started = time.perf_counter()
        page = self._send("POST", url, data=data)
        yield "3 details (POST)", time.perf_counter() - started
        data.update(step="details", action="submit", service_users=[self.service_user], **GIFT)
        data["csrfmiddlewaretoken"] = self.token(page)
        started = time.perf_counter()
        done = self._send("POST", url, data=data, allow_redirects=False)
        assert done.status_code == 302, (done.status_code, done.text[:2000])
        yield "4 submit (POST)", time.perf_counter() - started


def filing(product, bare, bare_cookie, rich_pk, filers, filings, sequential):
    from people.models import ServiceUser, StaffMember, Team
    from policies.models import BoundaryCategory

    category = BoundaryCategory.objects.get(code="gifts-money")
    team = Team.objects.get(name="Bench team 0-0")
    service_user, _ = ServiceUser.objects.get_or_create(reference="SU-BENCH", defaults={"initials": "JB", "team": team})
    people = []
    for i in seeding.FILERS[:filers]:
        user = staff_user(i)
        StaffMember.objects.filter(user=user).update(team=team)
        people.append(product_session(user))
    name = settings.SESSION_COOKIE_NAME

    # CPU per request at c=1: the gunicorn workers' CPU time over `sequential` requests.
    print(f"\nFiling at c=1 ({sequential} filings; gunicorn workers' CPU per request):", flush=True)
    start = bare.cpu_seconds()
    import requests

    http = requests.Session()
    for _ in range(sequential * 10):
        http.get(f"{bare.url}/detail/{rich_pk}", headers={"Cookie": bare_cookie})
    bare_cpu = (bare.cpu_seconds() - start) / (sequential * 10) * 1000
    print(f"  {'bare detail page':22} {bare_cpu:6.1f} ms CPU", flush=True)
    filer = Filer(product.url, name, people[0], category.pk, service_user.pk)
    for _ in range(2):  # warm both workers (templates, per-process caches), as a running server is
        list(filer.steps())
    cpu, wall = {}, {}
    for _ in range(sequential):
        before = product.cpu_seconds()
        for step, seconds in filer.steps():
            after = product.cpu_seconds()
            cpu.setdefault(step, []).append(after - before)
            wall.setdefault(step, []).append(seconds)
            before = after
    for step in cpu:
        ms = statistics.mean(cpu[step]) * 1000
        print(f"  {step:22} {ms:6.1f} ms CPU ({ms / bare_cpu:4.1f}× bare detail), "
              f"p50 {statistics.median(wall[step]) * 1000:4.0f} ms", flush=True)  # fmt: skip

    # Concurrent: `filers` workers, `filings` in all.
    from disclosures.models import Disclosure

    before_count = Disclosure.objects.filter(status="submitted").count()
    submits, failures, lock = [], [], threading.Lock()
    per_worker = filings // filers

    def work(session_key):
        worker = Filer(product.url, name, session_key, category.pk, service_user.pk)
        for _ in range(per_worker):
            try:
                for step, seconds in worker.steps():
                    if step.startswith("4"):
                        with lock:
                            submits.append(seconds)
            except Exception as exc:  # noqa: BLE001 - counted and shown
                with lock:
                    failures.append(repr(exc)[:200])

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(key,)) for key in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    saved = Disclosure.objects.filter(status="submitted").count() - before_count
    submits.sort()
    p95 = submits[int(len(submits) * 0.95) - 1] if submits else float("nan")
    print(
        f"\nFiling with {filers} workers at once, {per_worker * filers} filings: submit POST "
        f"p50 {statistics.median(submits) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {submits[-1] * 1000:.0f} ms; "
        f"{saved} saved, {len(failures)} failed; {elapsed:.0f} s in all",
        flush=True,
    )
    for failure in failures[:3]:
        print("   ", failure)


# Main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark database and seed it again")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per page")
    parser.add_argument("--filers", type=int, default=20)
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--sequential", type=int, default=10, help="filings at c=1 for the CPU figures")
    parser.add_argument("--only", default="", help="run only pages whose label contains this")
    parser.add_argument("--skip-filing", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: still stop the servers (finally)
    prepare(args.cases, FRESH)

    from cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        total = cursor.fetchone()[0]
    load = os.getloadavg()
    print(f"{total:,} cases; PostgreSQL {connection.pg_version}; "
          f"{os.cpu_count()} cores; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)  # fmt: skip

    personas = {"manager": staff_user(seeding.MANAGER), "overseer": staff_user(seeding.OVERSEER),
                "auditor": staff_user(seeding.AUDITOR),
                "lead": staff_user(seeding.LEAD), "worker": staff_user(seeding.FILERS[-1])}  # fmt: skip
    cookie_name = settings.SESSION_COOKIE_NAME
    cookies, clients = {}, {}
    for name, user in personas.items():
        key = product_session(user)
        cookies[name] = f"{cookie_name}={key}"
        clients[name] = Client()
        clients[name].cookies[cookie_name] = key
    clients["anonymous"] = Client()
    bare_key = bare_session(personas["manager"])
    bare_cookie = f"baresessionid={bare_key}"
    admin_cookie = f"baresessionid={bare_admin_session()}"
    rich = rich_case()
    for name in ("manager", "overseer"):
        visible = Case.objects.filter(pk__in=__import__("cases.selectors", fromlist=["x"]).case_list_for(
            personas[name]).values("pk"))  # fmt: skip
        print(f"  {name} sees {visible.count():,} cases, {visible.exclude(status='closed').count():,} open")

    product = Server("product", 8811, "boundaries.wsgi:application", {})
    bare = Server("bare", 8812, "bare.wsgi:application", {"DJANGO_SETTINGS_MODULE": "bare.settings"}, str(BENCH))
    try:
        # Warm both (templates, connections).
        for _ in range(3):
            wrk(product.url + "/cases/", cookies["manager"], 1, 2)
            wrk(bare.url + "/list", bare_cookie, 1, 2)
        rows = [
            ("health (plain response)", None, "/healthz", clients["anonymous"], "plain", "/plain", None),
            ("queue, manager", cookies["manager"], "/cases/", clients["manager"], "list", "/list", bare_cookie),
            ("queue, overseer", cookies["overseer"], "/cases/", clients["overseer"], "list", "/list", bare_cookie),
            ("queue, overseer, all statuses", cookies["overseer"], "/cases/?status=all", clients["overseer"],
             "list", "/list", bare_cookie),
            ("queue, overseer, page 300", cookies["overseer"], "/cases/?status=all&page=300",
             clients["overseer"], "list", "/list?page=300", bare_cookie),
            ("queue, manager (against admin)", cookies["manager"], "/cases/", clients["manager"],
             "admin changelist", "/admin/bare/case/", admin_cookie),
            ("queue, overseer (against admin)", cookies["overseer"], "/cases/", clients["overseer"],
             "admin changelist", "/admin/bare/case/", admin_cookie),
            ("case page (10 actions)", cookies["manager"], f"/cases/{rich.pk}/", clients["manager"],
             "detail", f"/detail/{rich.pk}", bare_cookie),
            ("dashboard, manager", cookies["manager"], "/", clients["manager"], "list", "/list", bare_cookie),
            ("dashboard, overseer", cookies["overseer"], "/", clients["overseer"], "list", "/list", bare_cookie),
            ("audit trail, auditor", cookies["auditor"], "/audit/", clients["auditor"], "list", "/list", bare_cookie),
            ("my disclosures, worker", cookies["worker"], "/disclosures/", clients["worker"], "list", "/list",
             bare_cookie),
            ("patterns, safeguarding lead", cookies["lead"], "/cases/patterns/", clients["lead"], "list", "/list",
             bare_cookie),
            ("gift register, overseer", cookies["overseer"], "/registers/gifts/", clients["overseer"], "list",
             "/list", bare_cookie),
        ]  # fmt: skip
        rows = [row for row in rows if args.only in row[0]]
        if rows:
            compare(rows, product, bare, args.duration, args.rounds)
        if not args.skip_filing:
            filing(product, bare, bare_cookie, rich.pk, args.filers, args.filings, args.sequential)
        load = os.getloadavg()
        print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    finally:
        product.stop()
        bare.stop()


if __name__ == "__main__":
    main()
