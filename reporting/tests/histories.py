"""Generated organisations and case histories as plain data, and the figures a quarter's report
would compute from them (the same counts as reporting.selectors.report_figures, without a database),
for the property-based disclosure tests (test_disclosure.py)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from reporting.periods import Quarter
from reporting.selectors import NO_OUTCOME, NOT_ASSESSED, TREND_QUARTERS, RawFigures

FIRST = Quarter(2025, 1)
KINDS = ["self_declaration", "concern", "incident"]
PRIORITIES = ["urgent", "high", "normal"]
BANDS = ["low", "moderate", "high", NOT_ASSESSED]
OUTCOMES = ["guidance", "training", "no_action"]


def quarter_at(index: int) -> Quarter:
    q = FIRST
    for _ in range(index):
        q = q.next()
    return q


@dataclass(frozen=True)
class CaseRow:
    team: int
    category: int
    priority: str
    band: str
    kind: str
    outcome: str
    opened: int  # quarter index
    closed: int | None  # quarter index, or still open


@st.composite
def organisations(draw, *, quarters: int = 12):
    """An organisation (teams, categories) and two to three years of cases."""
    teams = draw(st.integers(1, 4))
    categories = draw(st.integers(1, 4))
    cases = draw(
        st.lists(
            st.builds(
                lambda team, category, priority, band, kind, outcome, opened, length: CaseRow(
                    team,
                    category,
                    priority,
                    band,
                    kind,
                    outcome,
                    opened,
                    None if length is None or opened + length >= quarters else opened + length,
                ),
                st.integers(0, teams - 1),
                st.integers(0, categories - 1),
                st.sampled_from(PRIORITIES),
                st.sampled_from(BANDS),
                st.sampled_from(KINDS),
                st.sampled_from(OUTCOMES),
                st.integers(0, quarters - 1),
                st.one_of(st.none(), st.integers(0, 3)),
            ),
            max_size=40,
        )
    )
    return teams, categories, cases


def figures(teams: int, categories: int, cases: list[CaseRow], index: int) -> RawFigures:
    """What report_figures would count for quarter `index`."""
    quarter = quarter_at(index)
    trend_indexes = list(range(index - TREND_QUARTERS + 1, index + 1))
    raw = RawFigures(quarter=quarter, trend_quarters=[quarter_at(i) for i in trend_indexes])
    counts = raw.counts

    def opened(c, i):
        return c.opened == i

    def closed(c, i):
        return c.closed == i

    def open_end(c, i):
        return c.opened <= i and (c.closed is None or c.closed > i)

    for t, i in enumerate(trend_indexes):
        counts[f"q{t}.opened"] = sum(opened(c, i) for c in cases)
        counts[f"q{t}.closed"] = sum(closed(c, i) for c in cases)
        counts[f"q{t}.open_end"] = sum(open_end(c, i) for c in cases)
        counts[f"q{t}.disclosures"] = sum(opened(c, i) for c in cases)  # one disclosure per case
    raw.labels["kind"] = [(k, k) for k in KINDS + ["variation"]]
    for k, _ in raw.labels["kind"]:
        counts[f"disclosures.kind.{k}"] = sum(opened(c, index) and c.kind == k for c in cases)
    raw.labels["category"] = [(str(n), f"Category {n}") for n in range(categories)]
    raw.labels["team"] = [(str(n), f"Team {n}") for n in range(teams)]
    raw.labels["priority"] = [(p, p) for p in PRIORITIES]
    raw.labels["band"] = [(b, b) for b in BANDS]
    attribute = {
        "category": lambda c: str(c.category),
        "team": lambda c: str(c.team),
        "priority": lambda c: c.priority,
        "band": lambda c: c.band,
    }
    for dimension, key in attribute.items():
        for code, _ in raw.labels[dimension]:
            for column, test in (("opened", opened), ("closed", closed), ("open_end", open_end)):
                counts[f"{column}.{dimension}.{code}"] = sum(test(c, index) and key(c) == code for c in cases)
    raw.labels["outcome"] = [(o, o) for o in OUTCOMES] + [(NO_OUTCOME, "No outcome recorded")]
    for code, _ in raw.labels["outcome"]:
        counts[f"closed.outcome.{code}"] = sum(closed(c, index) and c.outcome == code for c in cases)
    raw.labels["referral"] = [("police", "Police"), ("dbs", "DBS")]
    counts["referral.police"] = sum(closed(c, index) and c.priority == "urgent" for c in cases)
    counts["referral.dbs"] = 0
    # Gifts and variation decisions: small counts with no published total.
    raw.labels["gift"] = [("declined", "Declined"), ("accepted", "Accepted by the worker")]
    counts["gift.declined"] = sum(opened(c, index) and c.outcome == OUTCOMES[0] for c in cases)
    counts["gift.accepted"] = sum(opened(c, index) and c.priority == "urgent" for c in cases)
    raw.labels["variation"] = [("agreed", "Agreed")]
    counts["variation.agreed"] = sum(closed(c, index) and c.band == "high" for c in cases)
    counts["ack.count"] = counts[f"q{TREND_QUARTERS - 1}.opened"]
    counts["ack.within"] = sum(opened(c, index) and c.priority != "urgent" for c in cases)
    counts["ack.late"] = counts["ack.count"] - counts["ack.within"]
    counts["close.count"] = counts[f"q{TREND_QUARTERS - 1}.closed"]
    counts["close.within"] = sum(closed(c, index) and c.closed == c.opened for c in cases)
    counts["close.late"] = counts["close.count"] - counts["close.within"]
    counts["overdue.reviews"] = sum(open_end(c, index) and c.band == "high" for c in cases)
    counts["overdue.actions"] = 0
    counts["workers.repeat"] = sum(opened(c, index) for c in cases) // 3
    raw.labels["compliance"] = []
    for column in ("staff", "due", "made", "out"):
        counts[f"{column}.total"] = 0
    return raw
