"""Every write to a disclosure: drafts, submission (which routes it to a case), follow-ups, attachments."""

from __future__ import annotations

import datetime
import unicodedata
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.services import case_follow_up_add, case_open_for, reference_next
from core.dates import DateKind, date_problem
from disclosures.models import Attachment, Disclosure, FollowUp
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.models import Relationship, ServiceUser, StaffMember
from people.services import relationship_declare
from policies.models import BoundaryCategory, DisclosureKind

# Allowed attachments: extension -> (content type, magic-byte check or None).
# The browser's content type is never trusted; the stored one comes from this table.
ALLOWED_ATTACHMENTS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".heic": ("image/heic", None),  # checked by _looks_like_heic
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),  # checked by _looks_like_text
}
# Answers in `details` that describe a relationship (docs/disclosures.md).
RELATIONSHIP_DETAIL_KEYS = ("kind", "began")


def disclosure_draft_save(
    *,
    reporter: StaffMember,
    kind: str,
    disclosure: Disclosure | None = None,
    category: BoundaryCategory | None = None,
    occurred_date: datetime.date | None = None,
    location: str = "",
    narrative: str = "",
    immediate_action: str = "",
    at_risk_now: bool = False,
    details: dict | None = None,
    subjects=(),
    service_users=(),
    carers=(),
    speak_up: bool = False,
    good_faith_confirmed: bool = False,
    confidential: bool = False,
) -> Disclosure:
    """Create or update a draft; nothing is checked for completeness until submit."""
    with transaction.atomic():
        if disclosure is None:
            disclosure = Disclosure(reporter=reporter)
        else:
            disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
            if disclosure.reporter_id != reporter.pk:
                raise PermissionDenied("Only the worker who started a draft can change it.")
            if not disclosure.is_draft:
                raise ValidationError("A submitted disclosure cannot be changed; add a follow-up instead.")
        disclosure.kind = kind
        disclosure.category = category
        disclosure.occurred_date = occurred_date
        disclosure.location = location
        disclosure.narrative = narrative
        disclosure.immediate_action = immediate_action
        disclosure.at_risk_now = at_risk_now
        disclosure.details = details or {}
        # The speak-up route exists only for concerns (DESIGN §3); other kinds drop it.
        disclosure.speak_up = speak_up and kind == DisclosureKind.CONCERN
        disclosure.good_faith_confirmed = good_faith_confirmed
        # "Between me and my line manager" exists only where the category allows it (seed 004 supervision).
        disclosure.confidential = bool(confidential and category and category.offers_confidentiality(kind))
        disclosure._history_user = reporter.user
        disclosure.save()
        disclosure.subjects.set(subjects)
        disclosure.service_users.set(service_users)
        disclosure.carers.set(carers)
        audit_record(action="disclosures.disclosure.draft_saved", actor=reporter.user, obj=disclosure)
    return disclosure


def disclosure_validate_for_submit(*, disclosure: Disclosure) -> None:
    """Raise ValidationError (keyed by field) if the disclosure is not complete enough to submit."""
    errors: dict[str, list[str]] = {}
    category = disclosure.category
    subjects = list(disclosure.subjects.all())
    if category is None:
        errors.setdefault("category", []).append("Choose what this is about.")
    elif not category.is_active or not category.applies_to(disclosure.kind):
        errors.setdefault("category", []).append("That choice does not fit this kind of report; choose another.")
    if not disclosure.narrative.strip() and disclosure.kind != DisclosureKind.VARIATION:
        # A variation request's plan is its account (seed 000 §5.7): the extra text is optional.
        errors.setdefault("narrative", []).append("Say what happened, in your own words.")
    problem = date_problem(disclosure.occurred_date, kind=DateKind.PAST, what="The date it happened")
    if problem:
        errors.setdefault("occurred_date", []).append(problem)
    if disclosure.kind == DisclosureKind.CONCERN:
        if not subjects:
            errors.setdefault("subjects", []).append("Choose the colleague this concern is about.")
        if not disclosure.good_faith_confirmed:
            # seed 002 §7.3, seed 000 §4.4: concerns are raised in good faith.
            errors.setdefault("good_faith_confirmed", []).append("Please confirm you are raising this in good faith.")
    if any(s.pk == disclosure.reporter_id for s in subjects) and disclosure.kind == DisclosureKind.CONCERN:
        errors.setdefault("subjects", []).append("A concern is about someone else; use “Something about me” instead.")
    colleagues = [s for s in subjects if s.pk != disclosure.reporter_id]
    if category is not None and category.restricted_to_parties and category.is_relationship and not colleagues:
        errors.setdefault("subjects", []).append("Choose the colleague the relationship is with.")
    if disclosure.speak_up and disclosure.kind != DisclosureKind.CONCERN:
        errors.setdefault("speak_up", []).append("The speak-up route is for concerns about a colleague.")
    if not disclosure.reporter.is_active:
        errors.setdefault("__all__", []).append("Your staff record is not active; ask your manager or HR.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def disclosure_submit(*, disclosure: Disclosure, actor) -> Disclosure:
    """Submit a draft: give it a reference, route it to a case, queue the receipt. One transaction."""
    disclosure = (
        Disclosure.objects.select_for_update(of=("self",))
        .select_related("reporter__user", "category")
        .get(pk=disclosure.pk)
    )
    if not disclosure.is_draft:
        return disclosure  # a double click is harmless
    if disclosure.reporter.user_id != actor.pk:
        raise PermissionDenied("Only the worker who wrote a disclosure can submit it.")
    disclosure_validate_for_submit(disclosure=disclosure)

    disclosure.reference = reference_next(prefix="D")
    disclosure.status = Disclosure.Status.SUBMITTED
    disclosure.submitted_at = timezone.now()
    declared = _relationships_register(disclosure=disclosure)
    # The case manages the first register entry the declaration made (cases: closure guard).
    case = case_open_for(disclosure=disclosure, actor=actor, relationship=declared[0] if declared else None)
    disclosure.case = case
    disclosure._history_user = actor
    disclosure._change_reason = "disclosures.disclosure.submitted"
    disclosure.save()

    notification_queue(
        recipient=disclosure.reporter.user,
        template=OutboxMessage.Template.DISCLOSURE_RECEIPT,
        link=f"/disclosures/{disclosure.pk}/",
        due_date=case.acknowledge_by_date,
        dedupe_key=f"disclosure:{disclosure.pk}:receipt",
    )
    audit_record(action="disclosures.disclosure.submitted", actor=actor, obj=disclosure)
    return disclosure


def _relationships_register(*, disclosure: Disclosure) -> list[Relationship]:
    """A self-declared relationship goes into the register as "declared" (DESIGN §3 people)."""
    details = disclosure.details or {}
    if disclosure.kind != DisclosureKind.SELF_DECLARATION or not any(k in details for k in RELATIONSHIP_DETAIL_KEYS):
        return []
    kind = details.get("kind") if details.get("kind") in Relationship.Kind.values else Relationship.Kind.OTHER
    began = details.get("began") if details.get("began") in Relationship.Began.values else Relationship.Began.BEFORE
    reporter = disclosure.reporter
    made = []

    def declare(**counterpart):
        made.append(
            relationship_declare(
                staff=reporter,
                kind=kind,
                began=began,
                actor=reporter.user,
                reason=f"declared in {disclosure.reference}",
                **counterpart,
            )
        )

    for service_user in disclosure.service_users.all():
        # The category "relationship with a former service user" says so even when the care record has not
        # caught up yet.
        former = service_user.status == ServiceUser.Status.FORMER or disclosure.category.code == "former-service-user"
        counterpart = Relationship.Counterpart.FORMER_SERVICE_USER if former else Relationship.Counterpart.SERVICE_USER
        declare(counterpart=counterpart, service_user=service_user)
    for carer in disclosure.carers.all():
        declare(counterpart=Relationship.Counterpart.CARER, carer=carer)
    for colleague in disclosure.subjects.exclude(pk=reporter.pk):
        declare(counterpart=Relationship.Counterpart.COLLEAGUE, colleague=colleague)
    return made


@transaction.atomic
def followup_add(*, disclosure: Disclosure, author: StaffMember, text: str, uploaded_file=None) -> FollowUp:
    """Add later information (and optionally a file) to a submitted disclosure; the statement never changes."""
    if disclosure.is_draft:
        raise ValidationError("Finish and submit the disclosure first; a draft can simply be edited.")
    if disclosure.reporter_id != author.pk:
        raise PermissionDenied("Only the worker who filed a disclosure can add to it.")
    if not text.strip():
        raise ValidationError({"text": ["Write what you want to add."]})
    follow_up = FollowUp(disclosure=disclosure, author=author, text=text)
    follow_up._history_user = author.user
    follow_up.save()
    if uploaded_file is not None:
        attachment_add(disclosure=disclosure, uploaded_by=author, uploaded_file=uploaded_file, follow_up=follow_up)
    case_follow_up_add(
        case=disclosure.case, actor=author.user, disclosure=disclosure, dedupe_key=f"followup:{follow_up.pk}:reviewer"
    )
    audit_record(action="disclosures.followup.added", actor=author.user, obj=follow_up)
    return follow_up


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is fine.
        return exc.start >= len(head) - 3
    return True


def _looks_like_heic(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"hevc"}


def attachment_name_clean(name: str) -> str:
    """The uploader's file name made safe to show: no path, no control characters, short."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return (base or "attachment")[-150:]


def attachment_validate(*, uploaded_file) -> tuple[str, str]:
    """Check size, type and content; returns (clean name, content type) or raises ValidationError."""
    name = attachment_name_clean(uploaded_file.name or "")
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_ATTACHMENTS:
        allowed = ", ".join(sorted(s.lstrip(".").upper() for s in ALLOWED_ATTACHMENTS))
        raise ValidationError(f"That kind of file cannot be attached. Allowed: {allowed}.", code="type")
    limit = settings.DISCLOSURE_ATTACHMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(f"That file is too large: the limit is {limit // (1024 * 1024)} MB.", code="size")
    if uploaded_file.size == 0:
        raise ValidationError("That file is empty.", code="empty")
    content_type, magic = ALLOWED_ATTACHMENTS[suffix]
    uploaded_file.seek(0)
    head = uploaded_file.read(2048)
    uploaded_file.seek(0)
    if magic is not None:
        ok = any(head.startswith(m) for m in magic)
    elif suffix == ".heic":
        ok = _looks_like_heic(head)
    else:
        ok = _looks_like_text(head)
    if not ok:
        raise ValidationError("That file's contents do not match its type.", code="content")
    return name, content_type


@transaction.atomic
def attachment_add(
    *, disclosure: Disclosure, uploaded_by: StaffMember, uploaded_file, follow_up: FollowUp | None = None
) -> Attachment:
    """Store a checked file privately against a disclosure (or one of its follow-ups)."""
    if disclosure.reporter_id != uploaded_by.pk:
        raise PermissionDenied("Only the worker who filed a disclosure can attach files to it.")
    if follow_up is not None and follow_up.disclosure_id != disclosure.pk:
        raise ValidationError("That follow-up belongs to another disclosure.")
    name, content_type = attachment_validate(uploaded_file=uploaded_file)
    attachment = Attachment(
        disclosure=disclosure,
        follow_up=follow_up,
        original_name=name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(name, uploaded_file, save=False)  # the stored name is a new UUID
    attachment._history_user = uploaded_by.user
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    audit_record(action="disclosures.attachment.added", actor=uploaded_by.user, obj=attachment)
    return attachment
