"""Render a snapshot as files: a PDF with charts (WeasyPrint, matplotlib), a CSV and an XLSX.

Everything here reads the snapshot only, never the database, so a file can hold nothing that the
snapshot does not. Files are rendered once, at compile time, and stored: a download serves the
stored bytes, so downloading twice gives the same bytes (WeasyPrint and openpyxl stamp times).
"""

from __future__ import annotations

import base64
import csv
import datetime
import io
import math
import os

from django.conf import settings
from django.template.loader import render_to_string

from core.spreadsheets import spreadsheet_safe

NAVY, TEAL, AMBER, GREY = "#1f3b5c", "#2a7f7f", "#c77c11", "#7a7a7a"


def _pyplot():
    """matplotlib with the Agg backend and its cache outside the home directory."""
    os.environ.setdefault("MPLCONFIGDIR", str(settings.BASE_DIR / ".cache" / "matplotlib"))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "boundaries",
        }
    )
    return plt


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=160, bbox_inches="tight", metadata={"Software": None})
    _pyplot().close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _number(value) -> float:
    return float(value) if isinstance(value, int) else math.nan


# Each series of the trend has its own colour, line style, marker and a small sideways offset, so two
# series with the same values stay distinguishable (in colour and in black and white): the lines
# run side by side instead of on top of each other, and the legend shows each line's style.
TREND_STYLES = (
    {"color": NAVY, "linestyle": "-", "marker": "o", "markersize": 7, "offset": -0.09},
    {"color": TEAL, "linestyle": "--", "marker": "s", "markersize": 6, "offset": -0.03},
    {"color": AMBER, "linestyle": ":", "marker": "D", "markersize": 5, "offset": 0.03},
    {"color": GREY, "linestyle": "-.", "marker": "^", "markersize": 6, "offset": 0.09},
)


def trend_figure(snapshot: dict):
    """The trend chart as a matplotlib figure (chart_trend renders it)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    quarters = snapshot["trend"]["quarters"]
    positions = range(len(quarters))
    for series, style in zip(snapshot["trend"]["series"], TREND_STYLES, strict=False):
        values = [_number(v) for v in series["values"]]
        ax.plot(
            [x + style["offset"] for x in positions],
            values,
            color=style["color"],
            linestyle=style["linestyle"],
            marker=style["marker"],
            markersize=style["markersize"],
            markerfacecolor="white" if style["linestyle"] != "-" else style["color"],
            linewidth=1.6,
            label=series["label"],
        )
    ax.set_xticks(list(positions), quarters)
    ax.set_xlim(-0.4, len(quarters) - 0.6)
    ax.set_ylabel("Number")
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(
        "This quarter and the four before it (gaps: figures not shown; lines are drawn side by side "
        "so that equal figures stay visible)",
        loc="left",
        fontsize=8,
        wrap=True,
    )
    return fig


def chart_trend(snapshot: dict) -> str:
    """Lines for the four headline series over five quarters; hidden values leave a gap."""
    return _png(trend_figure(snapshot))


def chart_table(table: dict, *, column: int = 0, colour: str = NAVY) -> str | None:
    """Horizontal bars for one column of a table; rows whose figure is hidden are not drawn."""
    rows = [(row["label"], row["cells"][column]) for row in table["rows"] if isinstance(row["cells"][column], int)]
    if not rows:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.0, 0.32 * len(rows) + 0.8))
    labels = [label if len(label) <= 60 else label[:57] + "…" for label, _ in rows][::-1]
    ax.barh(labels, [value for _, value in rows][::-1], color=colour)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{table['title']}: {table['columns'][column].lower()}", loc="left", fontsize=9)
    return _png(fig)


def render_pdf(snapshot: dict, *, compiled_at: datetime.datetime) -> bytes:
    """The committee document: cover, one-page summary, charts, tables, lessons, notes."""
    from weasyprint import HTML

    tables = {table["key"]: table for table in snapshot["tables"]}
    charts = [
        ("Trend", chart_trend(snapshot)),
        ("Cases opened by category", chart_table(tables["cases_by_category"], column=0)),
        ("Cases opened by risk band", chart_table(tables["cases_by_band"], column=0, colour=TEAL)),
    ]
    html = render_to_string(
        "reporting/report_pdf.html",
        {
            "s": snapshot,
            "charts": [(title, uri) for title, uri in charts if uri],
            "compiled_at": compiled_at,
            "created": compiled_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _rows(snapshot: dict):
    """(section, item, column, value) for every published figure and text, in document order."""
    yield ("report", "organisation", "", snapshot["organisation"])
    yield ("report", "period", "", snapshot["period"])
    yield ("report", "suppression threshold", "", snapshot["threshold"])
    for item in snapshot["headline"]:
        yield ("summary", item["label"], "this quarter", item["value"])
        yield ("summary", item["label"], "previous quarter", item["previous"])
    for item in (*snapshot["timeliness"], *snapshot["oversight"]):
        yield ("timeliness and oversight", item["label"], "", item["value"])
        if item.get("share"):
            yield ("timeliness and oversight", item["label"], "share", item["share"])
    for table in snapshot["tables"]:
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            for column, value in zip(table["columns"], row["cells"], strict=True):
                yield (table["title"], row["label"], column, value)
    for series in snapshot["trend"]["series"]:
        for quarter, value in zip(snapshot["trend"]["quarters"], series["values"], strict=True):
            yield ("trend", series["label"], quarter, value)
    for number, text in enumerate(snapshot["lessons"], start=1):
        yield ("lessons for training", f"lesson {number}", "", text)
    for item in snapshot["definitions"]:
        yield ("definitions", item["term"], "", item["meaning"])


def render_csv(snapshot: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["section", "item", "column", "value"])
    for row in _rows(snapshot):
        writer.writerow([spreadsheet_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()  # a BOM, so Excel reads UTF-8


def render_xlsx(snapshot: dict, *, compiled_at: datetime.datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Report {snapshot['period']}"
    sheet.append(["Section", "Item", "Column", "Value"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(snapshot):
        sheet.append([spreadsheet_safe(value) for value in row])
    for column, width in zip("ABCD", (40, 60, 22, 40), strict=True):
        sheet.column_dimensions[column].width = width
    moment = compiled_at.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.creator = "Boundaries"
    workbook.properties.created = workbook.properties.modified = moment
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
