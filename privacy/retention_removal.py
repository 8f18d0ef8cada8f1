"""The retention job's writes (docs/retention.md "What the job removes"): remove or anonymise what the
schedule says is due, never what a legal hold keeps.

Every removal goes through audit.removal (delete_rows / update_rows), the one path that may touch the
append-only tables; each record is dealt with in its own transaction together with its disposal marker
(privacy.RetentionDisposal) and a content-free audit event, so a run that dies half-way leaves every
record either untouched or done, and the next run carries on (idempotent, resumable). A run handles at
most RETENTION_BATCH_SIZE cases and people; what is left is marked `more_due` and goes next time.

What stays of a removed case is what the frozen quarterly reports and the audit trail need: its
reference, category, team, status, outcome, flags and dates, and the ids, codes and dates of its
timeline, actions and history rows. Text becomes REMOVED; files are deleted; the links between the
case and people (subjects, service users, involvements, notices, support) are deleted.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from audit.removal import delete_rows, update_rows
from audit.services import audit_record
from cases.models import (
    Action,
    ActionCheck,
    Case,
    GiftDecision,
    Involvement,
    PatternAlert,
    PromptAnswer,
    Review,
    RiskAssessment,
    SubjectNotice,
    SupportOffered,
    TimelineEntry,
    VariationDecision,
)
from disclosures.models import Attachment, Disclosure, FollowUp
from notifications.models import OutboxMessage
from people.models import (
    CarerOrRelative,
    ProcessingRestriction,
    RecordCorrectionNote,
    Relationship,
    ServiceUser,
    StaffMember,
)
from privacy.models import RecordCorrection, RecordType, Redaction, RetentionDisposal, RetentionRun, RightsRequest
from privacy.retention import (
    Due,
    audit_events_due,
    cases_due,
    held_case_ids,
    held_service_user_ids,
    held_staff_ids,
    outbox_due,
    requests_due,
    rules_by_key,
    service_users_due,
    staff_due,
)

logger = logging.getLogger(__name__)

# What a removed text field says from then on (on the live row and in every history row).
REMOVED = "Removed under the retention schedule."
# Outbox rows and audit events are removed in batches of this many times RETENTION_BATCH_SIZE a run.
ROWS_PER_RECORD = 50


@dataclass
class Step:
    """One statement of a removal: rows of one table, either deleted or with fields overwritten."""

    table: str
    rows: QuerySet
    texts: tuple[str, ...] = ()
    values: dict = field(default_factory=dict)
    delete: bool = False

    def apply(self) -> None:
        if self.delete:
            delete_rows(self.rows)
            return
        for name in self.texts:
            update_rows(self.rows.exclude(**{name: ""}), **{name: REMOVED})
        if self.values:
            update_rows(self.rows, **self.values)


def _tracked(model, ids, *, texts=(), values=None, delete=False) -> list[Step]:
    """Steps for rows of a history-tracked model and all their history rows.

    Deleting a tracked row makes simple-history write one last history row (with the content), so
    the live rows go first and their history rows after, by id.
    """
    ids = list(ids)
    if not ids:
        return []
    history = model.history.model
    live = Step(model._meta.label_lower, model.objects.filter(pk__in=ids), texts, values or {}, delete)
    past = Step(history._meta.label_lower, history.objects.filter(id__in=ids), texts, values or {}, delete)
    return [live, past]


def _links(model, column: str, value) -> list[Step]:
    """A many-to-many link table's rows for one case or disclosure (untracked): deleted."""
    rows = model.objects.filter(**{column: value})
    return [Step(model._meta.label_lower, rows, delete=True)]


def case_steps(case: Case) -> list[Step]:
    """Everything the schedule removes from one case, in the order it is removed."""
    disclosure_ids = list(Disclosure.objects.filter(case=case).values_list("pk", flat=True))
    follow_up_ids = FollowUp.objects.filter(disclosure__in=disclosure_ids).values_list("pk", flat=True)
    attachment_ids = Attachment.objects.filter(disclosure__in=disclosure_ids).values_list("pk", flat=True)
    references = Disclosure.objects.filter(pk__in=disclosure_ids, reference__isnull=False).values_list(
        "reference", flat=True
    )
    review_ids = Review.objects.filter(case=case).values_list("pk", flat=True)
    notice_ids = list(SubjectNotice.objects.filter(case=case).values_list("pk", flat=True))
    steps = [
        *_tracked(Case, [case.pk], texts=("outcome_notes", "outcome_summary_for_reporter", "lessons")),
        *_tracked(
            Disclosure,
            disclosure_ids,
            texts=("narrative", "immediate_action", "location"),
            values={"details": {}},
        ),
        *_tracked(FollowUp, follow_up_ids, texts=("text",)),
        *_tracked(Attachment, attachment_ids, texts=("original_name",), values={"file": ""}),
        *_tracked(TimelineEntry, TimelineEntry.objects.filter(case=case).values_list("pk", flat=True), texts=("text",)),
        *_tracked(
            RiskAssessment,
            RiskAssessment.objects.filter(case=case).values_list("pk", flat=True),
            texts=("risk_to_service_user", "risk_to_worker", "risk_to_organisation", "mitigation"),
        ),
        *_tracked(PromptAnswer, PromptAnswer.objects.filter(case=case).values_list("pk", flat=True), texts=("reason",)),
        *_tracked(
            Action,
            Action.objects.filter(case=case).values_list("pk", flat=True),
            texts=("details", "not_possible_reason"),
        ),
        *_tracked(Review, review_ids, texts=("notes",)),
        *_tracked(
            ActionCheck, ActionCheck.objects.filter(review__in=review_ids).values_list("pk", flat=True), texts=("note",)
        ),
        *_tracked(
            VariationDecision,
            VariationDecision.objects.filter(case=case).values_list("pk", flat=True),
            texts=("reason", "conditions"),
        ),
        *_tracked(
            GiftDecision,
            GiftDecision.objects.filter(disclosure_reference__in=references).values_list("pk", flat=True),
            texts=("note",),
        ),
        *_tracked(PatternAlert, PatternAlert.objects.filter(cases=case).values_list("pk", flat=True), texts=("note",)),
        # The links between the case and people go altogether, with their history.
        *_tracked(SubjectNotice, notice_ids, delete=True),
        *_tracked(SupportOffered, SupportOffered.objects.filter(case=case).values_list("pk", flat=True), delete=True),
        *_tracked(Involvement, Involvement.objects.filter(case=case).values_list("pk", flat=True), delete=True),
        *_links(Case.subjects.through, "case", case),
        *_links(Case.service_users.through, "case", case),
        *_links(Case.restricted_to.through, "case", case),
        *_links(Case.shared_with.through, "case", case),
        *_links(Disclosure.subjects.through, "disclosure__in", disclosure_ids),
        *_links(Disclosure.service_users.through, "disclosure__in", disclosure_ids),
        *_links(Disclosure.carers.through, "disclosure__in", disclosure_ids),
    ]
    about_case = Q(link__startswith=f"/cases/{case.pk}/") | Q(link__in=[f"/disclosures/{pk}/" for pk in disclosure_ids])
    for pk in notice_ids:
        about_case |= Q(dedupe_key__startswith=f"notice:{pk}:")
    outbox = OutboxMessage.objects.filter(about_case)
    steps.append(Step(OutboxMessage._meta.label_lower, outbox, delete=True))
    return steps


def case_files(case: Case) -> set[str]:
    """Every stored file of the case's attachments, as named now or in any past version."""
    attachments = Attachment.objects.filter(disclosure__case=case)
    history = Attachment.history.model.objects.filter(id__in=attachments.values("pk"))
    names = set(attachments.values_list("file", flat=True)) | set(history.values_list("file", flat=True))
    return {name for name in names if name}


def _storage():
    return Attachment._meta.get_field("file").storage


def _counts(steps: list[Step]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in steps:
        n = step.rows.count()
        if n:
            counts[step.table] = counts.get(step.table, 0) + n
    return counts


def _lock(model, pk):
    rows = model.objects.filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return rows.first()


def _item(due: Due, counts: dict[str, int], files: int = 0) -> dict:
    """What the page shows for one record: its reference, the rule, the dates and counts; no content.

    A person is named by the record's id only: the run is kept, and a staff number or a service user's
    reference kept here would undo the anonymisation."""
    label = (
        due.label
        if due.record_type == RecordType.CASE_RECORDS
        else f"{RecordType(due.record_type).label}: record {due.object_id}"
    )
    return {
        "record_type": due.record_type,
        "label": label,
        "rule": str(due.rule),
        "period": due.rule.period_label,
        "counted_from": due.counted_from.isoformat(),
        "due": due.due.isoformat(),
        "rows": counts,
        "files": files,
    }


def _mark(due: Due, run: RetentionRun | None) -> None:
    RetentionDisposal.objects.create(record_type=due.record_type, object_id=due.object_id, rule=due.rule, run=run)


def _already(due: Due) -> bool:
    return RetentionDisposal.objects.filter(record_type=due.record_type, object_id=due.object_id).exists()


def case_records_remove(*, due: Due, run: RetentionRun | None = None, dry_run: bool = False) -> dict | None:
    """Remove one case's records (or say what would go); None when it was not (any longer) to be removed."""
    case = Case.objects.get(pk=due.object_id)
    if dry_run:
        return _item(due, _counts(case_steps(case)), len(case_files(case)))
    with transaction.atomic():
        case = _lock(Case, due.object_id)
        if case is None or _already(due) or case.pk in held_case_ids() or case.status != Case.Status.CLOSED:
            return None  # another run has it, it was done, or a hold was placed since the list was made
        steps = case_steps(case)
        files = case_files(case)
        counts = _counts(steps)
        for step in steps:
            step.apply()
        storage = _storage()
        for name in files:
            storage.delete(name)  # within the transaction: if it rolls back, the next run deletes again
        _mark(due, run)
        audit_record(
            action="privacy.retention.case_removed",
            obj=case,
            detail={"rule": due.rule.pk, "rows": sum(counts.values()), "files": len(files)},
        )
    return _item(due, counts, len(files))


def _staff_steps(staff: StaffMember) -> list[Step]:
    User = get_user_model()  # noqa: N806
    user_rows = User.objects.filter(pk=staff.user_id)
    steps = [
        Step(
            User._meta.label_lower,
            user_rows,
            values={
                "username": f"removed-{staff.user_id}",
                "first_name": "",
                "last_name": "",
                "email": "",
                "is_active": False,
                "password": "!" + secrets.token_urlsafe(20),  # unusable, like set_unusable_password
            },
        ),
        *_tracked(
            StaffMember,
            [staff.pk],
            values={"staff_number": f"removed-{staff.pk}", "registration_number": "", "job_title": "Removed"},
        ),
        *_tracked(
            Relationship,
            Relationship.objects.filter(Q(staff=staff) | Q(colleague=staff)).values_list("pk", flat=True),
            texts=("arrangement",),
            values={"partner_agency": ""},
        ),
        # Corrections shown on the staff record or on their register entries hold the person's own words.
        *_tracked(
            RecordCorrectionNote,
            RecordCorrectionNote.objects.filter(
                Q(staff=staff) | Q(relationship__staff=staff) | Q(relationship__colleague=staff)
            ).values_list("pk", flat=True),
            texts=("text",),
        ),
    ]
    for label in ("account.EmailAddress", "mfa.Authenticator", "socialaccount.SocialAccount"):
        model = apps.get_model(label)
        steps.append(Step(model._meta.label_lower, model.objects.filter(user_id=staff.user_id), delete=True))
    return steps


def staff_record_anonymise(*, due: Due, run: RetentionRun | None = None, dry_run: bool = False) -> dict | None:
    """Anonymise a leaver no kept case names: name, e-mail, staff number, sign-in methods."""
    staff = StaffMember.objects.get(pk=due.object_id)
    if dry_run:
        return _item(due, _counts(_staff_steps(staff)))
    with transaction.atomic():
        staff = _lock(StaffMember, due.object_id)
        if staff is None or _already(due) or staff.pk in held_staff_ids():
            return None
        steps = _staff_steps(staff)
        counts = _counts(steps)
        for step in steps:
            step.apply()
        _mark(due, run)
        audit_record(action="privacy.retention.staff_anonymised", obj=staff, detail={"rule": due.rule.pk})
    return _item(due, counts)


def _service_user_steps(service_user: ServiceUser) -> list[Step]:
    carers = list(CarerOrRelative.objects.filter(service_user=service_user).values_list("pk", flat=True))
    return [
        *_tracked(ServiceUser, [service_user.pk], values={"reference": f"removed-{service_user.pk}", "initials": "X"}),
        *_tracked(CarerOrRelative, carers, values={"initials": "X", "relationship_to_service_user": "Removed"}),
        *_tracked(
            Relationship,
            Relationship.objects.filter(Q(service_user=service_user) | Q(carer__in=carers)).values_list(
                "pk", flat=True
            ),
            texts=("arrangement",),
        ),
        *_tracked(
            RecordCorrectionNote,
            RecordCorrectionNote.objects.filter(
                Q(relationship__service_user=service_user) | Q(relationship__carer__in=carers)
            ).values_list("pk", flat=True),
            texts=("text",),
        ),
    ]


def service_user_record_anonymise(*, due: Due, run: RetentionRun | None = None, dry_run: bool = False) -> dict | None:
    """Anonymise a former service user (and their carers and relatives) no kept case names."""
    service_user = ServiceUser.objects.get(pk=due.object_id)
    if dry_run:
        return _item(due, _counts(_service_user_steps(service_user)))
    with transaction.atomic():
        service_user = _lock(ServiceUser, due.object_id)
        if service_user is None or _already(due) or service_user.pk in held_service_user_ids():
            return None
        steps = _service_user_steps(service_user)
        counts = _counts(steps)
        for step in steps:
            step.apply()
        _mark(due, run)
        audit_record(action="privacy.retention.service_user_anonymised", obj=service_user, detail={"rule": due.rule.pk})
    return _item(due, counts)


def _request_lock(due: Due) -> RightsRequest | None:
    rr = _lock(RightsRequest, due.object_id)
    if (
        rr is None
        or _already(due)
        or rr.pk not in {d.object_id for d in requests_due(until=due.due) if d.record_type == due.record_type}
    ):
        return None  # done, gone, or held (or restricted) since the list was made
    return rr


def sar_copy_remove(*, due: Due, run: RetentionRun | None = None, dry_run: bool = False) -> dict | None:
    """Remove the released copy (the ZIP) kept on an access request; its SHA-256 stays as proof of what was sent.
    The history rows never held the copy (RightsRequest.history excludes it)."""
    counts = {RightsRequest._meta.label_lower: 1}
    if dry_run:
        return _item(due, counts)
    with transaction.atomic():
        if _request_lock(due) is None:
            return None
        update_rows(RightsRequest.objects.filter(pk=due.object_id), released_zip=None)
        _mark(due, run)
        audit_record(action="privacy.retention.sar_copy_removed", object_type=RightsRequest._meta.label_lower,
                     object_id=due.object_id, detail={"rule": due.rule.pk})  # fmt: skip
    return _item(due, counts)


def _request_steps(pk: int) -> list[Step]:
    """A request, what was withheld from its copy and the corrections it attached, with every history row; the
    restriction it granted (lifted by then). Corrections shown on a case's timeline or on a record stay there,
    with that record."""
    return [
        *_tracked(Redaction, Redaction.objects.filter(request_id=pk).values_list("pk", flat=True), delete=True),
        *_tracked(
            RecordCorrection, RecordCorrection.objects.filter(request_id=pk).values_list("pk", flat=True), delete=True
        ),
        *_tracked(
            ProcessingRestriction,
            ProcessingRestriction.objects.filter(request_id=pk).values_list("pk", flat=True),
            delete=True,
        ),
        *_tracked(RightsRequest, [pk], delete=True),
    ]


def rights_request_remove(*, due: Due, run: RetentionRun | None = None, dry_run: bool = False) -> dict | None:
    """Remove a request record past its period; the audit trail keeps its id and dates, without content."""
    if dry_run:
        return _item(due, _counts(_request_steps(due.object_id)))
    with transaction.atomic():
        if _request_lock(due) is None:
            return None
        steps = _request_steps(due.object_id)
        counts = _counts(steps)
        for step in steps:
            step.apply()
        _mark(due, run)
        audit_record(action="privacy.retention.request_removed", object_type=RightsRequest._meta.label_lower,
                     object_id=due.object_id, detail={"rule": due.rule.pk, "rows": sum(counts.values())})  # fmt: skip
    return _item(due, counts)


def _rows_remove(rows: QuerySet, *, limit: int, action: str, dry_run: bool) -> int:
    """Delete up to `limit` of `rows` (outbox rows, audit events) in one transaction, with one event."""
    ids = list(rows.values_list("pk", flat=True)[:limit])
    if dry_run or not ids:
        return len(ids)
    with transaction.atomic():
        removed = delete_rows(rows.model.objects.filter(pk__in=ids))
        audit_record(action=action, object_type=rows.model._meta.label_lower, detail={"count": removed})
    return removed


REMOVERS = {
    RecordType.CASE_RECORDS: case_records_remove,
    RecordType.STAFF_RECORDS: staff_record_anonymise,
    RecordType.SERVICE_USER_RECORDS: service_user_record_anonymise,
    RecordType.SAR_COPIES: sar_copy_remove,
    RecordType.RIGHTS_REQUESTS: rights_request_remove,
}


def retention_run(
    *, actor=None, dry_run: bool = False, as_of: datetime.date | None = None, limit: int | None = None
) -> RetentionRun:
    """Apply the schedule as of `as_of` (today): remove what is due and not held, at most `limit` records.

    A dry run changes nothing but records exactly what would go (the run's items). Safe to run twice, and
    after a crash: each record is done in its own transaction with its disposal marker.
    """
    as_of = as_of or timezone.localdate()
    limit = limit or settings.RETENTION_BATCH_SIZE
    run = RetentionRun.objects.create(dry_run=dry_run, requested_by=actor, as_of=as_of, limit=limit)
    try:
        rules = rules_by_key()
        held = held_case_ids()
        work = [d for d in cases_due(until=as_of, rules=rules, held=held) if not d.held]
        work += staff_due(until=as_of, rules=rules) + service_users_due(until=as_of, rules=rules)
        work += requests_due(until=as_of, rules=rules)
        counts: dict[str, int] = {}
        for due in work[:limit]:
            item = REMOVERS[due.record_type](due=due, run=run, dry_run=dry_run)
            if item is None:
                continue
            run.items.append(item)
            for table, n in item["rows"].items():
                counts[table] = counts.get(table, 0) + n
        row_limit = limit * ROWS_PER_RECORD
        outbox = outbox_due(as_of=as_of, rules=rules, held=held)
        events = audit_events_due(as_of=as_of, rules=rules, held=held)
        outbox_total, events_total = outbox.count(), events.count()
        if outbox_total:
            n = _rows_remove(outbox, limit=row_limit, action="privacy.retention.outbox_removed", dry_run=dry_run)
            counts[OutboxMessage._meta.label_lower] = counts.get(OutboxMessage._meta.label_lower, 0) + n
        if events_total:
            n = _rows_remove(events, limit=row_limit, action="privacy.retention.audit_events_removed", dry_run=dry_run)
            counts[AuditEvent._meta.label_lower] = counts.get(AuditEvent._meta.label_lower, 0) + n
        run.counts = counts
        run.more_due = len(work) > limit or outbox_total > row_limit or events_total > row_limit
        run.status = RetentionRun.Status.FINISHED
    except Exception as exc:
        run.status = RetentionRun.Status.FAILED
        run.last_error = type(exc).__name__
        raise
    finally:
        run.finished_at = timezone.now()
        run.save()
        logger.info(
            "retention %s %s: %s, %d records, %d rows, more due: %s",
            "dry run" if dry_run else "run",
            run.pk,
            run.status,
            len(run.items),
            run.rows_total,
            run.more_due,
        )
        audit_record(
            action="privacy.retention.dry_run" if dry_run else "privacy.retention.run",
            actor=actor,
            obj=run,
            detail={"records": len(run.items), "more_due": run.more_due, "status": run.status},
        )
    return run
