"""Disclosure control across every released report (CP-02, docs/reporting.md "Keeping small numbers
hidden"): the attacker (manage.py report_attack) on the demo's reports, on generated organisations
and two years of quarters, and on a known-bad publication it must catch."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.disclosure import Release, attack, attack_new
from reporting.models import QuarterlyReport
from reporting.snapshot import controlled_counts, relations_for, snapshot_build
from reporting.suppression import display, suppress
from reporting.tests.histories import CaseRow, figures, organisations

K, INTERVAL = 3, 2


def per_table_only(raw) -> Release:
    """What the report published before disclosure control across releases: each table suppressed on its own."""
    values = controlled_counts(raw)
    own = [r for r in relations_for(values) if all(n in values for n in (*r.left, *r.right))]
    hidden = suppress(values, own, threshold=K)
    return Release(str(raw.quarter), {c: display(v, hidden.get(c), K) for c, v in values.items()}, K)


def publish(teams, categories, cases, quarters) -> list[Release]:
    """Compile each quarter in turn against everything released before it, as report_compile does."""
    released: list[Release] = []
    for index in quarters:
        raw = figures(teams, categories, cases, index)
        snapshot = snapshot_build(raw, threshold=K, released=released)
        released.append(Release(f"{raw.quarter} r{len(released)}", snapshot["cells"], K))
    return released


# The example, per team: open at the end of Q2 + opened in Q3 − closed in Q3 = open at the end of Q3.
# Team 0 has five cases open at the end of 2026-Q2 (index 5), opens one in 2026-Q3 and closes three.
SUBTRACTION = [
    *(CaseRow(0, 0, "normal", "low", "concern", "guidance", 4, 6) for _ in range(3)),
    *(CaseRow(0, 0, "normal", "low", "concern", "guidance", 4, None) for _ in range(2)),
    CaseRow(0, 0, "normal", "low", "concern", "guidance", 6, None),
    *(CaseRow(1, 1, "high", "moderate", "incident", "training", 5, None) for _ in range(4)),
    *(CaseRow(1, 1, "high", "moderate", "incident", "training", 6, None) for _ in range(4)),
    *(CaseRow(1, 1, "high", "moderate", "incident", "training", 4, 6) for _ in range(3)),
]


def test_the_attacker_catches_the_q2_q3_subtraction_in_a_known_bad_publication():
    bad = [per_table_only(figures(2, 2, SUBTRACTION, index)) for index in (5, 6)]
    alone = attack([bad[1]], threshold=K, interval=INTERVAL).exposed_cells
    assert "2026-Q3|opened|team|0" not in alone  # the 2026-Q3 report on its own keeps it ...
    result = attack(bad, threshold=K, interval=INTERVAL)  # ... but not the two reports together
    lines = {e.cell: e for e in result.exposed}
    assert "2026-Q3|opened|team|0" in lines, [e.line() for e in result.exposed]
    assert (lines["2026-Q3|opened|team|0"].low, lines["2026-Q3|opened|team|0"].high) == (1, 1)
    assert lines["2026-Q3|opened|team|0"].line() == "2026-Q3, cases opened, team 0: between 1 and 1 (in 2026-Q3)"


def test_the_same_history_published_with_protection_gives_nothing_away():
    released = publish(2, 2, SUBTRACTION, (5, 6))
    assert attack(released, threshold=K, interval=INTERVAL).exposed == []
    q3 = released[1].cells
    assert q3["2026-Q3|opened|team|0"] == "fewer than 3"
    # Something on team 0's line is withheld, so the subtraction has two unknowns.
    row = [q3[f"2026-Q3|{c}|team|0"] for c in ("closed", "open_end")] + [released[0].cells["2026-Q2|open_end|team|0"]]
    assert "not shown" in row


def test_a_revision_of_the_same_quarter_on_the_same_data_publishes_the_same_figures():
    first, second = publish(2, 2, SUBTRACTION, (6, 6))
    assert first.cells == second.cells
    assert attack_new(second, [first], threshold=K, interval=INTERVAL)[0] == []


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisation=organisations(), revised=st.integers(4, 11))
def test_generated_organisations_over_two_years_give_nothing_away(organisation, revised):
    """Property (CP-02): two years of quarterly reports and a revision, attacked together: 0 exposed."""
    teams, categories, cases = organisation
    released = publish(teams, categories, cases, [*range(4, 12), revised])
    result = attack(released, threshold=K, interval=INTERVAL)
    assert result.consistent
    assert result.exposed == [], [e.line() for e in result.exposed]
    for release in released:  # and no small number is ever printed
        assert all(v >= K for v in release.cells.values() if isinstance(v, int))


# --- the command and the gate, on the database ---------------------------------------------


def _released_report(release: Release, *, year, quarter, revision=1) -> QuarterlyReport:
    return QuarterlyReport.objects.create(
        year=year,
        quarter=quarter,
        revision=revision,
        trigger="command",
        status="ready",
        threshold=K,
        snapshot={"cells": dict(release.cells), "threshold": K, "lessons": []},
        pdf=ContentFile(b"%PDF", name="report.pdf"),
        pdf_sha256="x" * 64,
        exposed_cells=0,
    )


def test_report_attack_prints_each_exposed_cell_and_exits_non_zero(db):
    for release, quarter in zip([per_table_only(figures(2, 2, SUBTRACTION, i)) for i in (5, 6)], (2, 3), strict=True):
        _released_report(release, year=2026, quarter=quarter)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report_attack", stdout=out)
    assert exit_.value.code == 1
    lines = out.getvalue().splitlines()
    assert "2026-Q3, cases opened, team 0: between 1 and 1 (in 2026-Q3 revision 1)" in lines
    assert lines[-1].endswith(" cells exposed") and int(lines[-1].split()[0]) > 0


@override_settings(REPORT_PROTECTION_INTERVAL=0)
def test_the_protection_interval_comes_from_settings(db):
    for release, quarter in zip([per_table_only(figures(2, 2, SUBTRACTION, i)) for i in (5, 6)], (2, 3), strict=True):
        _released_report(release, year=2026, quarter=quarter)
    out = StringIO()
    call_command("report_attack", stdout=out)  # an interval of 0 accepts anything: no exit
    assert out.getvalue().splitlines()[-1] == "0 cells exposed"


def test_the_demo_reports_give_nothing_away(db, settings, django_capture_on_commit_callbacks):
    """seed_demo compiles 2026-Q2 and 2026-Q3; held together they expose nothing."""
    settings.DEBUG = True  # seed_demo runs only with DEBUG on
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--cases", "40", stdout=StringIO())
    reports = list(QuarterlyReport.objects.order_by("year", "quarter"))
    assert [(r.period, r.exposed_cells) for r in reports] == [("2026-Q2", 0), ("2026-Q3", 0)]
    out = StringIO()
    call_command("report_attack", stdout=out)
    assert out.getvalue().splitlines()[-1] == "0 cells exposed"
    # The subtraction, per team and per category, recovers nothing.
    q2, q3 = (r.snapshot["cells"] for r in reports)
    for dimension in ("team", "category"):
        codes = {c.split("|")[3] for c in q3 if c.startswith(f"2026-Q3|opened|{dimension}|")}
        for code in codes:
            four = [q2.get(f"2026-Q2|open_end|{dimension}|{code}")] + [
                q3[f"2026-Q3|{col}|{dimension}|{code}"] for col in ("opened", "closed", "open_end")
            ]
            hidden = [v for v in four if not isinstance(v, int)]
            assert len(hidden) != 1, (dimension, code, four)


# --- the attacker's rules, one at a time ------------------------------------------------------


def _one(cells):
    return attack([Release("r", cells, K)], threshold=K, interval=INTERVAL)


def test_a_fewer_than_3_beside_a_total_keeps_its_whole_range_only_when_the_rest_can_absorb_it():
    # 7 = x + "not shown": x can still be 0, 1 or 2.
    assert (
        _one(
            {"2026-Q2|opened": 7, "2026-Q2|opened|team|1": "fewer than 3", "2026-Q2|opened|team|2": "not shown"}
        ).exposed
        == []
    )
    # 7 = x + 5 printed: x is 2.
    result = _one({"2026-Q2|opened": 7, "2026-Q2|opened|team|1": "fewer than 3", "2026-Q2|opened|team|2": 5})
    assert [(e.cell, e.low, e.high) for e in result.exposed] == [("2026-Q2|opened|team|1", 2, 2)]


def test_not_shown_says_nothing_but_a_narrow_range_that_could_be_small_is_exposed():
    # 4 = x + y + 3 with x "fewer than 3" and y "not shown": both lie in 0..1, narrower than 0..2.
    cells = {
        "2026-Q2|opened": 4,
        "2026-Q2|opened|team|1": "fewer than 3",
        "2026-Q2|opened|team|2": "not shown",
        "2026-Q2|opened|team|3": 3,
    }
    assert {e.cell for e in _one(cells).exposed} == {"2026-Q2|opened|team|1", "2026-Q2|opened|team|2"}


def test_a_small_number_printed_as_it_is_is_exposed():
    assert [e.cell for e in _one({"2026-Q2|workers.repeat": 1}).exposed] == ["2026-Q2|workers.repeat"]
