"""Disclosure control across every published report (docs/reporting.md "Keeping small numbers hidden").

Every count a report publishes is a *cell* with a name that does not depend on the report it is
printed in: "2026-Q3|opened|team|12" is the number of cases team 12 opened in 2026-Q3, whether it is
read from the 2026-Q3 report, a revision of it, or (for totals) the trend of a later report. A
reader who holds every report holds one set of linear facts about these cells:

- a number shown is the cell's value; "fewer than k" says 0 … k-1; "not shown" says nothing;
- the relations everybody knows: rows add up to their total, acknowledged = in time + late, and the
  stock–flow identity across quarters – open at the end of the quarter before + opened = closed + open
  at the end – for the total and for every category, team and priority.

`attack` is that reader with a real solver: for every hidden cell it asks HiGHS (scipy.optimize.milp,
integer cells) for the smallest and the largest value consistent with everything published. A hidden
cell that could be small (its smallest value is below k) is *exposed* when that range is narrower than
the protection interval (REPORT_PROTECTION_INTERVAL, default 2: a hidden "fewer than 3" must still be
anything from 0 to 2).

`protect` is the compiler's side: starting from the per-table suppression of reporting/suppression.py,
it runs the attacker on everything already released plus the new report and withholds one more cell
of the new report ("not shown") for each exposed cell, until nothing is exposed. It always ends: with
every related cell of the new report withheld, the new report adds no fact the attacker can use.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reporting.periods import Quarter
from reporting.suppression import PRIMARY, SECONDARY, Relation

CASE_COLUMNS = ("opened", "closed", "open_end")
DIMENSIONS = ("category", "team", "priority", "band")
# Dimensions whose rows keep the stock–flow identity from quarter to quarter (a case's risk band
# moves with each assessment, so the band table has no such identity).
FLOW_DIMENSIONS = ("category", "team", "priority")
WITHHELD = SECONDARY  # "not shown": tells the reader nothing about the number


@dataclass(frozen=True)
class Release:
    """One published report as its reader holds it: {cell: number | "fewer than k" | "not shown"}."""

    name: str
    cells: Mapping[str, int | str]
    threshold: int
    labels: Mapping[str, str] = field(default_factory=dict)  # "team|12" -> "North A", for the findings


@dataclass
class Exposure:
    cell: str
    low: int
    high: float
    releases: list[str] = field(default_factory=list)
    labels: Mapping[str, str] = field(default_factory=dict)

    def line(self) -> str:
        where = ", ".join(self.releases)
        high = "no limit" if math.isinf(self.high) else str(int(self.high))
        return f"{describe(self.cell, self.labels)}: between {self.low} and {high} (in {where})"


@dataclass
class AttackResult:
    exposed: list[Exposure]
    hidden_cells: int
    consistent: bool = True

    @property
    def exposed_cells(self) -> set[str]:
        return {e.cell for e in self.exposed}


# ---------------------------------------------------------------------------------------------
# Names and relations


MEASURES = {
    "opened": "cases opened",
    "closed": "cases closed",
    "open_end": "cases open at the quarter's end",
    "disclosures": "disclosures received",
    "referral": "cases referred",
    "gift": "gifts declared",
    "variation": "plans decided",
    "ack.count": "cases acknowledged",
    "ack.within": "cases acknowledged by the deadline",
    "ack.late": "cases acknowledged late",
    "close.within": "cases closed within the target",
    "close.late": "cases closed after the target",
    "overdue.reviews": "case reviews overdue",
    "overdue.actions": "actions overdue",
    "workers.repeat": "workers with two or more cases",
}


def describe(cell: str, labels: Mapping[str, str] | None = None) -> str:
    """A readable name for a cell: '2026-Q3, cases opened, team North A'."""
    labels = labels or {}
    period, *rest = cell.split("|")
    if not rest:
        return period
    measure = MEASURES.get(rest[0], rest[0])
    if len(rest) == 3:
        dimension, code = rest[1], rest[2]
        return f"{period}, {measure}, {dimension} {labels.get(f'{dimension}|{code}', code)}"
    if len(rest) == 2:
        return f"{period}, {measure}, {labels.get(f'{rest[0]}|{rest[1]}', rest[1])}"
    return f"{period}, {measure}"


def relations_for(cells: Iterable[str]) -> list[Relation]:
    """Every relation a reader knows between the named cells (and unpublished ones they imply)."""
    cells = set(cells)
    by_period: dict[str, set[str]] = defaultdict(set)
    for name in cells:
        by_period[name.split("|", 1)[0]].add(name)
    relations: list[Relation] = []
    for period, names in sorted(by_period.items()):
        for column in CASE_COLUMNS:
            for dimension in DIMENSIONS:
                rows = sorted(n for n in names if n.startswith(f"{period}|{column}|{dimension}|"))
                if rows:
                    relations.append(Relation((f"{period}|{column}",), tuple(rows)))
        for total, prefix in ((f"{period}|disclosures", "disclosures|kind|"), (f"{period}|closed", "closed|outcome|")):
            rows = sorted(n for n in names if n.startswith(f"{period}|{prefix}"))
            if rows:
                relations.append(Relation((total,), tuple(rows)))
        if f"{period}|ack.count" in names:
            relations.append(Relation((f"{period}|ack.count",), (f"{period}|ack.within", f"{period}|ack.late")))
        if f"{period}|close.within" in names:
            relations.append(Relation((f"{period}|closed",), (f"{period}|close.within", f"{period}|close.late")))
        # Open at the end of the quarter before + opened = closed + open at the end.
        before = str(Quarter.parse(period).previous())
        suffixes = {""} if f"{period}|opened" in names else set()
        for dimension in FLOW_DIMENSIONS:
            for n in names:
                parts = n.split("|")
                if len(parts) == 4 and parts[2] == dimension and parts[1] in CASE_COLUMNS:
                    suffixes.add(f"|{dimension}|{parts[3]}")
        for s in sorted(suffixes):
            relations.append(
                Relation(
                    (f"{before}|open_end{s}", f"{period}|opened{s}"),
                    (f"{period}|closed{s}", f"{period}|open_end{s}"),
                )
            )
    return relations


# ---------------------------------------------------------------------------------------------
# The attacker


def _bounds_of(value, threshold: int) -> tuple[float, float, bool]:
    """(low, high, hidden) that one published wording says about a cell."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value, False
    if isinstance(value, str) and value.startswith("fewer than"):
        return 0, threshold - 1, True
    return 0, math.inf, True


def _components(variables: Sequence[str], relations: Sequence[Relation]) -> list[tuple[list[str], list[Relation]]]:
    parent = {v: v for v in variables}

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for relation in relations:
        names = (*relation.left, *relation.right)
        for other in names[1:]:
            a, b = find(names[0]), find(other)
            if a != b:
                parent[a] = b
    groups: dict[str, list[str]] = defaultdict(list)
    for v in variables:
        groups[find(v)].append(v)
    rel_groups: dict[str, list[Relation]] = defaultdict(list)
    for relation in relations:
        rel_groups[find(relation.left[0])].append(relation)
    return [(names, rel_groups.get(root, [])) for root, names in groups.items()]


def attack(
    releases: Sequence[Release], *, threshold: int, interval: int, only: Iterable[str] | None = None
) -> AttackResult:
    """Hold every release at once; for each hidden cell, the range of values consistent with all of
    them (HiGHS MILP, integer cells). Exposed: could be below `threshold` and the range is narrower
    than `interval`."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint

    low: dict[str, float] = {}
    high: dict[str, float] = {}
    hidden_in: dict[str, list[str]] = defaultdict(list)
    shown: set[str] = set()
    labels: dict[str, str] = {}
    consistent = True
    for release in releases:
        labels.update(release.labels)
        for name, value in release.cells.items():
            lo, hi, is_hidden = _bounds_of(value, release.threshold)
            low[name] = max(low.get(name, 0), lo)
            high[name] = min(high.get(name, math.inf), hi)
            if is_hidden:
                hidden_in[name].append(release.name)
            else:
                shown.add(name)
    relations = relations_for(low)
    for relation in relations:
        for name in (*relation.left, *relation.right):
            low.setdefault(name, 0)
            high.setdefault(name, math.inf)
    if any(low[n] > high[n] for n in low):
        consistent = False

    exposed: list[Exposure] = []
    for release in releases:  # a small number printed as it is: given away outright
        for name, value in release.cells.items():
            if isinstance(value, int) and value < threshold:
                exposed.append(Exposure(name, value, value, [release.name], labels))
    targets = {n for n in hidden_in if n not in shown}
    if only is not None:  # re-checking a few cells after withholding more (see protect)
        targets &= set(only)
    for names, rels in _components(sorted(low), relations):
        wanted = [n for n in names if n in targets]
        if not wanted:
            continue
        if not rels:  # what the wording says is all there is to know
            for name in wanted:
                smallest, largest = low[name], high[name]
                if smallest < threshold and largest - smallest < interval:
                    exposed.append(Exposure(name, int(smallest), largest, hidden_in[name], labels))
            continue
        index = {n: i for i, n in enumerate(names)}
        matrix = np.zeros((len(rels), len(names)))
        for r, relation in enumerate(rels):
            for n in relation.left:
                matrix[r, index[n]] += 1
            for n in relation.right:
                matrix[r, index[n]] -= 1
        lb = np.array([low[n] for n in names], dtype=float)
        # A cap instead of "no limit" keeps every problem bounded; far above any real count.
        ub = np.array([min(high[n], CAP) for n in names], dtype=float)
        if np.any(lb > ub):
            consistent = False
            continue
        problem = {
            "constraints": [LinearConstraint(matrix, 0, 0)] if rels else [],
            "integrality": np.ones(len(names)),
            "bounds": Bounds(lb, ub),
        }
        found = _ranges(names, wanted, index, problem, threshold=threshold, interval=interval)
        if found is None:
            consistent = False
            continue
        for name, (smallest, largest) in found.items():
            if smallest < threshold and largest - smallest < interval:
                exposed.append(
                    Exposure(name, smallest, math.inf if largest >= CAP else largest, hidden_in[name], labels)
                )
    return AttackResult(exposed=exposed, hidden_cells=len(targets), consistent=consistent)


CAP = 10**6


def _ranges(names, wanted, index, problem, *, threshold: int, interval: int) -> dict[str, tuple[int, int]] | None:
    """For each wanted cell, its (smallest, largest) value over every integer solution, or a range
    already wide enough to be safe. Every solution the solver returns is evidence for every cell at
    once, so a few solves pushing all cells down or up together settle most of them; only the rest
    get their own two solves. None if the facts contradict each other."""
    import numpy as np
    from scipy.optimize import milp

    seen_low = dict.fromkeys(wanted, math.inf)
    seen_high = dict.fromkeys(wanted, -math.inf)

    def solve(cost) -> np.ndarray | None:
        result = milp(cost, **problem)
        if result.status != 0 or result.x is None:
            return None
        x = np.round(result.x)
        for n in wanted:
            v = x[index[n]]
            seen_low[n] = min(seen_low[n], v)
            seen_high[n] = max(seen_high[n], v)
        return x

    def open_cells():
        return [n for n in wanted if seen_high[n] - seen_low[n] < interval]

    rng = np.random.default_rng(14)  # fixed: the same releases always give the same answer
    for round_ in range(8):
        pending = open_cells()
        if not pending:
            break
        before = len(pending)
        for sign in (1, -1):
            cost = np.zeros(len(names))
            for n in pending:
                cost[index[n]] = sign * (1 if round_ == 0 else rng.uniform(0.1, 1))
            if solve(cost) is None:
                return None
        if round_ and len(open_cells()) > before * 0.8:
            break  # random pushes stopped paying: settle the rest one by one
    exact: dict[str, tuple[int, int]] = {}
    for name in open_cells():
        if seen_high[name] - seen_low[name] >= interval:
            continue  # settled by a solution found for another cell
        cost = np.zeros(len(names))
        cost[index[name]] = 1
        x = solve(cost)
        if x is None:
            return None
        smallest = int(x[index[name]])
        if smallest >= threshold:
            continue  # cannot be a small number
        x = solve(-cost)
        exact[name] = (smallest, int(x[index[name]]))
    return exact


def attack_new(
    candidate: Release, released: Sequence[Release], *, threshold: int, interval: int
) -> tuple[list[Exposure], AttackResult]:
    """The exposures a candidate report adds to what is already released: (new ones, the whole attack)."""
    after = attack([*released, candidate], threshold=threshold, interval=interval)
    if not after.consistent:
        # The data changed since an earlier report (a case moved team or was reopened): those
        # reports describe another history. Check against the ones that agree with this one.
        released = [r for r in released if agrees(r, candidate)]
        after = attack([*released, candidate], threshold=threshold, interval=interval)
    if not after.exposed or not released:
        return after.exposed, after
    before = attack(released, threshold=threshold, interval=interval).exposed_cells
    return [e for e in after.exposed if e.cell not in before], after


def agrees(a: Release, b: Release) -> bool:
    """No cell is published by both with values that cannot both be true."""
    for cell in a.cells.keys() & b.cells.keys():
        lo_a, hi_a, _ = _bounds_of(a.cells[cell], a.threshold)
        lo_b, hi_b, _ = _bounds_of(b.cells[cell], b.threshold)
        if max(lo_a, lo_b) > min(hi_a, hi_b):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# The compiler's side


def protect(
    values: Mapping[str, int],
    hidden: Mapping[str, str],
    released: Sequence[Release],
    *,
    threshold: int,
    interval: int,
    name: str = "this report",
) -> dict[str, str]:
    """Withhold more cells of a new report until the attacker finds nothing new in everything
    released plus it. `values` are the new report's true counts, `hidden` its per-table suppression."""
    hidden = dict(hidden)
    # Consistent suppression: a cell any earlier release hid stays hidden (a revision, or a total
    # repeated in a later trend), so two releases never show the two halves of one subtraction.
    for release in released:
        for cell, value in release.cells.items():
            if cell in values and not isinstance(value, int):
                small = values[cell] < threshold and str(value).startswith("fewer than")
                if hidden.get(cell) != WITHHELD:
                    hidden[cell] = PRIMARY if small else WITHHELD
    relations = relations_for(values)
    touching: dict[str, list[Relation]] = defaultdict(list)
    for relation in relations:
        for cell in (*relation.left, *relation.right):
            touching[cell].append(relation)
    probe = Release(name, {c: v for c, v in values.items() if c not in hidden}, threshold)
    released = [r for r in released if agrees(r, probe)]
    baseline: set[str] | None = None  # what the released reports expose already: not ours to fix

    def publish() -> Release:
        cells = {}
        for cell, value in values.items():
            kind = hidden.get(cell)
            cells[cell] = value if kind is None else (f"fewer than {threshold}" if kind == PRIMARY else "not shown")
        return Release(name, cells, threshold)

    # Withholding a cell only takes a fact away, so a range can only widen: after the first attack
    # only the cells found exposed need checking again.
    only: set[str] | None = None
    for _ in range(2 * len(values) + 2):
        result = attack([*released, publish()], threshold=threshold, interval=interval, only=only)
        if result.exposed and baseline is None:
            baseline = attack(released, threshold=threshold, interval=interval).exposed_cells if released else set()
        new = [e for e in result.exposed if e.cell not in (baseline or set())]
        if not new:
            return hidden
        before = set(hidden)
        for exposure in new:
            _withhold_near(exposure.cell, values, hidden, touching)
        only = {e.cell for e in new} | (set(hidden) - before)  # and the cells newly hidden
    raise RuntimeError("disclosure control did not converge")


def _withhold_near(cell: str, values, hidden: dict[str, str], touching) -> None:
    """Withhold the smallest shown cell of the new report related to `cell`, looking further out
    each time nothing is left; with nothing shown left, turn "fewer than k" cells into "not shown"."""
    seen, frontier = {cell}, [cell]
    while frontier:
        related = set()
        for name in frontier:
            for relation in touching.get(name, ()):
                related.update(relation.left)
                related.update(relation.right)
        related -= seen
        mine = [n for n in related if n in values]
        shown = [n for n in mine if n not in hidden]
        if shown:
            hidden[min(shown, key=lambda n: (values[n], n))] = WITHHELD
            return
        primary = [n for n in (*mine, *([cell] if cell in values else [])) if hidden.get(n) == PRIMARY]
        if primary:
            for n in primary:
                hidden[n] = WITHHELD
            return
        seen |= related
        frontier = list(related)
