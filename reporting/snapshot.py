"""Turn a quarter's raw figures into the published snapshot: suppressed, labelled, laid out.

The snapshot is plain JSON and holds only what is published: a suppressed cell is stored as its
wording ("fewer than 3", "not shown"), never as the number. Every rendered file is made from it.
"""

from __future__ import annotations

from django.conf import settings

from policies.selectors import COMPLIANCE_DEFINITION
from reporting.disclosure import protect, relations_for
from reporting.selectors import TREND_QUARTERS, RawFigures
from reporting.suppression import display, suppress

SCHEMA = 2  # 2: "cells" (every controlled count by its report-independent name)
CURRENT = f"q{TREND_QUARTERS - 1}"
PREVIOUS = f"q{TREND_QUARTERS - 2}"
CASE_COLUMNS = (("opened", "Opened"), ("closed", "Closed"), ("open_end", "Open at quarter end"))
DIMENSIONS = (
    ("category", "Cases by category"),
    ("team", "Cases by team"),
    ("priority", "Cases by priority"),
    ("band", "Cases by risk band (latest assessment before the quarter's end)"),
)


# Counts that are not disclosure-controlled: staff acknowledgement figures are about staff duty,
# not about cases (docs/reporting.md "Policy acknowledgement compliance").
UNCONTROLLED = ("staff.", "due.", "made.", "out.", "close.count")


def cell_name(name: str, raw: RawFigures) -> str:
    """The report-independent name of a count (reporting/disclosure.py): "q4.opened" of the 2026-Q2
    report is "2026-Q2|opened", "opened.team.12" is "2026-Q2|opened|team|12"."""
    period = str(raw.quarter)
    head, _, rest = name.partition(".")
    if head.startswith("q") and head[1:].isdigit():
        return f"{raw.trend_quarters[int(head[1:])]}|{rest}"
    if head in ("opened", "closed", "open_end", "disclosures", "referral", "gift", "variation") and rest:
        return "|".join([period, head, *rest.split(".", 1)])
    return f"{period}|{name}"


def controlled_counts(raw: RawFigures) -> dict[str, int]:
    """Every count under disclosure control, by its report-independent name."""
    return {cell_name(n, raw): v for n, v in raw.counts.items() if not n.startswith(UNCONTROLLED)}


def protect_counts(raw: RawFigures, *, threshold: int, released=(), interval: int | None = None) -> dict[str, str]:
    """Which controlled cells to hide: per table first, then against everything already released."""
    values = controlled_counts(raw)
    own = [r for r in relations_for(values) if all(n in values for n in (*r.left, *r.right))]
    hidden = suppress(values, own, threshold=threshold)
    if interval is None:
        interval = settings.REPORT_PROTECTION_INTERVAL
    return protect(values, hidden, list(released), threshold=threshold, interval=interval, name=str(raw.quarter))


def _days(n: int) -> str:
    return f"{n} working day{'s' if n != 1 else ''}"


def ack_deadline_words(*, long: bool = False) -> str:
    """The acknowledgement targets in words, from CASE_ACK_DAYS_URGENT and CASE_ACK_DAYS_DEFAULT."""
    urgent, other = settings.CASE_ACK_DAYS_URGENT, settings.CASE_ACK_DAYS_DEFAULT
    if long:
        return f"{_days(urgent)} for urgent cases, {_days(other)} for the others"
    return f"{_days(urgent)} if urgent, otherwise {_days(other)}"


def _percent(part, whole) -> str | None:
    if isinstance(part, int) and isinstance(whole, int) and whole > 0:
        return f"{round(100 * part / whole)}%"
    return None


def _change(now, before) -> str | None:
    if isinstance(now, int) and isinstance(before, int):
        return f"{now - before:+d}"
    return None


def snapshot_build(raw: RawFigures, *, threshold: int, released=()) -> dict:
    """The published figures of a quarter (see the module docstring). `released`: every report
    already released (reporting.disclosure.Release), which this one must not undo."""
    hidden = protect_counts(raw, threshold=threshold, released=released)
    values = controlled_counts(raw)

    def cell(name: str):
        if name.startswith(UNCONTROLLED):
            return raw.counts[name]
        key = cell_name(name, raw)
        return display(values[key], hidden.get(key), threshold)

    def is_hidden(name: str) -> bool:
        return cell_name(name, raw) in hidden

    q = raw.quarter
    labels = raw.labels
    headline = []
    for key, label in (
        ("disclosures", "Disclosures received"),
        ("opened", "Cases opened"),
        ("closed", "Cases closed"),
        ("open_end", "Cases open at the quarter's end"),
    ):
        now, before = cell(f"{CURRENT}.{key}"), cell(f"{PREVIOUS}.{key}")
        headline.append({"key": key, "label": label, "value": now, "previous": before, "change": _change(now, before)})

    def median(key: str, base: str):
        value = raw.medians.get(key)
        if value is None or is_hidden(base):
            return "not shown"
        return value

    timeliness = [
        {"key": "ack.count", "label": "Cases acknowledged in the quarter", "value": cell("ack.count")},
        {"key": "ack.median", "label": "Median days to acknowledge", "value": median("ack", "ack.count")},
        {
            "key": "ack.within",
            "label": f"Acknowledged by the deadline ({ack_deadline_words()})",
            "value": cell("ack.within"),
            "share": _percent(cell("ack.within"), cell("ack.count")) if not is_hidden("ack.late") else None,
        },
        {"key": "close.count", "label": "Cases closed in the quarter", "value": cell(f"{CURRENT}.closed")},
        {
            "key": "close.median",
            "label": "Median days from opening to closing",
            "value": median("close", f"{CURRENT}.closed"),
        },
        {
            "key": "close.within",
            "label": f"Closed within {settings.REPORT_CLOSE_TARGET_DAYS} days of opening",
            "value": cell("close.within"),
            "share": _percent(cell("close.within"), cell(f"{CURRENT}.closed")) if not is_hidden("close.late") else None,
        },
    ]

    tables = [
        {
            "key": "disclosures_by_kind",
            "title": "Disclosures received, by kind",
            "columns": ["Received"],
            "rows": [{"label": label, "cells": [cell(f"disclosures.kind.{c}")]} for c, label in labels["kind"]],
            "total": {"label": "All disclosures", "cells": [cell(f"{CURRENT}.disclosures")]},
        }
    ]
    for dimension, title in DIMENSIONS:
        tables.append(
            {
                "key": f"cases_by_{dimension}",
                "title": title,
                "columns": [name for _, name in CASE_COLUMNS],
                "rows": [
                    {"label": label, "cells": [cell(f"{column}.{dimension}.{c}") for column, _ in CASE_COLUMNS]}
                    for c, label in labels[dimension]
                ],
                "total": {"label": "All cases", "cells": [cell(f"{CURRENT}.{column}") for column, _ in CASE_COLUMNS]},
            }
        )
    tables.append(
        {
            "key": "outcomes",
            "title": "Outcomes of the cases closed in the quarter",
            "columns": ["Cases"],
            "rows": [{"label": label, "cells": [cell(f"closed.outcome.{c}")]} for c, label in labels["outcome"]],
            "total": {"label": "All closed cases", "cells": [cell(f"{CURRENT}.closed")]},
        }
    )
    tables.append(
        {
            "key": "referrals",
            "title": "Referrals made in the quarter (cases; a case may be referred on several routes)",
            "columns": ["Cases"],
            "rows": [{"label": label, "cells": [cell(f"referral.{c}")]} for c, label in labels["referral"]],
            "total": None,
        }
    )
    tables.append(
        {
            "key": "gifts",
            "title": "Gifts and hospitality declared in the quarter, by what became of them",
            "columns": ["Declared"],
            "rows": [{"label": label, "cells": [cell(f"gift.{c}")]} for c, label in labels.get("gift", [])],
            "total": None,
        }
    )
    tables.append(
        {
            "key": "variations",
            "title": "Plans that stretch a boundary, decided in the quarter",
            "columns": ["Decided"],
            "rows": [{"label": label, "cells": [cell(f"variation.{c}")]} for c, label in labels.get("variation", [])],
            "total": None,
        }
    )
    compliance_rows = []

    def share(made: str, due: str, out: str) -> str:
        return _percent(cell(made), cell(due)) or "–"

    for code, name in labels["compliance"]:
        compliance_rows.append(
            {
                "label": name,
                "cells": [
                    cell(f"staff.team.{code}"),
                    cell(f"made.team.{code}"),
                    cell(f"out.team.{code}"),
                    share(f"made.team.{code}", f"due.team.{code}", f"out.team.{code}"),
                ],
            }
        )
    tables.append(
        {
            "key": "compliance",
            "title": "Policy acknowledgement compliance by team at the quarter's end",
            "columns": ["Staff", "Acknowledgements made", "Still to do", "Share made"],
            "rows": compliance_rows,
            "total": {
                "label": "All teams",
                "cells": [
                    cell("staff.total"),
                    cell("made.total"),
                    cell("out.total"),
                    share("made.total", "due.total", "out.total"),
                ],
            },
        }
    )

    oversight = [
        {
            "key": "overdue.reviews",
            "label": "Case reviews overdue at the quarter's end",
            "value": cell("overdue.reviews"),
        },
        {"key": "overdue.actions", "label": "Actions overdue at the quarter's end", "value": cell("overdue.actions")},
        {
            "key": "workers.repeat",
            "label": "Workers who were the subject of two or more cases opened in the last twelve months",
            "value": cell("workers.repeat"),
        },
    ]

    trend = {
        "quarters": [str(tq) for tq in raw.trend_quarters],
        "series": [
            {"key": key, "label": label, "values": [cell(f"q{i}.{key}") for i in range(TREND_QUARTERS)]}
            for key, label in (
                ("disclosures", "Disclosures received"),
                ("opened", "Cases opened"),
                ("closed", "Cases closed"),
                ("open_end", "Open at quarter end"),
            )
        ],
    }

    return {
        "schema": SCHEMA,
        "organisation": settings.ORGANISATION_NAME,
        "period": str(q),
        "period_label": q.label,
        "start_date": q.start_date.isoformat(),
        "end_date": q.end_date.isoformat(),
        "previous_period": str(q.previous()),
        "threshold": threshold,
        "headline": headline,
        "timeliness": timeliness,
        "oversight": oversight,
        "tables": tables,
        "trend": trend,
        "policies": raw.policies,
        "lessons": raw.lessons,
        "suppressed_cells": len(hidden),
        "cells": {key: display(value, hidden.get(key), threshold) for key, value in sorted(values.items())},
        "protection_interval": settings.REPORT_PROTECTION_INTERVAL,
        "cell_labels": {
            f"{dimension}|{code}": label
            for dimension in (*(d for d, _ in DIMENSIONS), "kind", "outcome", "referral", "gift", "variation")
            for code, label in labels.get(dimension, [])
        },
        "definitions": definitions(threshold=threshold),
    }


def definitions(*, threshold: int) -> list[dict]:
    """What each figure means; printed in the report and in docs/reporting.md."""
    return [
        {
            "term": "Quarter",
            "meaning": "Calendar quarter, from midnight UK time on its first day to midnight after its last.",
        },
        {
            "term": "Disclosure received",
            "meaning": "A disclosure submitted by a worker in the quarter (drafts are not counted).",
        },
        {
            "term": "Case opened / closed",
            "meaning": "The case's opening or (latest) closing time falls in the quarter.",
        },
        {
            "term": "Open at quarter end",
            "meaning": "Opened before the quarter ended and not closed by then.",
        },
        {
            "term": "Risk band",
            "meaning": "The band of the case's latest risk assessment made before the quarter ended "
            "(likelihood × consequence, bands as set in Boundaries).",
        },
        {
            "term": "Referral made",
            "meaning": "A statutory prompt answered 'yes, the referral was made' in the quarter; for HR, also a "
            "case referred for HR investigation in the quarter. Counted once per case and route.",
        },
        {
            "term": "Days to acknowledge / close",
            "meaning": "Calendar days from the case being opened to its acknowledgement or closure, for the "
            "cases acknowledged or closed in the quarter; the median is the middle value.",
        },
        {
            "term": "Acknowledgement deadline",
            "meaning": f"The date set when the case was opened: {ack_deadline_words(long=True)}.",
        },
        {
            "term": "Overdue",
            "meaning": "A review whose date had passed, or an action still open after its due date, on the "
            "quarter's last day, for cases still open.",
        },
        {
            "term": "Workers with two or more cases",
            "meaning": "Workers named as the subject of two or more cases opened in the twelve months to the "
            "quarter's end. A count only.",
        },
        {
            "term": "Policy acknowledgement compliance",
            "meaning": f"{COMPLIANCE_DEFINITION} In this report the moment is the end of the quarter. "
            "These figures are about staff duty, not about cases, so they are shown in full.",
        },
        {
            "term": "Lessons for training",
            "meaning": "Lessons recorded on cases closed in the quarter, as approved or edited by the "
            "safeguarding lead; nothing else from a case is published.",
        },
    ]
