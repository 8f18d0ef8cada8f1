"""Small-number suppression for the quarterly report (DESIGN §8, CP-02; docs/reporting.md).

The rule, in two steps:

1. Primary: every count below the threshold k (default 3) — zero included — is shown as
   "fewer than k". Zero is hidden too: a "0" beside "fewer than 3" cells narrows what those
   could be, and the issue asks for every count below k.
2. Secondary: figures are tied together by relations such as "the rows of a column add up to its
   total" or "open at the start + opened = closed + open at the end". For every relation, and for
   every hidden cell in it, we work out the range of values a reader could deduce for that cell
   from the cells that are shown, knowing the rule (a "fewer than k" cell is 0..k-1; a "not shown"
   cell could be any number: reporting/disclosure.py may withhold a small one too). If that range
   is a single value, the cell could be worked out by subtraction, so one more cell of the
   relation is hidden as "not shown": the smallest shown cell on the same side (another row), else
   on the other side (the total). Repeat until no relation gives any hidden cell away.

It is one small function on plain dicts so that it can be tested exhaustively (reporting/tests/
test_suppression.py checks random tables by brute force). It looks at one report and one relation at
a time; reporting/disclosure.py then checks everything ever published together, with a solver.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PRIMARY = "primary"  # below the threshold: shown as "fewer than k"
SECONDARY = "secondary"  # hidden so that another cell cannot be derived: "not shown", any number


@dataclass(frozen=True)
class Relation:
    """sum(left) == sum(right) for the true values, e.g. ((total,), (row1, row2, ...))."""

    left: tuple[str, ...]
    right: tuple[str, ...]


def partition(total: str, parts: Iterable[str]) -> Relation:
    return Relation((total,), tuple(parts))


def _bounds(kind: str | None, value: int, threshold: int) -> tuple[float, float]:
    if kind is None:
        return value, value
    if kind == PRIMARY:
        return 0, threshold - 1
    return 0, math.inf  # "not shown" tells the reader nothing: it may hide any number


def deducible_range(
    cell: str, relation: Relation, values: Mapping[str, int], hidden: Mapping[str, str], threshold: int
) -> tuple[float, float]:
    """What a reader can deduce about `cell` from this relation alone: (lowest, highest)."""
    side, other = (relation.left, relation.right) if cell in relation.left else (relation.right, relation.left)
    low = high = 0.0
    for name in other:
        lo, hi = _bounds(hidden.get(name), values[name], threshold)
        low, high = low + lo, high + hi
    for name in side:
        if name == cell:
            continue
        lo, hi = _bounds(hidden.get(name), values[name], threshold)
        low, high = low - hi, high - lo
    own_lo, own_hi = _bounds(hidden.get(cell), values[cell], threshold)
    return max(low, own_lo), min(high, own_hi)


def suppress(
    values: Mapping[str, int],
    relations: Iterable[Relation],
    *,
    threshold: int,
    linked: Iterable[tuple[str, ...]] = (),
) -> dict[str, str]:
    """Which cells to hide and why: {cell: PRIMARY | SECONDARY}. Cells not returned are shown.

    `linked` lists groups of cells that are shown or hidden together because each can be worked
    out from the other (a team's staff count and its acknowledgements due, staff × policies).
    """
    relations = [r for r in relations if r.left and r.right]
    linked = [tuple(group) for group in linked]
    hidden = {name: PRIMARY for name, value in values.items() if value < threshold}
    changed = True
    while changed:
        changed = False
        for group in linked:
            if any(name in hidden for name in group):
                for name in group:
                    if name not in hidden:
                        hidden[name] = SECONDARY
                        changed = True
        for relation in relations:
            for cell in (*relation.left, *relation.right):
                if hidden.get(cell) != PRIMARY:
                    continue
                low, high = deducible_range(cell, relation, values, hidden, threshold)
                if high > low:
                    continue
                side, other = (
                    (relation.left, relation.right) if cell in relation.left else (relation.right, relation.left)
                )
                for candidates in (side, other):
                    shown = [name for name in candidates if name not in hidden]
                    if shown:
                        hidden[min(shown, key=lambda name: (values[name], name))] = SECONDARY
                        changed = True
                        break
    return hidden


def display(value: int, kind: str | None, threshold: int) -> int | str:
    """The published form of a count."""
    if kind == PRIMARY:
        return f"fewer than {threshold}"
    if kind == SECONDARY:
        return "not shown"
    return value
