"""The suite behind PgBouncer in transaction mode, as production runs (docs/deployment.md).

CI points DATABASE_URL at PgBouncer (.ci/run, .ci/pgbouncer) so every database test runs through
it; this module proves that it really does, and that what transaction pooling forbids is off."""

import os

import pytest
from django.conf import settings
from django.db import connection

from conftest import _skip_or_fail

pytestmark = pytest.mark.integration


@pytest.fixture
def behind_pgbouncer(db):
    if not os.environ.get("DATABASE_BEHIND_PGBOUNCER"):
        _skip_or_fail("the suite is not running through PgBouncer (.ci/run does: DATABASE_BEHIND_PGBOUNCER=true)")


def test_the_connection_goes_through_a_pooler_to_postgresql(behind_pgbouncer):
    """The port Django dials is PgBouncer's; the server behind it answers on its own port."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        server_port = cursor.fetchone()[0]
    assert str(server_port) != str(settings.DATABASES["default"]["PORT"])


def test_server_side_cursors_are_off_and_a_long_export_still_streams(behind_pgbouncer, client, org):
    """Transaction pooling forbids cursors that outlive a transaction; the audit CSV export, which
    iterates in chunks, still works."""
    assert settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    client.force_login(org.auditor)
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.count(b"\n") >= 2
