"""The retention schedule, legal holds and the daily job (docs/retention.md; CP-08, CP-13, JR-07)."""

import datetime
import re
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Case, Outcome
from cases.tests.factories import close, concern_case, gift_case
from notifications.models import OutboxMessage
from people.tests.factories import StaffMemberFactory
from privacy import retention_removal
from privacy.holds import HoldError, legal_hold_lift, legal_hold_place
from privacy.models import CaseGroup, LegalHold, RecordType, RetentionDisposal, RetentionRule, RetentionRun
from privacy.retention import case_group_of, cases_due, retention_due_soon, staff_due
from privacy.retention_removal import REMOVED, retention_run
from privacy.tasks import retention_run_daily

TODAY = timezone.localdate


def _closed(org, outcome=Outcome.GUIDANCE, *, concern=False):
    case = concern_case(org) if concern else gift_case(org)
    case = close(case, org.manager.user, outcome)
    if case.status == Case.Status.CLOSURE_REVIEW:
        from cases.services import case_sign_off

        case = case_sign_off(case=case, actor=org.senior.user)
    assert case.status == Case.Status.CLOSED
    return case


def _after(months: int) -> datetime.date:
    return TODAY() + relativedelta(months=months)


# ---------------------------------------------------------------- the schedule


@pytest.mark.parametrize(
    ("outcome", "safeguarding", "about_staff", "group"),
    [
        (Outcome.UNFOUNDED, True, True, CaseGroup.UNFOUNDED_OR_MALICIOUS),
        (Outcome.MALICIOUS, False, True, CaseGroup.UNFOUNDED_OR_MALICIOUS),
        (Outcome.DISCIPLINARY, True, True, CaseGroup.POSITION_OF_TRUST),
        (Outcome.NOT_SUBSTANTIATED, True, True, CaseGroup.POSITION_OF_TRUST),
        (Outcome.DISCIPLINARY, True, False, CaseGroup.SUBSTANTIATED),
        (Outcome.GUIDANCE, False, True, CaseGroup.SUBSTANTIATED),
        (Outcome.NOT_SUBSTANTIATED, False, True, CaseGroup.NOT_SUBSTANTIATED),
        (Outcome.NO_FURTHER_ACTION, False, False, CaseGroup.OTHER),
    ],
)
def test_a_closed_case_is_grouped_by_its_outcome(outcome, safeguarding, about_staff, group):
    assert case_group_of(outcome=outcome, is_safeguarding=safeguarding, about_staff=about_staff) == group


def test_the_seeded_schedule_covers_every_record_type_and_case_group(db):
    rules = {(r.record_type, r.case_group): r for r in RetentionRule.objects.all()}
    for group in CaseGroup.values:
        if group:
            assert (RecordType.CASE_RECORDS, group) in rules
    for record_type in RecordType.values:
        assert any(key[0] == record_type for key in rules)
    assert all(rule.source.strip() for rule in rules.values())
    # Unfounded and malicious allegations go much sooner; those about a person in a position of trust last longest.
    periods = {group: rules[(RecordType.CASE_RECORDS, group)].period_months for group in CaseGroup.values if group}
    assert periods[CaseGroup.UNFOUNDED_OR_MALICIOUS] == min(periods.values()) == 12
    assert periods[CaseGroup.POSITION_OF_TRUST] == max(periods.values()) == 120


def test_docs_retention_md_states_the_periods_the_code_seeds(db):
    """CP-13: the table in docs/retention.md and the seeded schedule say the same."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "retention.md").read_text()
    documented = {}
    for line in text.splitlines():
        m = re.match(r"\| `(\w+)` \| (?:`(\w+)`|–) \| ([^|]+) \| `(\w+)` \|", line)
        if m:
            documented[(m[1], m[2] or "")] = (m[3].strip(), m[4])
    seeded = {(r.record_type, r.case_group): (r.period_label, r.counted_from) for r in RetentionRule.objects.all()}
    assert documented == seeded


def test_every_change_to_the_schedule_is_kept(db):
    rule = RetentionRule.objects.get(record_type=RecordType.OUTBOX)
    for months in (6, 9):
        rule.period_months = months
        rule.save()
    assert [h.period_months for h in rule.history.order_by("history_date", "history_id")] == [6, 9]


def test_the_daily_job_is_scheduled_and_runs_the_service(db):
    task = PeriodicTask.objects.get(name="privacy: daily retention")
    assert task.enabled and task.task == "privacy.tasks.retention_run_daily"
    run = RetentionRun.objects.get(pk=retention_run_daily())
    assert run.status == RetentionRun.Status.FINISHED and not run.dry_run and run.requested_by is None


# ---------------------------------------------------------------- what falls due


def test_an_unfounded_allegation_falls_due_a_year_after_closure_and_an_upheld_one_after_six(org):
    unfounded = _closed(org, Outcome.UNFOUNDED, concern=True)
    upheld = _closed(org, Outcome.GUIDANCE)
    due = {d.object_id: d.due for d in cases_due(until=_after(100))}
    assert due[unfounded.pk] == _after(12)
    assert due[upheld.pk] == _after(72)
    assert [d.object_id for d in cases_due(until=_after(12))] == [unfounded.pk]
    assert cases_due(until=_after(12) - datetime.timedelta(days=1)) == []


def test_open_cases_never_fall_due(org):
    gift_case(org)
    assert cases_due(until=_after(1000)) == []


def test_the_page_lists_what_falls_due_in_the_next_90_days(org, time_machine):
    case = _closed(org, Outcome.UNFOUNDED, concern=True)
    due = _after(12)
    time_machine.move_to(due - datetime.timedelta(days=60))
    assert [d.object_id for d in retention_due_soon()["cases"]] == [case.pk]
    time_machine.move_to(due - datetime.timedelta(days=100))
    assert retention_due_soon()["cases"] == []


# ---------------------------------------------------------------- the job


def test_a_run_removes_what_is_due_and_writes_a_content_free_audit_event(org):
    """CP-08: narratives cleared, people unlinked, a content-free audit stub remains."""
    case = _closed(org, Outcome.UNFOUNDED, concern=True)
    kept = _closed(org, Outcome.GUIDANCE)
    run = retention_run(as_of=_after(13))
    assert [i["label"] for i in run.items] == [case.reference]
    disclosure = case.disclosures.get()
    assert disclosure.narrative == REMOVED and disclosure.details == {}
    assert not case.subjects.exists() and not case.involvements.exists()
    assert kept.disclosures.get().narrative != REMOVED
    assert all(h.narrative == REMOVED for h in disclosure.history.all())
    event = AuditEvent.objects.get(action="privacy.retention.case_removed")
    assert event.object_id == str(case.pk) and set(event.detail) == {"rule", "rows", "files"}
    assert AuditEvent.objects.filter(action="privacy.retention.run", object_id=str(run.pk)).exists()


def test_a_run_is_idempotent(org):
    """JR-07: run twice for the same day: one removal, one audit event."""
    _closed(org, Outcome.UNFOUNDED, concern=True)
    retention_run(as_of=_after(13))
    second = retention_run(as_of=_after(13))
    assert second.items == [] and second.counts == {}
    assert AuditEvent.objects.filter(action="privacy.retention.case_removed").count() == 1


def test_a_run_is_bounded_and_the_next_run_carries_on(org):
    cases = [_closed(org, Outcome.UNFOUNDED, concern=True) for _ in range(3)]
    first = retention_run(as_of=_after(13), limit=2)
    assert len(first.items) == 2 and first.more_due
    second = retention_run(as_of=_after(13), limit=2)
    assert len(second.items) == 1 and not second.more_due
    assert RetentionDisposal.objects.filter(object_id__in=[c.pk for c in cases]).count() == 3


def test_a_run_that_dies_half_way_leaves_each_case_whole_and_the_next_run_finishes(org, monkeypatch):
    """JR-07: resumable after a crash; a case is either untouched or done, never half-removed."""
    first, second = (_closed(org, Outcome.UNFOUNDED, concern=True) for _ in range(2))
    real = retention_removal.Step.apply
    calls = {"n": 0}

    def dies_in_the_second_case(step):
        if step.table == "cases.case":
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("the worker died")
        return real(step)

    monkeypatch.setattr(retention_removal.Step, "apply", dies_in_the_second_case)
    with pytest.raises(OSError):
        retention_run(as_of=_after(13))
    crashed = RetentionRun.objects.get(dry_run=False)
    assert crashed.status == RetentionRun.Status.FAILED and crashed.last_error == "OSError"
    assert first.disclosures.get().narrative == REMOVED
    assert second.disclosures.get().narrative != REMOVED and Case.objects.get(pk=second.pk).outcome_notes != REMOVED
    monkeypatch.setattr(retention_removal.Step, "apply", real)
    after = retention_run(as_of=_after(13))
    assert [i["label"] for i in after.items] == [second.reference]
    assert second.disclosures.get().narrative == REMOVED


def test_a_dry_run_changes_nothing_and_lists_exactly_what_the_run_then_removes(org):
    case = _closed(org, Outcome.UNFOUNDED, concern=True)
    dry = retention_run(as_of=_after(13), dry_run=True, actor=org.auditor)
    assert case.disclosures.get().narrative != REMOVED
    assert not RetentionDisposal.objects.exists()
    real = retention_run(as_of=_after(13))
    assert dry.items == real.items and dry.counts == real.counts
    assert dry.items[0]["rows"]["disclosures.disclosure"] == 1
    assert AuditEvent.objects.filter(action="privacy.retention.dry_run", actor=org.auditor).exists()


def test_old_outbox_rows_and_audit_events_go_in_bounded_batches(org, time_machine):
    """The audit trail loses rows only through audit.removal, which the append-only trigger lets through."""
    time_machine.move_to(timezone.now() - relativedelta(years=13))
    audit_record(action="test.old", object_type="x", object_id="1")
    time_machine.move_to(timezone.now() + relativedelta(years=13))
    recent = audit_record(action="test.recent")
    run = retention_run(as_of=TODAY())
    assert not AuditEvent.objects.filter(action="test.old").exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert run.counts["audit.auditevent"] == 1
    assert AuditEvent.objects.filter(action="privacy.retention.audit_events_removed").exists()
    assert OutboxMessage.objects.count() == 0 or run.counts.get("notifications.outboxmessage", 0) == 0


def test_a_leaver_is_anonymised_only_once_no_kept_case_names_them(org):
    leaver = StaffMemberFactory(team=org.north_a)
    leaver.start_date = TODAY() - relativedelta(years=10)
    leaver.end_date = TODAY() - relativedelta(years=7)
    leaver.save()
    named = org.colleague
    named.start_date = TODAY() - relativedelta(years=10)
    named.end_date = TODAY() - relativedelta(years=7)
    named.save()
    concern_case(org, subject=named)  # still open: it names the colleague
    assert [d.object_id for d in staff_due(until=TODAY())] == [leaver.pk]
    number = leaver.staff_number
    run = retention_run(as_of=TODAY())
    assert run.items[0]["label"] == f"Staff records (people no longer needed): record {leaver.pk}"
    assert number not in str(run.items)
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert leaver.user.username == f"removed-{leaver.user_id}" and leaver.user.last_name == ""
    assert not leaver.user.is_active and not leaver.user.has_usable_password()
    assert leaver.staff_number.startswith("removed-")
    assert all(h.staff_number.startswith("removed-") for h in leaver.history.all())
    org.colleague.refresh_from_db()
    assert not org.colleague.staff_number.startswith("removed-")


# ---------------------------------------------------------------- legal holds


def test_a_hold_is_placed_and_lifted_with_reasons_and_both_are_audited_without_them(org):
    case = _closed(org, Outcome.UNFOUNDED, concern=True)
    hold = legal_hold_place(actor=org.safeguarding.user, case=case, reason="Police request 42.", review_date=_after(6))
    assert retention_run(as_of=_after(13)).items == []
    legal_hold_lift(hold=hold, actor=org.auditor, reason="The police no longer need it.")
    events = AuditEvent.objects.filter(action__startswith="privacy.hold.").order_by("pk")
    assert [(e.action, e.actor) for e in events] == [
        ("privacy.hold.placed", org.safeguarding.user),
        ("privacy.hold.lifted", org.auditor),
    ]
    assert all("Police" not in str(e.detail) for e in events)
    assert [i["label"] for i in retention_run(as_of=_after(13)).items] == [case.reference]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "  "}, "Say why"),
        ({"review_date": datetime.date(2000, 1, 1)}, "future"),
    ],
)
def test_a_hold_needs_a_reason_and_a_future_review_date(org, kwargs, message):
    case = gift_case(org)
    args = {"actor": org.auditor, "case": case, "reason": "A claim.", "review_date": _after(3), **kwargs}
    with pytest.raises(HoldError, match=message):
        legal_hold_place(**args)
    assert not LegalHold.objects.exists()


def test_audit_events_about_a_person_under_a_legal_hold_are_kept_past_their_period(org, time_machine):
    """CP-08: a hold on a person keeps the audit events about them (their staff record, their account, their
    register entries, their requests to the DPO) and what they did, however old; lifted, they go."""
    from people.services import relationship_declare
    from people.tests.factories import ServiceUserFactory
    from privacy.tests.factories import log_request

    held, other = org.colleague, org.worker
    su = ServiceUserFactory(team=org.north_a)
    entry = relationship_declare(
        staff=held,
        counterpart="service_user",
        kind="friend",
        began="before",
        service_user=su,
    )
    time_machine.move_to(timezone.now() - relativedelta(years=13))
    about_held = [
        audit_record(action="test.staff", obj=held),
        audit_record(action="test.account", obj=held.user),
        audit_record(action="test.entry", obj=entry),
        audit_record(action="test.request", obj=log_request(actor=org.auditor, person=held)),
        audit_record(action="test.by_them", actor=held.user),
    ]
    about_other = [audit_record(action="test.other", obj=other), audit_record(action="test.by_other", actor=other.user)]
    time_machine.move_to(timezone.now() + relativedelta(years=13))
    hold = legal_hold_place(actor=org.auditor, staff=held, reason="Tribunal claim.", review_date=_after(6))
    retention_run(as_of=TODAY())
    kept = set(AuditEvent.objects.filter(action__startswith="test.").values_list("pk", flat=True))
    assert kept == {e.pk for e in about_held}, "only the held person's events stay"
    assert not kept & {e.pk for e in about_other}
    legal_hold_lift(hold=hold, actor=org.auditor, reason="Claim settled.")
    retention_run(as_of=TODAY())
    assert not AuditEvent.objects.filter(action__startswith="test.").exists()
