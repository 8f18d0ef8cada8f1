"""CSV imports from the HR system (staff) and the care record system (service users).

Used by the `import_staff` / `import_service_users` commands and by the admin's "Import from CSV"
pages; docs/imports.md describes the columns. Every import works in two phases:

1. validate every row against the file and the database, collecting *all* problems with their line
   numbers (a few queries for the whole file, none per row);
2. only if there is none, write everything in one transaction, one object at a time through the
   ORM, so simple-history records each change (STYLE.md: never `QuerySet.update` or bulk writes).

A file with any bad row changes nothing. Rows are matched on `staff_number` / `reference`, so running
the same file again updates rather than duplicates.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from people.models import Assignment, Relationship, ServiceUser, StaffMember, Team
from people.services import assignment_create, staff_save

STAFF_COLUMNS = (
    "staff_number",
    "username",
    "first_name",
    "last_name",
    "email",
    "team",
    "employment_type",
    "job_title",
    "line_manager",
    "registration_body",
    "registration_number",
    "start_date",
    "end_date",
    "active",
)
STAFF_REQUIRED = ("staff_number", "username", "first_name", "last_name", "email", "team", "job_title", "start_date")

SERVICE_USER_COLUMNS = (
    "reference",
    "initials",
    "team",
    "status",
    "left_date",
    "child",
    "adult_at_risk",
    "lacks_capacity",
    "key_worker",
)
SERVICE_USER_REQUIRED = ("reference", "initials", "team")

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


def _counts(result: ImportResult) -> dict:
    """What the audit event keeps: counts only, never names (AU-06)."""
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "teams_created": len(result.teams_created),
    }


# --- reading the file -----------------------------------------------------------------------------


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", (name or "").strip().lower())


def _read_rows(
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
    names = [_normalise_header(h) for h in header]
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


def _parse_date(value: str, column: str) -> datetime.date:
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


def _parse_bool(value: str, column: str, default: bool) -> bool:
    lowered = value.lower()
    if not lowered:
        return default
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(f"{column} “{value}” should be yes or no.")


def _parse_choice(value: str, column: str, choices, default: str) -> str:
    """A choice given as its code or its label, in any case."""
    if not value:
        return default
    wanted = _normalise_header(value)
    for code, label in choices:
        if wanted in (_normalise_header(code), _normalise_header(str(label))):
            return code
    allowed = ", ".join(str(label) for code, label in choices if code)
    raise ValueError(f"{column} “{value}” is not one of: {allowed}.")


def _check_length(model, row: dict, columns: Iterable[str], errors: list[str], rename: dict | None = None):
    for column in columns:
        name = (rename or {}).get(column, column)
        limit = model._meta.get_field(name).max_length
        if limit and len(row[column]) > limit:
            errors.append(f"{column} is longer than {limit} characters.")


def _teams_by_name() -> dict[str, Team]:
    return {team.name.casefold(): team for team in Team.objects.all()}


# --- staff ----------------------------------------------------------------------------------------


@dataclass
class _StaffRow:
    line: int
    staff_number: str
    username: str
    first_name: str
    last_name: str
    email: str
    team: str
    employment_type: str
    job_title: str
    manager_number: str
    registration_body: str
    registration_number: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    is_active: bool


def _staff_row_parse(line: int, row: dict, today: datetime.date) -> tuple[_StaffRow | None, list[str]]:
    problems: list[str] = []
    for column in STAFF_REQUIRED:
        if not row[column]:
            problems.append(f"{column} is empty.")
    _check_length(StaffMember, row, ["staff_number", "job_title", "registration_number"], problems)
    _check_length(get_user_model(), row, ["username", "first_name", "last_name", "email"], problems)
    if row["email"]:
        try:
            validate_email(row["email"])
        except ValidationError:
            problems.append(f"email “{row['email']}” is not an e-mail address.")
    if row["username"]:
        try:
            get_user_model().username_validator(row["username"])
        except ValidationError:
            problems.append(f"username “{row['username']}” may contain only letters, digits and @ . + - _")
    values = {}
    for column, parse in (
        ("employment_type", lambda v, c: _parse_choice(v, c, StaffMember.EmploymentType.choices, "permanent")),
        ("registration_body", lambda v, c: _parse_choice(v, c, StaffMember.RegistrationBody.choices, "")),
        ("start_date", lambda v, c: _parse_date(v, c) if v else None),
        ("end_date", lambda v, c: _parse_date(v, c) if v else None),
        ("active", lambda v, c: _parse_bool(v, c, True)),
    ):
        try:
            values[column] = parse(row[column], column)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        return None, problems
    if values["end_date"] and values["start_date"] and values["end_date"] < values["start_date"]:
        problems.append("end_date is before start_date.")
    if values["registration_body"] and not row["registration_number"]:
        problems.append("registration_number is empty but registration_body is given.")
    if row["registration_number"] and not values["registration_body"]:
        problems.append("registration_body is empty but registration_number is given.")
    if row["line_manager"] and row["line_manager"] == row["staff_number"]:
        problems.append(f"{row['staff_number']} cannot be their own line manager.")
    # A leaver: marked inactive, or their end date has passed.
    is_active = values["active"] and not (values["end_date"] and values["end_date"] < today)
    parsed = _StaffRow(
        line=line,
        staff_number=row["staff_number"],
        username=row["username"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        team=row["team"],
        employment_type=values["employment_type"],
        job_title=row["job_title"],
        manager_number=row["line_manager"],
        registration_body=values["registration_body"],
        registration_number=row["registration_number"],
        start_date=values["start_date"],
        end_date=values["end_date"],
        is_active=is_active,
    )
    return (None if problems else parsed), problems


def _chain_loop(start: str, managers: dict[str, str]) -> list[str] | None:
    """The loop reached by following line managers from `start`, if it comes back to `start`."""
    path = [start]
    current = managers.get(start)
    while current:
        if current == start:
            return [*path, start]
        if current in path:
            return None  # a loop further up that does not include `start`; reported on its own rows
        path.append(current)
        current = managers.get(current)
    return None


def _staff_validate(rows, *, create_teams: bool, today: datetime.date) -> tuple[list[_StaffRow], list[RowError]]:
    errors: list[RowError] = []
    parsed: list[_StaffRow] = []
    first_line: dict[str, int] = {}
    username_line: dict[str, int] = {}
    for line, row in rows:
        item, problems = _staff_row_parse(line, row, today)
        errors.extend(RowError(line, p) for p in problems)
        number, username = row["staff_number"], row["username"].casefold()
        if number:
            if number in first_line:
                errors.append(RowError(line, f"staff_number {number} is already on line {first_line[number]}."))
                continue
            first_line[number] = line
        if username:
            if username in username_line:
                first = username_line[username]
                errors.append(RowError(line, f"username {row['username']} is already on line {first}."))
                continue
            username_line[username] = line
        if item is not None:
            parsed.append(item)

    # Everything the checks need, in four queries for the whole file.
    existing = {
        s["staff_number"]: s
        for s in StaffMember.objects.values("staff_number", "pk", "user_id", "line_manager__staff_number")
    }
    users = {
        u["username"].casefold(): u
        for u in get_user_model()
        .objects.filter(username__in=[r.username for r in parsed])
        .values("pk", "username", "staff__staff_number")
    }
    teams = _teams_by_name()

    managers = {number: s["line_manager__staff_number"] for number, s in existing.items()}
    managers.update({r.staff_number: r.manager_number or None for r in parsed})
    known_numbers = set(existing) | set(first_line)
    for r in parsed:
        if r.team.casefold() not in teams and not create_teams:
            errors.append(
                RowError(r.line, f"team “{r.team}” does not exist. Add it first, or allow new teams to be created.")
            )
        if r.manager_number and r.manager_number not in known_numbers:
            errors.append(
                RowError(
                    r.line, f"line_manager {r.manager_number} is not a staff number in this file or on the system."
                )
            )
        user = users.get(r.username.casefold())
        own = existing.get(r.staff_number)
        if user and user["staff__staff_number"] and user["staff__staff_number"] != r.staff_number:
            errors.append(
                RowError(
                    r.line, f"username {r.username} already belongs to staff number {user['staff__staff_number']}."
                )
            )
        elif user and own and own["user_id"] != user["pk"]:
            errors.append(RowError(r.line, f"username {r.username} is already used by another account."))
        if r.manager_number and r.manager_number != r.staff_number:
            loop = _chain_loop(r.staff_number, managers)
            if loop:
                errors.append(
                    RowError(
                        r.line,
                        f"line_manager {r.manager_number} would make a loop in the line-management chain "
                        f"({' → '.join(loop)}): nobody can be managed, directly or further down, "
                        "by someone they manage.",
                    )
                )
    return parsed, errors


def _staff_write_order(rows: list[_StaffRow]) -> list[_StaffRow]:
    """Managers before the people they manage, so each row is saved once with its manager set."""
    in_file = {r.staff_number: r for r in rows}
    done: set[str] = set()
    ordered: list[_StaffRow] = []

    def visit(row: _StaffRow):
        if row.staff_number in done:
            return
        done.add(row.staff_number)
        manager = in_file.get(row.manager_number)
        if manager is not None:
            visit(manager)
        ordered.append(row)

    for row in rows:
        visit(row)
    return ordered


def _set_changed(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def staff_import(*, file, actor=None, create_teams: bool = False, dry_run: bool = False) -> ImportResult:
    """Create or update staff from the HR system's CSV export; all rows or none (docs/imports.md)."""
    rows, errors = _read_rows(file, columns=STAFF_COLUMNS, required=STAFF_REQUIRED)
    today = timezone.localdate()
    parsed, row_errors = _staff_validate(rows, create_teams=create_teams, today=today) if rows else ([], [])
    errors += row_errors
    if errors:
        audit_record(action="people.staff.import_rejected", actor=actor, detail={"errors": len(errors)})
        raise ImportRejected(errors)
    result = ImportResult(dry_run=dry_run)
    if dry_run:
        numbers = [r.staff_number for r in parsed]
        existing = set(StaffMember.objects.filter(staff_number__in=numbers).values_list("staff_number", flat=True))
        result.created = len(parsed) - len(existing)
        result.updated = len(existing)  # an estimate: unchanged rows are only told apart when written
        teams = _teams_by_name()
        result.teams_created = sorted({r.team for r in parsed if r.team.casefold() not in teams})
        return result
    try:
        with transaction.atomic():
            _staff_write(parsed, actor=actor, result=result)
    except (IntegrityError, ValidationError) as exc:
        # The checks above should make this unreachable; if the database disagrees, nothing is written.
        audit_record(action="people.staff.import_rejected", actor=actor, detail={"errors": 1})
        refused = RowError(1, f"The database refused the import, so nothing was changed ({exc}).")
        raise ImportRejected([refused]) from exc
    audit_record(
        action="people.staff.imported",
        actor=actor,
        detail=_counts(result),
    )
    return result


def _staff_write(parsed: list[_StaffRow], *, actor, result: ImportResult) -> None:
    User = get_user_model()
    reason = "people.staff.imported"
    teams = _teams_by_name()
    staff_by_number = {
        s.staff_number: s
        for s in StaffMember.objects.select_related("user").filter(
            staff_number__in=[r.staff_number for r in parsed] + [r.manager_number for r in parsed if r.manager_number]
        )
    }
    users = {u.username.casefold(): u for u in User.objects.filter(username__in=[r.username for r in parsed])}
    for r in _staff_write_order(parsed):
        team = teams.get(r.team.casefold())
        if team is None:
            team = Team(name=r.team)
            team._history_user = actor
            team._change_reason = reason
            team.save()
            teams[r.team.casefold()] = team
            result.teams_created.append(team.name)

        staff = staff_by_number.get(r.staff_number)
        user = staff.user if staff else users.get(r.username.casefold())
        user_is_new = user is None
        if user_is_new:
            # No password: they choose one through "Forgotten your password?" (docs/imports.md).
            user = User(username=r.username)
            user.set_unusable_password()
        user_changed = _set_changed(
            user,
            {
                "username": r.username,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "email": r.email,
                "is_active": r.is_active,
            },
        )
        if user_is_new or user_changed:
            user.save()

        staff_is_new = staff is None
        if staff_is_new:
            staff = StaffMember(staff_number=r.staff_number, user=user)
        staff_changed = _set_changed(
            staff,
            {
                "employment_type": r.employment_type,
                "job_title": r.job_title,
                "team_id": team.pk,
                "line_manager_id": staff_by_number[r.manager_number].pk if r.manager_number else None,
                "registration_body": r.registration_body,
                "registration_number": r.registration_number,
                "start_date": r.start_date,
                "end_date": r.end_date,
                "is_active": r.is_active,
            },
        )
        if staff_is_new or staff_changed:
            staff_save(staff=staff, actor=actor, reason=reason)
        staff_by_number[r.staff_number] = staff
        if staff_is_new:
            result.created += 1
        elif staff_changed or user_changed:
            result.updated += 1
        else:
            result.unchanged += 1


# --- service users --------------------------------------------------------------------------------


@dataclass
class _ServiceUserRow:
    line: int
    reference: str
    initials: str
    team: str
    status: str
    left_date: datetime.date | None
    is_child: bool
    is_adult_at_risk: bool
    lacks_capacity: bool
    key_worker: str


def _service_user_row_parse(line: int, row: dict) -> tuple[_ServiceUserRow | None, list[str]]:
    problems: list[str] = []
    for column in SERVICE_USER_REQUIRED:
        if not row[column]:
            problems.append(f"{column} is empty.")
    _check_length(ServiceUser, row, ["reference"], problems)
    initials = row["initials"].upper()
    # seed 003: records use initials only; never a name.
    if initials and not re.fullmatch(r"[A-Z]{1,3}", initials):
        problems.append(f"initials “{row['initials']}” should be one to three letters, such as JB (never a name).")
    values = {}
    for column, parse in (
        ("status", lambda v, c: _parse_choice(v, c, ServiceUser.Status.choices, "")),
        ("left_date", lambda v, c: _parse_date(v, c) if v else None),
        ("child", lambda v, c: _parse_bool(v, c, False)),
        ("adult_at_risk", lambda v, c: _parse_bool(v, c, False)),
        ("lacks_capacity", lambda v, c: _parse_bool(v, c, False)),
    ):
        try:
            values[column] = parse(row[column], column)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        return None, problems
    status = values["status"] or (ServiceUser.Status.FORMER if values["left_date"] else ServiceUser.Status.CURRENT)
    if status == ServiceUser.Status.FORMER and not values["left_date"]:
        problems.append("a former service user needs a left_date.")
    if status == ServiceUser.Status.CURRENT and values["left_date"]:
        problems.append("a current service user has no left_date (set status to former).")
    if row["key_worker"] and status == ServiceUser.Status.FORMER:
        problems.append("a former service user cannot be given a key worker.")
    parsed = _ServiceUserRow(
        line=line,
        reference=row["reference"],
        initials=initials,
        team=row["team"],
        status=status,
        left_date=values["left_date"],
        is_child=values["child"],
        is_adult_at_risk=values["adult_at_risk"],
        lacks_capacity=values["lacks_capacity"],
        key_worker=row["key_worker"],
    )
    return (None if problems else parsed), problems


def _service_users_validate(rows, *, create_teams: bool) -> tuple[list[_ServiceUserRow], list[RowError]]:
    errors: list[RowError] = []
    parsed: list[_ServiceUserRow] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        item, problems = _service_user_row_parse(line, row)
        errors.extend(RowError(line, p) for p in problems)
        reference = row["reference"]
        if reference:
            if reference in first_line:
                errors.append(RowError(line, f"reference {reference} is already on line {first_line[reference]}."))
                continue
            first_line[reference] = line
        if item is not None:
            parsed.append(item)

    teams = _teams_by_name()
    key_workers = {
        s["staff_number"]: s
        for s in StaffMember.objects.filter(staff_number__in={r.key_worker for r in parsed if r.key_worker}).values(
            "staff_number", "is_active"
        )
    }
    # Open relationships between the named key workers and these service users or their carers:
    # the same rule as people.services.assignment_refusal (seed 000 §4.2, seed 004), one query.
    references = [r.reference for r in parsed if r.key_worker]
    blocked = set()
    for rel in (
        Relationship.objects.filter(status__in=Relationship.OPEN_STATUSES, staff__staff_number__in=list(key_workers))
        .filter(Q(service_user__reference__in=references) | Q(carer__service_user__reference__in=references))
        .values("staff__staff_number", "service_user__reference", "carer__service_user__reference")
    ):
        for reference in (rel["service_user__reference"], rel["carer__service_user__reference"]):
            if reference:
                blocked.add((rel["staff__staff_number"], reference))
    for r in parsed:
        if r.team.casefold() not in teams and not create_teams:
            errors.append(
                RowError(r.line, f"team “{r.team}” does not exist. Add it first, or allow new teams to be created.")
            )
        if r.key_worker:
            worker = key_workers.get(r.key_worker)
            if worker is None:
                errors.append(RowError(r.line, f"key_worker {r.key_worker} is not a staff number on the system."))
            elif not worker["is_active"]:
                errors.append(RowError(r.line, f"key_worker {r.key_worker} has left and cannot be a key worker."))
            elif (r.key_worker, r.reference) in blocked:
                errors.append(
                    RowError(
                        r.line,
                        f"key_worker {r.key_worker} has declared a personal relationship with this service user or "
                        "someone close to them, so they should not be their key worker (boundaries policy). "
                        "Choose another worker, or ask their line manager to review the relationships register.",
                    )
                )
    return parsed, errors


def service_user_import(*, file, actor=None, create_teams: bool = False, dry_run: bool = False) -> ImportResult:
    """Create or update service users (reference and initials only) from the care record system's CSV export."""
    rows, errors = _read_rows(file, columns=SERVICE_USER_COLUMNS, required=SERVICE_USER_REQUIRED)
    parsed, row_errors = _service_users_validate(rows, create_teams=create_teams) if rows else ([], [])
    errors += row_errors
    if errors:
        audit_record(action="people.service_users.import_rejected", actor=actor, detail={"errors": len(errors)})
        raise ImportRejected(errors)
    result = ImportResult(dry_run=dry_run)
    if dry_run:
        references = [r.reference for r in parsed]
        existing = set(ServiceUser.objects.filter(reference__in=references).values_list("reference", flat=True))
        result.created = len(parsed) - len(existing)
        result.updated = len(existing)
        teams = _teams_by_name()
        result.teams_created = sorted({r.team for r in parsed if r.team.casefold() not in teams})
        return result
    try:
        with transaction.atomic():
            _service_users_write(parsed, actor=actor, result=result)
    except ValidationError as exc:
        audit_record(action="people.service_users.import_rejected", actor=actor, detail={"errors": 1})
        raise ImportRejected([RowError(getattr(exc, "line", 1), " ".join(exc.messages))]) from exc
    except IntegrityError as exc:
        audit_record(action="people.service_users.import_rejected", actor=actor, detail={"errors": 1})
        refused = RowError(1, f"The database refused the import, so nothing was changed ({exc}).")
        raise ImportRejected([refused]) from exc
    audit_record(
        action="people.service_users.imported",
        actor=actor,
        detail=_counts(result),
    )
    return result


def _service_users_write(parsed: list[_ServiceUserRow], *, actor, result: ImportResult) -> None:
    reason = "people.service_users.imported"
    teams = _teams_by_name()
    existing = {s.reference: s for s in ServiceUser.objects.filter(reference__in=[r.reference for r in parsed])}
    staff = {
        s.staff_number: s
        for s in StaffMember.objects.select_related("user").filter(
            staff_number__in={r.key_worker for r in parsed if r.key_worker}
        )
    }
    current_key_workers = set(
        Assignment.objects.filter(
            role=Assignment.Role.KEY_WORKER, end_date__isnull=True, service_user__reference__in=list(existing)
        ).values_list("service_user__reference", "staff__staff_number")
    )
    for r in parsed:
        team = teams.get(r.team.casefold())
        if team is None:
            team = Team(name=r.team)
            team._history_user = actor
            team._change_reason = reason
            team.save()
            teams[r.team.casefold()] = team
            result.teams_created.append(team.name)
        service_user = existing.get(r.reference)
        is_new = service_user is None
        if is_new:
            service_user = ServiceUser(reference=r.reference)
        changed = _set_changed(
            service_user,
            {
                "initials": r.initials,
                "team_id": team.pk,
                "status": r.status,
                "left_date": r.left_date,
                "is_child": r.is_child,
                "is_adult_at_risk": r.is_adult_at_risk,
                "lacks_capacity": r.lacks_capacity,
            },
        )
        if is_new or changed:
            service_user._history_user = actor
            service_user._change_reason = reason
            service_user.save()
        # A blank key_worker leaves assignments as they are; a new one replaces the current key worker
        # through the same service as everywhere else, so the relationship check applies (seed 000 §4.2).
        if r.key_worker and (r.reference, r.key_worker) not in current_key_workers:
            try:
                assignment_create(
                    staff=staff[r.key_worker], service_user=service_user, role=Assignment.Role.KEY_WORKER, actor=actor
                )
            except ValidationError as exc:
                exc.line = r.line
                raise
            changed = True
        if is_new:
            result.created += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
