"""A case's change history in plain words, from django-simple-history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases.models import (
    Action,
    ActionCheck,
    Case,
    PromptAnswer,
    Review,
    RiskAssessment,
    SubjectNotice,
)
from core.formats import uk_date, uk_datetime


@dataclass(frozen=True)
class HistoryLine:
    """One readable change: who, when, what, old → new."""

    at: datetime.datetime
    who: str
    what: str  # "Case", "Action: Training", …
    field: str  # the field's label, or "" for a record made
    old: str
    new: str
    reason: str


_HIDDEN_FIELDS = {"id", "version", "case", "review", "score", "residual_score"}


def _display(record, field_name: str) -> str:
    field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, field.attname, None)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        try:
            return str(getattr(record, field_name))
        except Exception:  # noqa: BLE001 - a row since deleted: show its id
            return f"#{value}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return uk_datetime(value)
    if isinstance(value, datetime.date):
        return uk_date(value)
    return str(value)


def _lines_for(records, what) -> list[HistoryLine]:
    lines: list[HistoryLine] = []
    previous = {}
    for record in records:
        who = record.history_user.get_full_name() or record.history_user.username if record.history_user else "System"
        label = what(record)
        before = previous.get(record.id)
        reason = record.history_change_reason or ""
        if before is None:
            lines.append(HistoryLine(record.history_date, who, label, "", "", "recorded", reason))
        else:
            for change in record.diff_against(before).changes:
                if change.field in _HIDDEN_FIELDS:
                    continue
                field = record.instance_type._meta.get_field(change.field)
                lines.append(
                    HistoryLine(
                        record.history_date,
                        who,
                        label,
                        str(field.verbose_name).capitalize(),
                        _display(before, change.field),
                        _display(record, change.field),
                        reason,
                    )
                )
        previous[record.id] = record
    return lines


def case_history(*, case: Case) -> list[HistoryLine]:
    """Readable changes to a case and its assessments, actions, reviews, prompt answers and notices,
    oldest first; call only after case_list_for has allowed the case."""
    sources = [
        (case.history.all(), lambda r: "Case"),
        (RiskAssessment.history.filter(case_id=case.pk), lambda r: "Risk assessment"),
        (PromptAnswer.history.filter(case_id=case.pk), lambda r: f"Statutory prompt: {r.get_prompt_display()}"),
        (
            Action.history.filter(case_id=case.pk).select_related("template"),
            lambda r: f"Action: {r.template.title}",
        ),
        (Review.history.filter(case_id=case.pk), lambda r: "Review"),
        (
            ActionCheck.history.filter(review__case_id=case.pk).select_related("action__template"),
            lambda r: f"Review check: {r.action.template.title}",
        ),
        (SubjectNotice.history.filter(case_id=case.pk), lambda r: "Notice to the subject"),
    ]
    lines: list[HistoryLine] = []
    for records, what in sources:
        lines += _lines_for(records.select_related("history_user").order_by("history_date", "history_id"), what)
    return sorted(lines, key=lambda line: line.at)
