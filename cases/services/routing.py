"""Opening a case for a disclosure and choosing its reviewer around conflicts of interest (DESIGN §5;
docs/routing.md). cases never imports disclosures: case_open_for reads the disclosure it is given."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.functions import Coalesce

from audit.services import audit_record
from cases.models import (
    Case,
    TimelineEntry,
)
from cases.selectors import disclosure_situation, exclusions_for, first_free_holder, role_holders, why_not_reviewer
from cases.services.base import timeline_add
from cases.services.patterns import patterns_check
from cases.services.people import disclosure_parts, involvements_add_for
from cases.services.references import acknowledge_by_date_for, reference_next
from cases.services.variations import variation_dates
from core.roles import Role
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.models import Relationship, StaffMember
from people.selectors import staff_managers_above
from policies.models import PRIORITY_RANK, BoundaryCategory, DisclosureKind, Priority
from policies.selectors import RuleEffects, rules_effects


class RoutingError(Exception):
    """The disclosure cannot be routed as it stands (e.g. it has no category)."""


@dataclass
class Routing:
    """Who reviews a case and why, worked out before anything is written."""

    reviewer: StaffMember | None
    route: str  # "line_management", "speak_up_guardian", "safeguarding_lead" or "none"
    reasons: list[str] = field(default_factory=list)
    excluded: dict[int, str] = field(default_factory=dict)  # staff pk -> why they may not review


def reviewer_choose(
    *,
    kind: str,
    category: BoundaryCategory,
    reporter: StaffMember,
    named: list[StaffMember],
    speak_up: bool = False,
) -> Routing:
    """Choose the reviewer for a new case and say why (DESIGN §5; AC-05)."""
    excluded = exclusions_for(kind=kind, category=category, reporter=reporter, named=named, speak_up=speak_up)
    reasons: list[str] = []

    if speak_up:
        # seed 002 §7.3: a worker who cannot raise it through management goes to the
        # Freedom to Speak Up guardian.
        guardian = first_free_holder(Role.SPEAK_UP_GUARDIAN, excluded)
        if guardian is not None:
            reasons.append(
                f"This concern was raised through the speak-up route, so speak-up guardian {guardian.full_name} "
                "reviews it; only the guardian can see who raised it."
            )
            return Routing(guardian, "speak_up_guardian", reasons, excluded)
        reasons.append(
            "This concern was raised through the speak-up route, but no speak-up guardian is free to take it."
        )
    else:
        # The default reviewer is the line manager of the subject: of the colleague a concern
        # is about, otherwise of the worker filing (seed 001 "Disclosure"; seed 002 §5.4, §7.1).
        open_sentence = False  # the last reason ends "…, so" the next person is named
        if kind == DisclosureKind.CONCERN and named:
            subject = named[0]
            whose = f"{subject.full_name}, the subject of this concern"
            if subject.pk == reporter.line_manager_id:
                # AC-05 (a): a concern about one's own line manager never reaches that manager.
                reasons.append(f"Line manager {subject.full_name} is the subject of this concern")
                open_sentence = True
        else:
            subject = reporter
            whose = f"{reporter.full_name}, who filed it"
        chain = staff_managers_above(staff=subject)
        for step, candidate in enumerate(chain):
            why = why_not_reviewer(candidate, excluded)
            if why is None:
                if open_sentence:
                    reasons[-1] += f", so the case went to their manager {candidate.full_name}."
                else:
                    reasons.append(f"{candidate.full_name} reviews the case as the line manager of {whose}.")
                return Routing(candidate, "line_management", reasons, excluded)
            # seed 001 "Managing boundary issues": a manager who cannot act consults their own manager.
            label = "Line manager" if step == 0 and not open_sentence else "Manager"
            if open_sentence:
                reasons[-1] += ", and"
                label = label.lower()
            reasons.append(f"{label} {candidate.full_name} {why}")
            open_sentence = True
        if open_sentence:
            reasons[-1] += ", and nobody above them in the line-management chain can review it."
        else:
            reasons.append(f"{whose[0].upper()}{whose[1:]}, has no line manager on record.")

    lead = first_free_holder(Role.SAFEGUARDING_LEAD, excluded)
    if lead is not None:
        reasons.append(f"The case went to safeguarding lead {lead.full_name}.")
        return Routing(lead, "safeguarding_lead", reasons, excluded)
    reasons.append("No safeguarding lead is free to take it either: an administrator must assign a reviewer.")
    return Routing(None, "none", reasons, excluded)


def _case_subjects(*, kind: str, reporter: StaffMember, named: list[StaffMember]) -> list[StaffMember]:
    """A concern is about the colleagues named; anything else is about the worker filing and anyone named."""
    if kind == DisclosureKind.CONCERN:
        return list(named) or [reporter]
    return [reporter, *(s for s in named if s.pk != reporter.pk)]


def _same_chain(a: StaffMember, b: StaffMember) -> bool:
    """Is one of the two in the other's line-management chain?"""
    return any(m.pk == b.pk for m in staff_managers_above(staff=a)) or any(
        m.pk == a.pk for m in staff_managers_above(staff=b)
    )


def _open_case_for_same_situation(
    *, category_id: int, subject_ids: set[int], service_user_ids: set[int], speak_up: bool, confidential: bool
) -> Case | None:
    """The oldest open case in the category about exactly these people, as confidential as
    this one: one indexed query."""
    candidates = Case.objects.filter(
        category_id=category_id, is_speak_up=speak_up, is_confidential=confidential
    ).exclude(status=Case.Status.CLOSED)
    links = (
        (Case.subjects.through, "staffmember_id", subject_ids),
        (Case.service_users.through, "serviceuser_id", service_user_ids),
    )
    for through, column, ids in links:
        for pk in ids:
            candidates = candidates.filter(pk__in=through.objects.filter(**{column: pk}).values("case_id"))
        how_many = (
            through.objects.filter(case_id=models.OuterRef("pk"))
            .order_by()
            .values("case_id")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        candidates = candidates.annotate(
            **{f"{column}_count": Coalesce(models.Subquery(how_many, output_field=models.IntegerField()), 0)}
        ).filter(**{f"{column}_count": len(ids)})
    return candidates.order_by("opened_at", "pk").first()


def _notify_reviewer(*, case: Case, reviewer: StaffMember | None, template: str, key: str) -> None:
    if reviewer is None:
        return
    notification_queue(
        recipient=reviewer.user,
        template=template,
        link=f"/cases/{case.pk}/",
        due_date=case.acknowledge_by_date,
        dedupe_key=key,
    )


@transaction.atomic
def case_open_for(*, disclosure, actor, relationship: Relationship | None = None) -> Case:
    """Open a case for a submitted disclosure, or attach it to an open case about the same people.

    `relationship` is the entry a self-declaration put in the relationships register: the case
    manages it, and cannot close while it continues without an arrangement (DESIGN §4).
    """
    if disclosure.category_id is None:
        raise RoutingError("A disclosure needs a category before it can be routed.")
    category = disclosure.category
    reporter = disclosure.reporter
    kind = disclosure.kind
    speak_up = bool(disclosure.speak_up)
    named = list(disclosure.subjects.select_related("user").order_by("pk"))
    service_user_ids = set(disclosure.service_users.values_list("pk", flat=True))
    subjects = _case_subjects(kind=kind, reporter=reporter, named=named)
    # The rules table decides priority, safeguarding and the alert (policies.Rule; /policies/rules/).
    effects = rules_effects(situation=disclosure_situation(disclosure=disclosure, parts=disclosure_parts(disclosure)))
    restricted = category.restricted_to_parties
    # seed 004 supervision; seed 001 "Disclosure": a personal self-declaration may stay with the line manager.
    confidential = bool(disclosure.confidential) and category.offers_confidentiality(kind)
    excluded = exclusions_for(kind=kind, category=category, reporter=reporter, named=named, speak_up=speak_up)

    existing = _open_case_for_same_situation(
        category_id=category.pk,
        subject_ids={s.pk for s in subjects},
        service_user_ids=service_user_ids,
        speak_up=speak_up,
        confidential=confidential,
    )
    if existing is not None and existing.reviewer is not None and why_not_reviewer(existing.reviewer, excluded) is None:
        return _case_attach(
            case=existing,
            disclosure=disclosure,
            actor=actor,
            effects=effects,
            excluded=excluded,
            relationship=relationship,
        )

    routing = reviewer_choose(kind=kind, category=category, reporter=reporter, named=named, speak_up=speak_up)
    priority = effects.priority
    case = Case(
        reference=reference_next(prefix="C"),
        category=category,
        priority=priority,
        # A rule that alerts the safeguarding lead also makes it a safeguarding matter, so the lead can open it.
        is_safeguarding=effects.safeguarding,
        is_restricted=restricted,
        is_speak_up=speak_up,
        is_confidential=confidential,
        reviewer=routing.reviewer,
        team=subjects[0].team,
        acknowledge_by_date=acknowledge_by_date_for(priority=priority),
        relationship=relationship,
        **variation_dates(activity=_activity_date(disclosure)),
    )
    case._history_user = actor
    case._change_reason = "cases.case.opened"
    case.save()
    case.subjects.set(subjects)
    case.service_users.set(service_user_ids)
    involvements_add_for(case=case, disclosure=disclosure, actor=actor)

    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.OPENED, text=f"Opened for disclosure {disclosure}.")
    if existing is not None:
        routing.reasons.insert(
            0,
            f"An open case about the same people ({existing}) exists, but its reviewer "
            "may not see this disclosure, so a new case was opened.",
        )
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.ROUTED, text=" ".join(routing.reasons))
    _timeline_rules(case=case, actor=actor, effects=effects)

    if restricted:
        # seed 002 §10.4: kept confidential to the people in it and the reviewer.
        people = {reporter.pk: reporter, **{s.pk: s for s in named}}
        if routing.reviewer is not None:
            people[routing.reviewer.pk] = routing.reviewer
        case.restricted_to.set(people.values())
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.RESTRICTED,
            # seed 002 §10.4: relationships between workers are confidential.
            text="A close personal relationship between workers: only the people in it and the reviewer "
            "can see this case.",
        )
        parties = [reporter, *(s for s in named if s.pk != reporter.pk)]
        if any(_same_chain(a, b) for i, a in enumerate(parties) for b in parties[i + 1 :]):
            # seed 002 §9.1: "Alternative management arrangements should be put in place".
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.ACTION_PROPOSED,
                text="The two workers are in one line-management chain: propose the action "
                "“alternative management arrangement”.",
            )
    if confidential:
        timeline_add(
            case=case, actor=actor, code=TimelineEntry.Code.WHO_CAN_SEE, text=_who_can_see(case=case, effects=effects)
        )

    _notify_reviewer(
        case=case, reviewer=routing.reviewer, template=OutboxMessage.Template.CASE_NEW, key=f"case:{case.pk}:new"
    )
    if effects.alert:
        _alert_safeguarding_leads(case=case, actor=actor, excluded=excluded | routing.excluded, effects=effects)
    audit_record(action="cases.case.opened", actor=actor, obj=case)
    patterns_check(case=case, actor=actor)
    return case


def _activity_date(disclosure) -> datetime.date | None:
    """A variation request's planned date, from the worker's answer (seed 000 §5.7–5.8)."""
    if disclosure.kind != DisclosureKind.VARIATION:
        return None
    try:
        return datetime.date.fromisoformat(str((disclosure.details or {}).get("when", "")))
    except ValueError:
        return None


def _because(rules) -> str:
    """The reasons of the rules that applied, in plain words, for the timeline."""
    return " ".join(dict.fromkeys(rule.reason for rule in rules))


def _timeline_rules(*, case: Case, actor, effects: RuleEffects) -> None:
    """Say on the timeline which rules set the priority and made it a safeguarding matter, and why."""
    raised = [r for r in effects.rules if r.priority and r.priority != Priority.NORMAL]
    if raised:
        names = ", ".join(f"“{r.name}”" for r in raised)
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.NOTE,
            text=f"{case.get_priority_display()} priority under the rule(s) {names}: {_because(raised)}",
        )


def _who_can_see(*, case: Case, effects: RuleEffects) -> str:
    """What the worker who asked for confidentiality is told about who can see it (seed 004 supervision)."""
    reviewer = case.reviewer.full_name if case.reviewer else "the manager who reviews it"
    text = (
        f"You asked to keep this between you and your line manager: {reviewer} reviews it, and senior managers "
        "do not see it."
    )
    if effects.safeguarding:
        # Safeguarding rules win over the worker's choice (seed 002 §10.4: "unless the disclosure resulted in
        # concerns about the provision of care to service users").
        text += f" The safeguarding lead can also see it, because of our rules: {_because(effects.safeguarding_rules)}"
    return text


def _alert_safeguarding_leads(*, case: Case, actor, excluded: dict[int, str], effects: RuleEffects) -> None:
    """A rule with an alert reaches every safeguarding lead at once, except any who are conflicted (DESIGN §5)."""
    leads = [lead for lead in role_holders(Role.SAFEGUARDING_LEAD) if lead.pk not in excluded]
    alerted = [lead for lead in leads if lead.pk != case.reviewer_id]
    if case.is_restricted and alerted:
        # seed 002 §10.4: confidential "unless the disclosure resulted in concerns about the provision of care to
        # service users" – an alerting rule is such a concern.
        case.restricted_to.add(*alerted)
    for lead in alerted:
        notification_queue(
            recipient=lead.user,
            template=OutboxMessage.Template.CASE_URGENT,
            link=f"/cases/{case.pk}/",
            due_date=case.acknowledge_by_date,
            dedupe_key=f"case:{case.pk}:urgent:{lead.pk}",
        )
    because = _because(effects.alert_rules)
    if alerted:
        names = ", ".join(lead.full_name for lead in alerted)
        text = f"Safeguarding lead(s) {names} alerted at once. {because}"
    elif leads:
        text = f"The safeguarding lead reviews this case. {because}"
    else:
        text = (
            "The rules call for the safeguarding lead to be alerted at once, but none could be: each one is "
            f"conflicted or none is on record. {because}"
        )
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.SAFEGUARDING_ALERTED, text=text)


def _case_attach(
    *,
    case: Case,
    disclosure,
    actor,
    effects: RuleEffects,
    excluded: dict[int, str],
    relationship: Relationship | None = None,
) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    changed = ["version"]
    case.version += 1
    if relationship is not None and case.relationship_id is None:
        case.relationship = relationship
        changed.append("relationship")
    # The rules only ever raise what an attached disclosure adds: a higher priority, the safeguarding flag.
    raised = PRIORITY_RANK[effects.priority] > PRIORITY_RANK[case.priority]
    if raised:
        case.priority = effects.priority
        changed.append("priority")
    if effects.safeguarding and not case.is_safeguarding:
        case.is_safeguarding = True
        changed.append("is_safeguarding")
    case._history_user = actor
    case._change_reason = "cases.case.disclosure_attached"
    case.save(update_fields=changed)
    if case.is_restricted:
        case.restricted_to.add(disclosure.reporter, *disclosure.subjects.all())
    involvements_add_for(case=case, disclosure=disclosure, actor=actor)
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ATTACHED,
        text=f"Disclosure {disclosure} was attached: this open case is about the same people and the same "
        "kind of boundary, so it was not opened as a new case.",
    )
    if raised:
        _timeline_rules(case=case, actor=actor, effects=effects)
    if case.is_confidential and "is_safeguarding" in changed:
        timeline_add(
            case=case, actor=actor, code=TimelineEntry.Code.WHO_CAN_SEE, text=_who_can_see(case=case, effects=effects)
        )
    _notify_reviewer(
        case=case,
        reviewer=case.reviewer,
        template=OutboxMessage.Template.CASE_UPDATED,
        key=f"case:{case.pk}:attached:{disclosure.pk}",
    )
    if effects.alert:
        _alert_safeguarding_leads(case=case, actor=actor, excluded=excluded, effects=effects)
    audit_record(action="cases.case.disclosure_attached", actor=actor, obj=case)
    patterns_check(case=case, actor=actor)
    return case
