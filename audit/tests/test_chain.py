"""The daily chain over the audit trail (DI-05 tamper evidence, DI-07 `audit_verify` after a restore,
AU-08): each day's events are sealed into a digest that includes the day before; `manage.py
audit_verify` finds an edit made with the owner's rights and names the first bad day; retention's
removals reseal; the auditor's page shows the last check."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from audit.chain import GENESIS, day_digest, seal_until, verify_chain
from audit.models import AuditDigest, AuditEvent
from audit.removal import delete_rows, update_rows
from audit.services import audit_record
from audit.tasks import audit_chain_daily

DAY1 = datetime.date(2026, 7, 1)


def _at(day: datetime.date, hour=9):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC), tick=False)


def _three_days(actor=None):
    """Events on 1, 2 (none on 3) and 4 July; sealed on 5 July."""
    for offset, actions in ((0, ["a.one", "a.two"]), (1, ["b.one"]), (3, ["d.one", "d.two", "d.three"])):
        with _at(DAY1 + datetime.timedelta(days=offset)):
            for action in actions:
                audit_record(action=action, actor=actor, detail={"n": 1})
    with _at(DAY1 + datetime.timedelta(days=4), hour=2):
        return seal_until()


def test_every_finished_day_is_sealed_in_order_each_digest_including_the_one_before(db):
    """DI-05: one seal per UTC day from the first event to yesterday, days without events too."""
    sealed = _three_days()
    assert [(s.day.day, s.events) for s in sealed] == [(1, 2), (2, 1), (3, 0), (4, 3)]
    assert sealed[0].previous == GENESIS
    assert all(later.previous == earlier.digest for earlier, later in zip(sealed, sealed[1:], strict=False))
    assert sealed[1].digest == day_digest(sealed[0].digest, sealed[1].day)[0]
    with _at(DAY1 + datetime.timedelta(days=4), hour=3):
        assert seal_until() == []  # idempotent
    assert AuditDigest.objects.count() == 4
    report = verify_chain()
    assert report.ok and report.days == 4 and report.last_day == datetime.date(2026, 7, 4)


def test_each_seal_and_each_check_is_written_to_the_log_stream(db, caplog):
    """AU-09: the digests leave the database through the logger "audit.chain", which the deployment
    ships off the server: the copy to compare with if the database itself is rewritten."""
    caplog.set_level("INFO", logger="audit.chain")
    sealed = _three_days()
    with _at(datetime.date(2026, 7, 5), hour=2):
        audit_chain_daily()
    lines = [r.getMessage() for r in caplog.records if r.name == "audit.chain"]
    assert f"audit chain sealed day=2026-07-04 events=3 previous={sealed[2].digest} digest={sealed[3].digest}" in lines
    assert any(line.startswith("audit chain verified: {'ok': True, 'days': 4") for line in lines)


def test_the_daily_task_seals_yesterday_and_records_the_check(db):
    """DI-05: the celery-beat task (scheduled by audit/migrations/0006_chain_schedule.py)."""
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(task="audit.tasks.audit_chain_daily").crontab.hour == "2"
    with _at(DAY1):
        audit_record(action="a.one")
    with _at(DAY1 + datetime.timedelta(days=1), hour=2):
        audit_chain_daily()
    assert list(AuditDigest.objects.values_list("day", "events")) == [(DAY1, 1)]
    check = AuditEvent.objects.get(action="audit.chain.verified")
    assert check.detail["ok"] is True and check.detail["days"] == 1


def test_an_edited_event_is_found_and_its_day_named(db):
    """DI-05: an event changed after its day was sealed (here by going round the model) breaks that
    day and only that day; the link to the next day still holds."""
    _three_days()
    event = AuditEvent.objects.get(action="b.one")
    _edit_as_owner(event.pk, "b.forged")
    report = verify_chain()
    assert not report.ok
    assert report.first_bad_day == datetime.date(2026, 7, 2)
    assert report.problem == "the day's events no longer match their digest"


def test_an_event_slipped_into_a_sealed_day_is_found(db):
    """DI-05: an event added to a day after it was sealed is detected."""
    _three_days()
    with _at(datetime.date(2026, 7, 3)):
        audit_record(action="slipped.in")
    assert verify_chain().first_bad_day == datetime.date(2026, 7, 3)


def test_an_event_dated_before_the_chain_began_is_found(db):
    _three_days()
    with _at(datetime.date(2026, 6, 1)):
        audit_record(action="backdated")
    report = verify_chain()
    assert report.first_bad_day == DAY1 and report.problem == "events dated before the chain begins"


def test_a_rewritten_digest_is_found(db):
    """DI-05: changing a day's digest to match an edit breaks the link of the day after."""
    _three_days()
    event = AuditEvent.objects.get(action="b.one")
    _edit_as_owner(event.pk, "b.forged")
    day2 = AuditDigest.objects.get(day=datetime.date(2026, 7, 2))
    forged = day_digest(day2.previous, day2.day)[0]
    _run_as_owner("UPDATE audit_auditdigest SET digest = %s WHERE id = %s", [forged, day2.pk], AuditDigest, day2.pk)
    report = verify_chain()
    assert report.first_bad_day == datetime.date(2026, 7, 3)
    assert report.problem == "the link to the day before does not match"


def test_retention_removals_reseal_their_days_and_the_chain_still_verifies(db):
    """DI-05: a removal or anonymisation through audit/removal.py is lawful, not tampering: the day is
    resealed (a new row; the seal stays) and verification says how many days were."""
    _three_days()
    assert delete_rows(AuditEvent.objects.filter(action="a.two")) == 1
    assert update_rows(AuditEvent.objects.filter(action__startswith="d."), detail={}, actor=None, ip_address=None) == 3
    resealed = AuditDigest.objects.filter(kind=AuditDigest.Kind.RESEALED).order_by("day")
    assert [(r.day.day, r.events) for r in resealed] == [(1, 1), (4, 3)]
    report = verify_chain()
    assert report.ok, report
    assert report.resealed == [datetime.date(2026, 7, 1), datetime.date(2026, 7, 4)]


@pytest.mark.postgres
@pytest.mark.owner_role
def test_audit_verify_detects_an_edit_made_with_the_owners_rights(needs_postgres, capsys):
    """DI-05, DI-07: the table's owner disables the append-only trigger, edits an event of a sealed
    day and turns the trigger back on; `manage.py audit_verify` fails, naming that day."""
    _three_days()
    call_command("audit_verify")
    assert "Audit chain intact: 4 day(s) from 2026-07-01 to 2026-07-04." in capsys.readouterr().out
    event = AuditEvent.objects.get(action="b.one")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("UPDATE audit_auditevent SET detail = '{\"n\": 2}' WHERE id = %s", [event.pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    with pytest.raises(CommandError, match="first bad day 2026-07-02: the day's events no longer match"):
        call_command("audit_verify")
    last = AuditEvent.objects.filter(action="audit.chain.verified").order_by("-pk").first()
    assert last.detail["ok"] is False and last.detail["first_bad_day"] == "2026-07-02"


def test_audit_verify_seals_when_asked_and_says_when_there_is_nothing_to_check(db, capsys):
    call_command("audit_verify")
    assert "No day is sealed yet" in capsys.readouterr().out
    with _at(DAY1):
        audit_record(action="a.one")
    with _at(DAY1 + datetime.timedelta(days=2)):
        call_command("audit_verify", "--seal")
    out = capsys.readouterr().out
    assert "Sealed 2 day(s)." in out and "Audit chain intact: 2 day(s)" in out


def test_the_auditors_page_shows_when_the_trail_was_last_checked_and_the_outcome(client, org):
    """DI-05, AU-08: the auditor sees the last check: not yet, intact, or altered with the day."""
    client.force_login(org.auditor)
    page = client.get(reverse("audit:list")).content.decode()
    assert "daily seal has not been checked yet" in page
    _three_days()
    with _at(datetime.date(2026, 7, 5), hour=2):
        audit_chain_daily()
    page = client.get(reverse("audit:list")).content.decode()
    assert "Last checked 5 July 2026, 03:00: the trail is intact" in page
    assert "every event up to 4 July 2026 is as it was sealed (4 days)" in page
    _edit_as_owner(AuditEvent.objects.get(action="d.two").pk, "d.forged")
    with _at(datetime.date(2026, 7, 6), hour=2):
        audit_chain_daily()
    page = client.get(reverse("audit:list")).content.decode()
    assert "Last checked 6 July 2026, 03:00: the trail has been altered" in page
    assert "The events of 4 July 2026 are not as they were sealed" in page


def _edit_as_owner(pk, action):
    _run_as_owner("UPDATE audit_auditevent SET action = %s WHERE id = %s", [action, pk], AuditEvent, pk, action=action)


def _run_as_owner(sql, params, model, pk, **orm_values):
    """What someone with the owner's rights can do: on PostgreSQL with the trigger off, on SQLite directly."""
    if connection.vendor != "postgresql":
        if orm_values:
            model.objects.filter(pk=pk).update(**orm_values)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
        cursor.execute("RESET ROLE")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
