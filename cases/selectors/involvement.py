"""Everyone involved in a case, in words, and what lies around it: other cases about the same people
(limited to cases the viewer may open) and the patterns they form (seed 004 §1.2; seed 000 §4.1)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cases.models import SPEAK_UP_REPORTER, Case, Involvement, PatternAlert
from cases.selectors.people import cases_excluding
from cases.selectors.visibility import case_list_for
from core.roles import Role, has_role
from policies.models import Part


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def person_label(involvement: Involvement) -> str:
    """A person in words, never a raw code: "Sam Jones · Support worker, North A", "SU-00042 · JB",
    "Daughter of SU-00042 · KC"."""
    if involvement.staff_id:
        staff = involvement.staff
        return f"{staff.full_name} · {staff.job_title}, {staff.team.name}"
    if involvement.service_user_id:
        service_user = involvement.service_user
        return f"{service_user.reference} · {service_user.initials}"
    carer = involvement.carer
    return f"{carer.relationship_to_service_user.capitalize()} of {carer.service_user.reference} · {carer.initials}"


@dataclass
class PersonRow:
    """One person on the case page with every part they play."""

    label: str
    parts: list[str] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)


def case_people(*, case: Case, user) -> list[PersonRow]:
    """Everyone involved in a case with their parts, for someone allowed to see the case. On a speak-up
    case only the guardian sees who raised it (DESIGN §5, §6; AC-04)."""
    hide_reporter = case.is_speak_up and not has_role(user, Role.SPEAK_UP_GUARDIAN)
    rows: dict[tuple[str, int], PersonRow] = {}
    involvements = case.involvements.select_related(
        "staff__user", "staff__team", "service_user", "carer__service_user"
    ).order_by("pk")
    raised = {i.person_key for i in involvements if i.part == Part.RAISED}
    for involvement in involvements:
        key = involvement.person_key
        if hide_reporter and key in raised:
            if involvement.part != Part.RAISED:
                continue  # nothing else may be said about the person who raised it
            row = rows.setdefault(("hidden", 0), PersonRow(SPEAK_UP_REPORTER))
        else:
            row = rows.setdefault(key, PersonRow(person_label(involvement)))
        row.parts.append(involvement.get_part_display())
        row.involvements.append(involvement)
    return list(rows.values())


def _people_q(case: Case) -> Q:
    """The people of this case other than who raised it, as a filter over other cases' involvements."""
    own = case.involvements.exclude(part=Part.RAISED)
    q = Q(pk__in=[])
    staff = [i for i in own.values_list("staff_id", flat=True) if i]
    users = [i for i in own.values_list("service_user_id", flat=True) if i]
    carers = [i for i in own.values_list("carer_id", flat=True) if i]
    if staff:
        q |= Q(staff__in=staff)
    if users:
        q |= Q(service_user__in=users)
    if carers:
        q |= Q(carer__in=carers)
    return q


@dataclass
class AroundRow:
    case: Case
    people: list[tuple[str, str]]  # (person, their part in that case)


def case_around(*, case: Case, user, today: datetime.date | None = None) -> list[AroundRow]:
    """Other cases from the last AROUND_CASE_MONTHS months involving the same service user, carer or
    relative, giver or member of staff, with the person's part there: only cases the viewer may open,
    and never through who raised a case (a speak-up reporter stays hidden)."""
    today = today or timezone.localdate()
    since = months_before(today, settings.AROUND_CASE_MONTHS)
    found = (
        Involvement.objects.filter(_people_q(case))
        .exclude(part=Part.RAISED)
        .exclude(case=case)
        .filter(case__in=case_list_for(user), case__opened_at__date__gte=since)
        .select_related("case__category", "staff__user", "staff__team", "service_user", "carer__service_user")
        .order_by("-case__opened_at", "case_id", "pk")
    )
    rows: dict[int, AroundRow] = {}
    for involvement in found:
        row = rows.setdefault(involvement.case_id, AroundRow(involvement.case, []))
        row.people.append((person_label(involvement), involvement.get_part_display()))
    return list(rows.values())


@dataclass
class PatternView:
    """What one viewer may know of a pattern that involves this case."""

    alert: PatternAlert
    cases: list[Case]  # the pattern's cases, when the viewer may open every one of them
    told_only: bool  # the pattern involves cases the viewer may not open: only "the lead has been told"


def case_patterns_for(*, case: Case, user) -> list[PatternView]:
    """The patterns this case is part of, as this viewer may see them. Someone who may not open every
    case in a pattern learns only that the safeguarding lead has been told: no count, no reference."""
    views = []
    visible = case_list_for(user)
    for alert in case.pattern_alerts.select_related("rule").order_by("pk"):
        cases = list(alert.cases.order_by("opened_at", "pk"))
        ids = {c.pk for c in cases}
        if visible.filter(pk__in=ids).count() == len(ids):
            views.append(PatternView(alert, cases, False))
        else:
            views.append(PatternView(alert, [], True))
    return views


@dataclass
class PatternRow:
    """A pattern as the safeguarding lead's page shows it."""

    alert: PatternAlert
    person: str
    cases: list[Case]  # those this lead may open
    hidden: int  # cases in the pattern this lead is conflicted from (they only learn how many)


def _pattern_person(alert: PatternAlert) -> str:
    field_name, _, pk = alert.key.partition(":")
    involvement = (
        Involvement.objects.filter(**{f"{field_name}_id": int(pk)})
        .select_related("staff__user", "staff__team", "service_user", "carer__service_user")
        .first()
    )
    return person_label(involvement) if involvement else "Someone no longer on record"


def pattern_alert_list():
    """Every pattern found, newest first, with what the patterns page shows of it."""
    return PatternAlert.objects.select_related("rule").prefetch_related("cases__category").order_by("-raised_at", "-pk")


def pattern_rows_for(*, user, alerts=None) -> list[PatternRow]:
    """The patterns (all of them, or the page of `alerts` given), newest first, for a safeguarding lead:
    the person, the rule, and each case in it that the lead may open; a case they are conflicted from
    is only counted (DESIGN §5). Which cases the lead may open is one query for the whole page."""
    rows = []
    staff = getattr(user, "staff", None)
    alerts = list(pattern_alert_list() if alerts is None else alerts)
    on_page = {case.pk for alert in alerts for case in alert.cases.all()}
    allowed = set(case_list_for(user).filter(pk__in=on_page).values_list("pk", flat=True))
    excluded = cases_excluding(staff=staff, case_ids=on_page - allowed) if staff is not None else set()
    for alert in alerts:
        mine, hidden = [], 0
        for other in alert.cases.all():
            # A confidential case the lead may not open stays hidden, like one they are conflicted from.
            if other.pk in allowed or (staff is not None and not other.is_confidential and other.pk not in excluded):
                mine.append(other)
            else:
                hidden += 1
        rows.append(PatternRow(alert, _pattern_person(alert), mine, hidden))
    return rows
