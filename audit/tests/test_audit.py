import hashlib

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.receivers import unknown_username_mark
from audit.services import audit_record

# The trigger (connected as the owner) or the missing privilege (as the application's role).
REFUSED = "append-only|permission denied"


def test_an_event_records_who_what_which_object_and_when_in_utc(org):
    """AU-04: who, what, which object, when (UTC), which request."""
    event = audit_record(action="people.staff.imported", actor=org.administrator, obj=org.worker)
    event.refresh_from_db()
    assert event.actor == org.administrator
    assert (event.object_type, event.object_id) == ("people.staffmember", str(org.worker.pk))
    assert event.occurred_at.utcoffset().total_seconds() == 0


def test_each_request_writes_its_id_on_its_events_and_returns_it_in_a_header(client, org):
    response = client.post("/accounts/login/", {"login": "worker", "password": "wrong password here"})
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.request_id and event.request_id == response["X-Request-ID"]


def test_an_unknown_username_is_kept_only_as_a_keyed_mark(client, org, settings):
    """AU-02, AU-06: a failed log-in with an unknown name stores neither the name nor an unsalted hash of
    it (a password typed into the name box would fall to a dictionary); repeats share one mark, and the
    mark depends on the server's secret."""
    typed = "Summer2026!"
    client.post("/accounts/login/", {"login": typed, "password": "wrong password here"})
    client.post("/accounts/login/", {"login": typed, "password": "wrong password again"})
    first, second = AuditEvent.objects.filter(action="accounts.login.failed").order_by("pk")
    stored = str(first.detail)
    assert typed not in stored
    assert hashlib.sha256(typed.encode()).hexdigest() not in stored
    assert first.detail == second.detail == {"username_hmac": first.detail["username_hmac"]}
    assert len(first.detail["username_hmac"]) == 16
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert unknown_username_mark(typed) != first.detail["username_hmac"]


def test_audit_events_are_not_in_the_admin():
    """AC-07: nobody edits the audit trail through the admin."""
    assert not admin.site.is_registered(AuditEvent)


@pytest.mark.postgres
def test_the_database_refuses_to_update_an_audit_event(needs_postgres):
    """DI-05, AU-08: UPDATE is refused by a trigger, whatever the caller."""
    event = audit_record(action="test.event")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.tampered")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.action == "test.event"


@pytest.mark.postgres
def test_the_database_refuses_to_delete_an_audit_event(needs_postgres):
    """DI-05, AU-08: DELETE is refused by a trigger, through the ORM and in raw SQL."""
    event = audit_record(action="test.event")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_only_the_removal_path_removes_an_audit_event_and_it_closes_after_its_transaction(org):
    """DI-05: retention's narrow path removes an event; outside it the table stays append-only."""
    from audit.removal import delete_rows

    kept = audit_record(action="test.kept")
    gone = audit_record(action="test.gone")
    assert delete_rows(AuditEvent.objects.filter(pk=gone.pk)) == 1
    assert not AuditEvent.objects.filter(pk=gone.pk).exists()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            AuditEvent.objects.filter(pk=kept.pk).delete()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
