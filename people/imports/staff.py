"""Staff from the HR system's CSV export: columns, row checks (including line-management loops), writes."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from core.roles import Role
from people.imports.common import (
    ImportRejected,
    ImportResult,
    RowError,
    audit_counts,
    check_length,
    parse_bool,
    parse_choice,
    parse_date,
    read_rows,
    set_changed,
    teams_by_name,
)
from people.models import StaffMember, Team
from people.services import staff_save

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
    check_length(StaffMember, row, ["staff_number", "job_title", "registration_number"], problems)
    check_length(get_user_model(), row, ["username", "first_name", "last_name", "email"], problems)
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
        ("employment_type", lambda v, c: parse_choice(v, c, StaffMember.EmploymentType.choices, "permanent")),
        ("registration_body", lambda v, c: parse_choice(v, c, StaffMember.RegistrationBody.choices, "")),
        ("start_date", lambda v, c: parse_date(v, c) if v else None),
        ("end_date", lambda v, c: parse_date(v, c) if v else None),
        ("active", lambda v, c: parse_bool(v, c, True)),
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
    teams = teams_by_name()

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


def staff_import(*, file, actor=None, create_teams: bool = False, dry_run: bool = False) -> ImportResult:
    """Create or update staff from the HR system's CSV export; all rows or none (docs/imports.md)."""
    rows, errors = read_rows(file, columns=STAFF_COLUMNS, required=STAFF_REQUIRED)
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
        teams = teams_by_name()
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
        detail=audit_counts(result),
    )
    return result


def _staff_write(parsed: list[_StaffRow], *, actor, result: ImportResult) -> None:
    User = get_user_model()
    reason = "people.staff.imported"
    teams = teams_by_name()
    staff_by_number = {
        s.staff_number: s
        for s in StaffMember.objects.select_related("user").filter(
            staff_number__in=[r.staff_number for r in parsed] + [r.manager_number for r in parsed if r.manager_number]
        )
    }
    users = {u.username.casefold(): u for u in User.objects.filter(username__in=[r.username for r in parsed])}
    worker_role = Group.objects.get(name=Role.WORKER.value)
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
        user_changed = set_changed(
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
        # A starter can use Boundaries the day they arrive: everyone in the HR file is a worker
        # (seed 002 §4.1), whatever other roles an administrator gives them; none is taken away.
        if not user.groups.filter(pk=worker_role.pk).exists():
            user.groups.add(worker_role)
            # Role changes are security events (AU-01), audited by role name as the account page does.
            audit_record(
                action="accounts.roles.changed",
                actor=actor,
                obj=user,
                detail={"added": [Role.WORKER.value], "removed": []},
            )

        staff_is_new = staff is None
        if staff_is_new:
            staff = StaffMember(staff_number=r.staff_number, user=user)
        staff_changed = set_changed(
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
