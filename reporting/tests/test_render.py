"""What the report says in words and pictures: labels built from settings, never hard-coded, and a
trend chart whose lines stay distinguishable when two series coincide."""

from django.test import override_settings

from reporting.render import TREND_STYLES, trend_figure
from reporting.snapshot import snapshot_build
from reporting.tests.histories import CaseRow, figures

CASES = [CaseRow(0, 0, "urgent", "low", "concern", "guidance", 6, 7) for _ in range(4)]


def _snapshot():
    return snapshot_build(figures(1, 1, CASES, 7), threshold=3)


@override_settings(CASE_ACK_DAYS_URGENT=2, CASE_ACK_DAYS_DEFAULT=10, REPORT_CLOSE_TARGET_DAYS=60)
def test_labels_follow_the_acknowledgement_and_closure_targets_in_settings():
    snapshot = _snapshot()
    labels = {item["key"]: item["label"] for item in snapshot["timeliness"]}
    assert labels["ack.within"] == "Acknowledged by the deadline (2 working days if urgent, otherwise 10 working days)"
    assert labels["close.within"] == "Closed within 60 days of opening"
    meanings = {d["term"]: d["meaning"] for d in snapshot["definitions"]}
    assert "2 working days for urgent cases, 10 working days for the others" in meanings["Acknowledgement deadline"]


@override_settings(CASE_ACK_DAYS_URGENT=1, CASE_ACK_DAYS_DEFAULT=5)
def test_the_default_targets_read_naturally():
    labels = {item["key"]: item["label"] for item in _snapshot()["timeliness"]}
    assert labels["ack.within"] == "Acknowledged by the deadline (1 working day if urgent, otherwise 5 working days)"


def test_two_series_with_the_same_figures_stay_distinguishable():
    snapshot = {
        "trend": {
            "quarters": ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"],
            "series": [
                {"label": "Cases opened", "values": [5, 6, 7, 8, 9]},
                {"label": "Cases closed", "values": [5, 6, 7, 8, 9]},  # the same figures
                {"label": "Disclosures received", "values": [5, 6, 7, 8, 9]},
                {"label": "Open at quarter end", "values": [3, "not shown", 4, 5, 6]},
            ],
        }
    }
    fig = trend_figure(snapshot)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4
    # Each line has its own look (colour, style, marker), visible without colour too ...
    looks = {(line.get_color(), line.get_linestyle(), line.get_marker()) for line in lines}
    assert len(looks) == 4 and len({(s["linestyle"], s["marker"]) for s in TREND_STYLES}) == 4
    # ... and equal figures are drawn side by side, not on top of each other.
    first_points = {tuple(line.get_xydata()[0]) for line in lines[:3]}
    assert len(first_points) == 3
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        s["label"] for s in snapshot["trend"]["series"]
    ]
