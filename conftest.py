"""Personas shared by every app's tests (STYLE.md "Tests").

The organisation they live in:

    senior (Senior manager, team "North")
      └── manager (Line manager, team "North A")
            ├── worker   (Worker)
            └── colleague (Worker)
    other_manager (Line manager, team "South") – manages nobody here; must get 404 on North's records

plus one account for each remaining role and a superuser who holds no role.
"""

import pytest

from accounts.testing import install as _force_login_counts_as_full_sign_in
from core.roles import Role
from people.tests.factories import StaffMemberFactory, TeamFactory, UserFactory

# client.force_login(user) stands for a full sign-in: password and second factor (accounts/testing.py).
_force_login_counts_as_full_sign_in()


@pytest.fixture(autouse=True)
def _empty_cache():
    """django-allauth keeps sign-in rate limits and used TOTP codes in the cache: every test starts afresh."""
    from django.core.cache import cache

    from core.cache import shared_data_forget

    cache.clear()
    shared_data_forget()  # rows every process keeps (core.cache): each test has its own


# The application's restricted database role (docs/deployment.md "Two database roles"). When
# BOUNDARIES_TEST_APP_ROLE names it (CI does), the test database is still created, migrated and
# emptied by the owner (the connecting user: the test runner needs CREATE DATABASE and TRUNCATE),
# the role is granted what production grants it, and then every database test runs its own
# statements as that role (SET ROLE inside the test's transaction) – the personas, the views, the
# services, exactly as production would. A test that must act as the owner is marked `owner_role`.
_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def app_role() -> str:
    import os

    return os.environ.get("BOUNDARIES_TEST_APP_ROLE", "")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    if app_role() and connection.vendor == "postgresql":
        from audit.roles import grant_app_role

        with django_db_blocker.unblock():
            grant_app_role(connection, app_role())


@pytest.fixture(autouse=True)
def _as_the_application_role(request):
    uses_db = _DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")
    if not app_role() or not uses_db or request.node.get_closest_marker("owner_role"):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    import os

    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        yield
        return
    if os.environ.get("DATABASE_BEHIND_PGBOUNCER") and not connection.in_atomic_block:
        # Behind PgBouncer in transaction mode a SET outside a transaction lasts one statement (the
        # server connection is reset after it): a transactional test runs as the owner there.
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(app_role())}")
    yield
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    except DatabaseError:  # the test left its transaction broken; its rollback resets the role
        pass


def _staff(username, team, roles, manager=None, title="Support worker"):
    user = UserFactory(username=username, roles=[Role.WORKER, *roles])
    return StaffMemberFactory(user=user, team=team, line_manager=manager, job_title=title)


@pytest.fixture
def org(db):
    """The whole persona organisation as a namespace of StaffMember rows."""
    north = TeamFactory(name="North")
    north_a = TeamFactory(name="North A", parent=north)
    south = TeamFactory(name="South")
    central = TeamFactory(name="Central", service_area="central")

    class Org:
        pass

    o = Org()
    o.north, o.north_a, o.south, o.central = north, north_a, south, central
    o.senior = _staff("senior", north, [Role.SENIOR_MANAGER], title="Service manager")
    o.manager = _staff("manager", north_a, [Role.LINE_MANAGER], manager=o.senior, title="Team leader")
    o.worker = _staff("worker", north_a, [], manager=o.manager)
    o.colleague = _staff("colleague", north_a, [], manager=o.manager)
    o.other_manager = _staff("other_manager", south, [Role.LINE_MANAGER], title="Team leader")
    o.safeguarding = _staff("safeguarding", central, [Role.SAFEGUARDING_LEAD], title="Safeguarding lead")
    o.hr = _staff("hr", central, [Role.HR], title="HR adviser")
    o.guardian = _staff("guardian", central, [Role.SPEAK_UP_GUARDIAN], title="Speak-up guardian")
    o.committee = UserFactory(username="committee", roles=[Role.COMMITTEE_MEMBER])
    o.auditor = UserFactory(username="auditor", roles=[Role.AUDITOR])
    o.administrator = UserFactory(username="administrator", roles=[Role.ADMINISTRATOR])
    o.superuser = UserFactory(username="root_no_role", is_superuser=True, is_staff=True)
    return o


@pytest.fixture
def worker(org):
    return org.worker.user


@pytest.fixture
def manager(org):
    return org.manager.user


@pytest.fixture
def other_manager(org):
    return org.other_manager.user


def _rolls_back_by_serialisation(item) -> bool:
    marker = item.get_closest_marker("django_db") if item is not None else None
    return bool(marker and marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, put the data migrations' rows back at once when the next test is not
    transactional itself (a transactional one puts them back at its own start).

    A transactional test ends by emptying every table. Run alone, pytest-django orders those tests
    last; under pytest-xdist (.ci/run: -n 2 --dist loadfile) a file's tests run together, so a
    transactional test may be followed by ordinary ones, which need the role groups, categories and
    schedules the migrations made.
    """
    result = yield
    if nextitem is not None and _rolls_back_by_serialisation(item) and not _rolls_back_by_serialisation(nextitem):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all(initialized_only=True):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
    return result


def pytest_collection_modifyitems(config, items):
    """Every transactional test (live server, real Celery worker) rolls back by serialisation.

    Its flush otherwise deletes what the data migrations made (role groups, categories, the risk
    matrix, the action library) and re-creates content types, which the next test that restores
    the serialised copy then collides with. Serialised rollback puts the data back and skips that.
    pytest-django decides whether to serialise the database at set-up from each test's django_db
    marker, so the marker itself says so; a test without one asks through the fixture.
    """
    for item in items:
        names = getattr(item, "fixturenames", [])
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in names or "live_server" in names
        if marker is not None and (transactional or marker.kwargs.get("transaction")):
            if not marker.kwargs.get("serialized_rollback"):
                kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
                item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
        elif transactional and "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")


def _skip_or_fail(reason: str):
    """Skip a test whose service is missing, except in CI (BOUNDARIES_REQUIRE_ALL_TESTS=1), where
    every integration and browser test must run."""
    import os

    if os.environ.get("BOUNDARIES_REQUIRE_ALL_TESTS"):
        pytest.fail(f"{reason}; CI must run this test")
    pytest.skip(reason)


@pytest.fixture
def needs_postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        _skip_or_fail("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def redis_url():
    """The REDIS_URL of a Redis that answers, or skip (fail in CI)."""
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        _skip_or_fail("needs Redis (set REDIS_URL=redis://...)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _skip_or_fail(f"Redis at REDIS_URL does not answer: {exc}")
    return url


@pytest.fixture
def celery_worker_process(redis_url, transactional_db, tmp_path):
    """A real Celery worker, in its own process, consuming from the Redis at REDIS_URL and using
    this test's PostgreSQL database; e-mail it sends lands as files in `worker.mail_dir`.

    While the fixture is active, tasks queued by the test are published to Redis instead of
    running in-process.
    """
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path
    from types import SimpleNamespace

    from django.conf import settings
    from django.db import connection

    from boundaries.celery import app as celery_app

    if connection.vendor != "postgresql":
        _skip_or_fail("the worker needs a database it can share: PostgreSQL")
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="boundaries.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        EMAIL_URL="filemail://",
        EMAIL_FILE_PATH=str(mail_dir),
        # The files it writes (a compiled report) go where this process reads them.
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
    )
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "boundaries", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-mingle", "--without-gossip", "--hostname", f"test-{os.getpid()}@%h"],
            cwd=Path(__file__).parent, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    celery_app._pool = None
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    try:
        yield SimpleNamespace(process=process, mail_dir=mail_dir, log_path=log_path)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        celery_app._pool = None
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
