"""What both CSV imports share: reading the file, parsing a cell, the result and the errors."""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from people.models import Team

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
# UK order (day first) with / - or . between; or ISO 8601 (2026-03-31). Two-digit years are refused:
# "01/02/03" means too many things.
UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported; `errors` says why, line by line. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__(f"{len(self.errors)} problem(s) in the file")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    teams_created: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{self.rows} rows read: {self.created} {verb} created, {self.updated} updated, {self.unchanged} unchanged."
        )
        if self.teams_created:
            text += f" New teams: {', '.join(self.teams_created)}."
        return text


def audit_counts(result: ImportResult) -> dict:
    """What the audit event keeps: counts only, never names (AU-06)."""
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "teams_created": len(result.teams_created),
    }


# --- reading the file -----------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", (name or "").strip().lower())


def read_rows(
    file, *, columns: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """(line number, row) pairs from a CSV file (bytes or text); line 1 is the header."""
    raw = file.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
        except UnicodeDecodeError:
            return [], [RowError(1, "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”.")]
    raw = raw.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(raw, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, "The file is empty.")]
    except csv.Error as exc:
        return [], [RowError(1, f"This is not a readable CSV file ({exc}).")]
    names = [normalise_header(h) for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n and n not in columns]
    missing = [c for c in required if c not in names]
    errors = []
    if unknown:
        errors.append(RowError(1, f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(columns)}."))
    if missing:
        errors.append(RowError(1, f"Missing column(s): {', '.join(missing)}."))
    if errors:
        return [], errors
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines, often at the end of an export
            line = reader.line_num
            if len(values) > len(names):
                errors.append(RowError(line, f"This row has {len(values)} values but the header has {len(names)}."))
                continue
            row = dict.fromkeys(columns, "")
            row.update({n: v.strip() for n, v in zip(names, values, strict=False) if n})
            rows.append((line, row))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"This line cannot be read as CSV ({exc})."))
    if not rows and not errors:
        errors.append(RowError(2, "The file has a header but no rows."))
    return rows, errors


def parse_date(value: str, column: str) -> datetime.date:
    match = UK_DATE.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = ISO_DATE.match(value)
        if not match:
            raise ValueError(f"{column} “{value}” is not a date: use DD/MM/YYYY (e.g. 31/03/2026) or 2026-03-31.")
        year, month, day = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{column} “{value}” is not a real date.") from None


def parse_bool(value: str, column: str, default: bool) -> bool:
    lowered = value.lower()
    if not lowered:
        return default
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(f"{column} “{value}” should be yes or no.")


def parse_choice(value: str, column: str, choices, default: str) -> str:
    """A choice given as its code or its label, in any case."""
    if not value:
        return default
    wanted = normalise_header(value)
    for code, label in choices:
        if wanted in (normalise_header(code), normalise_header(str(label))):
            return code
    allowed = ", ".join(str(label) for code, label in choices if code)
    raise ValueError(f"{column} “{value}” is not one of: {allowed}.")


def check_length(model, row: dict, columns: Iterable[str], errors: list[str], rename: dict | None = None):
    for column in columns:
        name = (rename or {}).get(column, column)
        limit = model._meta.get_field(name).max_length
        if limit and len(row[column]) > limit:
            errors.append(f"{column} is longer than {limit} characters.")


def teams_by_name() -> dict[str, Team]:
    return {team.name.casefold(): team for team in Team.objects.all()}


def set_changed(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed
