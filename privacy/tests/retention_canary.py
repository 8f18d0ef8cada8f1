"""A case with a canary in every text field and file, built through the services production uses, and a
scan that looks for the canary everywhere the product keeps anything (docs/retention.md "Proof")."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import ActionCheck, Case, Outcome
from cases.selectors import case_prompts_unanswered
from cases.tests.factories import template
from disclosures.models import Disclosure
from disclosures.services import attachment_add, disclosure_draft_save, disclosure_submit, followup_add
from notifications.models import OutboxMessage
from notifications.services import outbox_render
from people.tests.factories import CarerFactory, ServiceUserFactory, StaffMemberFactory
from policies.models import BoundaryCategory, DisclosureKind, Part


def canary_case(org, canary: str) -> Case:
    """A concern about org.colleague, involving a service user and a relative, with `canary` in every
    field a person can write: statement, answers, place, files and their names, follow-ups, notes,
    assessment, prompt answers, actions, review and checks, the notice and the reply, support, the
    outcome, the summary for the reporter, the lessons."""
    service_user = ServiceUserFactory(team=org.north_a)
    carer = CarerFactory(service_user=service_user)
    affected = StaffMemberFactory(team=org.north_a)
    draft = disclosure_draft_save(
        reporter=org.worker,
        kind=DisclosureKind.CONCERN,
        category=BoundaryCategory.objects.get(code="discrimination"),
        occurred_date=timezone.localdate(),
        location=f"At {canary}",
        narrative=f"What happened: {canary}",
        immediate_action=f"I did {canary}",
        details={"answer": canary},
        subjects=[org.colleague, affected],
        service_users=[service_user],
        carers=[carer],
        good_faith_confirmed=True,
    )
    disclosure = disclosure_submit(disclosure=draft, actor=org.worker.user)
    attachment_add(
        disclosure=disclosure,
        uploaded_by=org.worker,
        uploaded_file=SimpleUploadedFile(f"{canary}.txt", f"file {canary}".encode()),
    )
    followup_add(
        disclosure=disclosure,
        author=org.worker,
        text=f"Later: {canary}",
        uploaded_file=SimpleUploadedFile(f"more-{canary}.txt", f"more {canary}".encode()),
    )
    case = Case.objects.get(pk=disclosure.case_id)
    actor = org.manager.user
    case = services.case_acknowledge(case=case, actor=actor)
    services.case_note_add(case=case, actor=actor, text=f"Note {canary}")
    services.case_assess(
        case=case,
        actor=actor,
        likelihood=2,
        consequence=2,
        residual_likelihood=1,
        residual_consequence=1,
        risk_to_service_user=f"su {canary}",
        risk_to_worker=f"worker {canary}",
        risk_to_organisation=f"org {canary}",
        mitigation=f"mitigation {canary}",
    )
    notice = services.subject_notice_record(case=case, actor=actor, subject=org.colleague, told=f"Told {canary}")
    services.subject_notice_reply(notice=notice, actor=org.colleague.user, response=f"Reply {canary}")
    services.involvement_change_part(
        case=case,
        actor=actor,
        involvement=case.involvements.get(staff=affected),
        part=Part.HARMED,
        reason=f"Affected: {canary}",
    )
    services.support_offered_record(
        case=Case.objects.get(pk=case.pk), actor=actor, staff=affected, what=f"Support {canary}", offered_by=org.manager
    )
    case = services.case_start_action_plan(case=Case.objects.get(pk=case.pk), actor=actor)
    action = services.action_add(
        case=case, actor=actor, template=template("supervision"), owner=org.manager, details=f"Do {canary}"
    )
    services.case_set_review_date(
        case=Case.objects.get(pk=case.pk), actor=actor, next_review_date=timezone.localdate() + datetime.timedelta(30)
    )
    services.case_start_monitoring(case=Case.objects.get(pk=case.pk), actor=actor)
    services.review_record(
        case=Case.objects.get(pk=case.pk),
        actor=actor,
        notes=f"Review {canary}",
        next_review_date=timezone.localdate() + datetime.timedelta(30),
        checks=[
            {"action": action, "still_needed": True, "working": ActionCheck.Working.YES, "note": f"Check {canary}"}
        ],
    )
    case = Case.objects.get(pk=case.pk)
    for prompt in case_prompts_unanswered(case=case, outcome=Outcome.GUIDANCE):
        services.prompt_answer(case=case, actor=actor, prompt=prompt, referral_made=False, reason=f"No: {canary}")
    case = services.case_close(
        case=Case.objects.get(pk=case.pk),
        actor=actor,
        outcome=Outcome.GUIDANCE,
        outcome_notes=f"Outcome {canary}",
        summary_for_reporter=f"Summary {canary}",
        lessons=f"Lessons {canary}",
    )
    if case.status == Case.Status.CLOSURE_REVIEW:
        case = services.case_sign_off(case=case, actor=org.senior.user)
    assert case.status == Case.Status.CLOSED
    assert Disclosure.objects.filter(case=case).count() == 1
    return case


def _columns():
    """Every (table, column, is_binary) in the database, from the database's own catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )
            return [(t, c, d == "bytea") for t, c, d in cursor.fetchall()]
        found = []
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                found.append((table, column.name, False))
        return found


def tables_holding(canary: str) -> set[str]:
    """Every "table.column" in which any row holds `canary` anywhere in its value (text, JSON, numbers
    cast to text; bytes searched as bytes), across every table, history tables included."""
    q = connection.ops.quote_name
    found = set()
    with connection.cursor() as cursor:
        for table, column, binary in _columns():
            if binary:
                sql = f"SELECT 1 FROM {q(table)} WHERE position(%s::bytea in {q(column)}) > 0 LIMIT 1"
            else:
                sql = f"SELECT 1 FROM {q(table)} WHERE CAST({q(column)} AS TEXT) LIKE %s LIMIT 1"
            cursor.execute(sql, [canary.encode() if binary else f"%{canary}%"])
            if cursor.fetchone():
                found.add(f"{table}.{column}")
    return found


def files_holding(canary: str) -> set[str]:
    """Files under the private storage whose name or content holds `canary`."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    if not root.exists():
        return set()
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and (canary in p.name or canary.encode() in p.read_bytes())
    }


def stored_files() -> set[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def mail_holding(canary: str) -> list[str]:
    """E-mails sent (the test mailbox) and e-mails the outbox rows would send, whose subject, body or
    headers hold `canary`."""
    found = [m.subject for m in mail.outbox if canary in f"{m.subject}\n{m.body}\n{m.extra_headers}\n{m.to}"]
    for message in OutboxMessage.objects.all():
        subject, body = outbox_render(message=message)
        if canary in f"{subject}\n{body}":
            found.append(subject)
    return found
