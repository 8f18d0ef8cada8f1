"""What the person concerned was told, and their reply."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import (
    Case,
    SubjectNotice,
    TimelineEntry,
)
from cases.permissions import can_reply_to_notice
from cases.selectors import staff_concerned
from cases.services.base import (
    CaseError,
    _link,
    _lock,
    _require,
    _require_date,
    _require_move,
    _save,
    _today,
    timeline_add,
)
from core.dates import DateKind
from core.formats import uk_date
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.models import StaffMember
from people.selectors import staff_named_in


@transaction.atomic
def subject_notice_record(
    *,
    case: Case,
    actor,
    subject: StaffMember,
    told: str,
    told_date: datetime.date | None = None,
    names_checked: bool = False,
    expected_version: int | None = None,
) -> SubjectNotice:
    """Record what the subject was told; they read exactly this text and may reply (fairness).

    DESIGN §6: the subject never learns who raised a concern. Any full name of anyone in the
    organisation (but the subject's own) in the text is refused until the reviewer says the names
    may stay (names_checked). The check is the same for every name, so it cannot be used to confirm
    a guess at who raised the concern, and it matches whole names, not usernames or parts of words.
    """
    case = _lock(case, expected_version)
    staff = _require_move(actor, case, "record_notice")
    _require(
        staff_concerned(case=case).filter(pk=subject.pk).exists(),
        f"{subject.full_name} is not the person concerned in this case: record support offered to someone "
        "harmed or affected instead.",
    )
    told = (told or "").strip()
    _require(bool(told), "Write what the subject was told.")
    told_date = told_date or _today()
    _require_date(told_date, kind=DateKind.PAST, what="The date they were told")
    named = staff_named_in(text=told, exclude={subject.pk})
    if named and not names_checked:
        raise CaseError(
            f"The text names {_listed(named)}. {subject.full_name} will read exactly this text and must never "
            "learn, or be able to work out, who raised the concern: take the names out, or tick “The names may "
            "stay” if none of them gives that away, and save again."
        )
    notice = SubjectNotice(case=case, subject=subject, told=told, told_date=told_date, told_by=staff)
    notice._history_user = actor
    notice._change_reason = "cases.notice.recorded"
    notice.save()
    _save(case, actor=actor, reason="cases.notice.recorded")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.SUBJECT_TOLD,
        text=f"{subject.full_name} was told on {uk_date(told_date)}: “{told}”",
    )
    notification_queue(
        recipient=subject.user,
        template=OutboxMessage.Template.SUBJECT_NOTICE,
        link="/cases/notices/",
        dedupe_key=f"notice:{notice.pk}:told",
    )
    audit_record(
        action="cases.notice.recorded", actor=actor, obj=notice, detail={"names_kept": len(named)} if named else None
    )
    return notice


def _listed(names: list[str]) -> str:
    """ "Sam Reed", "Sam Reed and Jo Bloggs", "Sam Reed, Jo Bloggs and Ali Khan"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@transaction.atomic
def subject_notice_reply(*, notice: SubjectNotice, actor, response: str) -> SubjectNotice:
    """The subject answers a notice: their side, on the timeline before any outcome."""

    _require(can_reply_to_notice(actor, notice), "Only the person this notice is addressed to can reply.")
    case = _lock(notice.case)
    notice = SubjectNotice.objects.select_for_update().get(pk=notice.pk)
    response = (response or "").strip()
    _require(bool(response), "Write your reply.")
    _require(not notice.response, "You have already replied to this notice.")
    notice.response = response
    notice.responded_at = timezone.now()
    notice._history_user = actor
    notice._change_reason = "cases.notice.replied"
    notice.save(update_fields=["response", "responded_at"])
    _save(case, actor=actor, reason="cases.notice.replied")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.SUBJECT_REPLIED,
        text=f"{notice.subject.full_name} replied: “{response}”",
    )
    if case.reviewer is not None:
        notification_queue(
            recipient=case.reviewer.user,
            template=OutboxMessage.Template.SUBJECT_REPLIED,
            link=_link(case),
            dedupe_key=f"notice:{notice.pk}:replied",
        )
    audit_record(action="cases.notice.replied", actor=actor, obj=notice)
    return notice
