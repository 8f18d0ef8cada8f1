"""Service users from the care record system's CSV export (reference and initials only): columns, checks, writes."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from audit.services import audit_record
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
from people.models import Assignment, Relationship, ServiceUser, StaffMember, Team
from people.services import assignment_create

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
    check_length(ServiceUser, row, ["reference"], problems)
    initials = row["initials"].upper()
    # seed 003: records use initials only; never a name.
    if initials and not re.fullmatch(r"[A-Z]{1,3}", initials):
        problems.append(f"initials “{row['initials']}” should be one to three letters, such as JB (never a name).")
    values = {}
    for column, parse in (
        ("status", lambda v, c: parse_choice(v, c, ServiceUser.Status.choices, "")),
        ("left_date", lambda v, c: parse_date(v, c) if v else None),
        ("child", lambda v, c: parse_bool(v, c, False)),
        ("adult_at_risk", lambda v, c: parse_bool(v, c, False)),
        ("lacks_capacity", lambda v, c: parse_bool(v, c, False)),
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

    teams = teams_by_name()
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
    rows, errors = read_rows(file, columns=SERVICE_USER_COLUMNS, required=SERVICE_USER_REQUIRED)
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
        teams = teams_by_name()
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
        detail=audit_counts(result),
    )
    return result


def _service_users_write(parsed: list[_ServiceUserRow], *, actor, result: ImportResult) -> None:
    reason = "people.service_users.imported"
    teams = teams_by_name()
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
        changed = set_changed(
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
