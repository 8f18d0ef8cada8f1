"""Patterns across cases (seed 004 §1.2; seed 000 §4.1, §6.2): after each change to who is involved, the
active PatternRules are checked for the people of that case. A pattern is raised once (one PatternAlert
per rule and person), kept up to date as more cases join it, and the safeguarding leads get one
content-free e-mail when it is first found. Its state (new, looked at, acted on) is recorded and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import Case, Involvement, PatternAlert, PatternRule
from cases.selectors import case_exclusions, months_before, role_holders
from cases.services.base import CaseError, _require
from core.roles import Role, has_role
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from policies.models import Part

PATTERNS_PAGE = "/cases/patterns/"
# Which people a rule is about, by the person field of an involvement.
_FIELDS = {
    PatternRule.Person.GIVER: ("service_user", "carer"),
    PatternRule.Person.STAFF: ("staff",),
    PatternRule.Person.SERVICE_USER: ("service_user",),
}


def _count(rule: PatternRule, case_ids: set[int]) -> int:
    if rule.count_distinct_workers:
        # The workers involved: the staff whose conduct each case is about (in a gift self-declaration,
        # the worker who was offered it).
        return (
            Involvement.objects.filter(case__in=case_ids, part=Part.CONCERNED, staff__isnull=False)
            .values("staff")
            .distinct()
            .count()
        )
    return len(case_ids)


def patterns_check(*, case: Case, actor) -> list[PatternAlert]:
    """Find the patterns this case's people form now; raise each new one once. Returns the alerts found."""
    found = []
    today = timezone.localdate()
    for rule in PatternRule.objects.filter(is_active=True).order_by("pk"):
        since = months_before(today, rule.within_months)
        people = {
            involvement.person_key
            for involvement in case.involvements.filter(part__in=rule.parts)
            if involvement.person_key[0] in _FIELDS[rule.person]
        }
        for field, pk in sorted(people):
            case_ids = set(
                Involvement.objects.filter(
                    **{field: pk}, part__in=rule.parts, case__opened_at__date__gte=since
                ).values_list("case_id", flat=True)
            )
            if _count(rule, case_ids) < rule.threshold:
                continue
            alert, created = PatternAlert.objects.get_or_create(rule=rule, key=f"{field}:{pk}")
            alert.cases.add(*case_ids)
            if created:
                alert._history_user = actor
                _tell_the_leads(alert=alert, case=case)
                audit_record(action="cases.pattern.raised", actor=actor, obj=alert, detail={"rule": rule.code})
            else:
                alert.updated_at = timezone.now()
                alert.save(update_fields=["updated_at"])
            found.append(alert)
    return found


def _tell_the_leads(*, alert: PatternAlert, case: Case) -> None:
    excluded = case_exclusions(case=case)
    for lead in role_holders(Role.SAFEGUARDING_LEAD):
        if lead.pk in excluded:
            continue
        notification_queue(
            recipient=lead.user,
            template=OutboxMessage.Template.PATTERN_ALERT,
            link=PATTERNS_PAGE,
            dedupe_key=f"pattern:{alert.pk}:{lead.pk}",
        )


@transaction.atomic
def pattern_alert_set_state(*, alert: PatternAlert, actor, state: str, note: str = "") -> PatternAlert:
    """The safeguarding lead records that they looked at a pattern, or acted on it (audited)."""
    if not has_role(actor, Role.SAFEGUARDING_LEAD):
        raise CaseError("Only a safeguarding lead can change a pattern's state.")
    _require(state in PatternAlert.State.values, "Choose what has happened.")
    alert = PatternAlert.objects.select_for_update().get(pk=alert.pk)
    alert.state = state
    alert.note = (note or "").strip() or alert.note
    alert.updated_at = timezone.now()
    alert._history_user = actor
    alert._change_reason = f"cases.pattern.{state}"
    alert.save(update_fields=["state", "note", "updated_at"])
    audit_record(action="cases.pattern.state_changed", actor=actor, obj=alert, detail={"state": state})
    return alert
