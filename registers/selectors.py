"""The rows of the registers each viewer may see (docs/registers.md).

Scope, for both registers: a line manager sees the people below them in the line-management chain; a senior
manager sees the people in their team and the teams below it; the safeguarding lead (and, for gifts, the
auditor) sees everyone. Someone holding several roles sees the union.

Restricted and speak-up cases (seed 002 §10.4; DESIGN §5, §6): a gift declared on a restricted or speak-up
case appears only to someone who may open that case (cases.selectors.case_list_for); to anyone else the row
is left out altogether, so the register reveals neither the people nor that the gift exists. Colleague
relationships (between two workers) are always treated as restricted: an entry appears only to someone who
may open a case managing it (or its mirror entry).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate
from django.utils import timezone

from cases.models import Case, GiftDecision
from cases.selectors import case_list_for, gift_threshold, staff_close_colleagues
from core.roles import Role, has_role
from disclosures.models import Disclosure
from people.models import CarerOrRelative, RecordCorrectionNote, Relationship, ServiceUser, StaffMember, Team
from people.selectors import restricted_people, staff_for, staff_reports_below
from policies.models import BoundaryCategory, DisclosureKind

GIVEN_BY = {"service_user": "The service user", "carer": "A carer or relative", "other": "Someone else"}
RESPONSES = {"accepted": "Accepted", "declined": "Declined", "returned": "Given back"}
OUTCOME_CHOICES = [*RESPONSES.items(), *GiftDecision.Decision.choices]


def decision_label(value: str | None) -> str:
    return GiftDecision.Decision(value).label if value else ""


def _team_and_below(team: Team) -> set[int]:
    found, level = {team.pk}, {team.pk}
    while level:
        level = set(Team.objects.filter(parent__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found


def _staff_scope(user, field: str) -> Q | None:
    """A filter on `field` (a StaffMember) for the people this viewer's roles cover; None: nobody."""
    if has_role(user, Role.SAFEGUARDING_LEAD) or (field == "reporter" and has_role(user, Role.AUDITOR)):
        return Q()
    staff = staff_for(user)
    if staff is None:
        return None
    parts = []
    if has_role(user, Role.LINE_MANAGER):
        parts.append(Q(**{f"{field}__in": staff_reports_below(manager=staff).values("pk")}))
    if has_role(user, Role.SENIOR_MANAGER):
        parts.append(Q(**{f"{field}__team__in": _team_and_below(staff.team)}))
    return reduce(or_, parts) if parts else None


def _conflicted_q(user, field: str) -> Q:  # Q() (nothing to leave out) for the auditor, who has no staff record
    """Rows about the viewer themselves or a colleague they have a close relationship with (DESIGN §5: nobody
    manages their own or their partner's declarations), to leave out."""
    staff = staff_for(user)
    if staff is None:
        return Q()
    return Q(**{field: staff}) | Q(**{f"{field}__in": staff_close_colleagues(staff=staff)})


def _hidden_cases(user) -> QuerySet[Case]:
    """Restricted, speak-up and confidential cases this viewer may not open."""
    return Case.objects.filter(Q(is_restricted=True) | Q(is_speak_up=True) | Q(is_confidential=True)).exclude(
        pk__in=case_list_for(user).values("pk")
    )


# ---------------------------------------------------------------- gifts and hospitality


TEXT = models.TextField()


def _detail(key: str):
    return NullIf(KeyTextTransform(key, "details"), Value(""))


def gift_register_for(user) -> QuerySet[Disclosure]:
    """Every gift declared that this viewer may see (submitted self-declarations and incidents in a category
    asking the gift questions: the reporter is the worker who was offered it), newest first, with value,
    date, item, response, decision and outcome worked out by the database."""
    scope = _staff_scope(user, "reporter")
    if scope is None:
        return Disclosure.objects.none()
    decision = GiftDecision.objects.filter(disclosure_reference=OuterRef("reference"))
    return (
        Disclosure.objects.filter(
            scope, status=Disclosure.Status.SUBMITTED, category__questions=BoundaryCategory.Questions.GIFT
        )
        # A worry about a colleague's gift is not a declaration: its "worker" would be the person who raised it.
        .exclude(kind=DisclosureKind.CONCERN)
        .exclude(_conflicted_q(user, "reporter"))  # exclude(Q()) leaves out nothing
        .exclude(case__in=_hidden_cases(user))
        .annotate(
            value=Cast(_detail("approx_value"), models.DecimalField(max_digits=10, decimal_places=2)),
            item=Coalesce(_detail("item"), Value(""), output_field=TEXT),
            response=Coalesce(_detail("response"), Value(""), output_field=TEXT),
            from_whom=Coalesce(_detail("from_whom"), Value(""), output_field=TEXT),
            gift_date=Coalesce("occurred_date", TruncDate("submitted_at")),
            decision=Subquery(decision.values("decision")[:1]),
            decision_note=Subquery(decision.values("note")[:1]),
            outcome=Coalesce(
                Subquery(decision.values("decision")[:1]), _detail("response"), Value(""), output_field=TEXT
            ),
        )
        .select_related("reporter__user", "reporter__team", "case")
        .prefetch_related("service_users", "carers__service_user")
        .order_by("-gift_date", "-pk")
    )


def _service_user_label(su: ServiceUser) -> str:
    return f"{su.reference} · {su.initials}"


def carer_label(carer: CarerOrRelative) -> str:
    """ "Daughter of CR-52048 · KC": the relationship, then the service user they are close to."""
    relation = (carer.relationship_to_service_user or "Carer or relative").strip()
    return f"{relation[:1].upper()}{relation[1:]} of {_service_user_label(carer.service_user)}"


@dataclass(frozen=True)
class Giver:
    kind: str  # "service_user" | "carer" | ""
    pk: int | None
    label: str


def giver_of(gift: Disclosure) -> Giver:
    """Who gave it, in words, from the worker's answer and the people named on the disclosure."""
    service_users = list(gift.service_users.all())
    carers = list(gift.carers.all())
    if gift.from_whom == "carer" and carers:
        return Giver("carer", carers[0].pk, carer_label(carers[0]))
    if gift.from_whom == "service_user" and service_users:
        return Giver("service_user", service_users[0].pk, _service_user_label(service_users[0]))
    about = f" (about {_service_user_label(service_users[0])})" if service_users else ""
    return Giver("", None, f"{GIVEN_BY.get(gift.from_whom, 'Not said')}{about}")


def gifts_from_giver(gifts: QuerySet[Disclosure], *, kind: str, pk: int) -> QuerySet[Disclosure]:
    """The gifts a service user or a carer gave (the worker said who; the disclosure names them)."""
    if kind == "carer":
        return gifts.filter(from_whom="carer", pk__in=Disclosure.objects.filter(carers=pk).values("pk"))
    return gifts.filter(from_whom="service_user", pk__in=Disclosure.objects.filter(service_users=pk).values("pk"))


def giver_choices(gifts: QuerySet[Disclosure]) -> list[tuple[str, str]]:
    """Every giver among these gifts, as filter choices ("carer-3", "Daughter of SU-00001 · AB")."""
    seen: dict[str, str] = {}
    for gift in gifts.order_by():
        giver = giver_of(gift)
        if giver.pk is not None:
            seen.setdefault(f"{giver.kind}-{giver.pk}", giver.label)
    return sorted(seen.items(), key=lambda item: item[1])


def gifts_with_running_total(gifts: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    """Oldest first, each with the total declared so far (the database sums it)."""
    return gifts.annotate(running_total=Window(Sum("value"), order_by=[F("gift_date").asc(), F("pk").asc()])).order_by(
        "gift_date", "pk"
    )


@dataclass
class GiverSummary:
    total: Decimal
    count: int
    over_threshold: int
    workers: list[tuple[StaffMember, int, Decimal]] = field(default_factory=list)


def giver_summary(gifts: QuerySet[Disclosure]) -> GiverSummary:
    """The total, the number of gifts, how many were over the threshold, and the workers involved."""
    rows = list(
        gifts.order_by().values("reporter").annotate(n=models.Count("pk"), total=Coalesce(Sum("value"), Decimal(0)))
    )
    staff = StaffMember.objects.select_related("user", "team").in_bulk([r["reporter"] for r in rows])
    workers = sorted(((staff[r["reporter"]], r["n"], r["total"]) for r in rows), key=lambda w: w[0].full_name)
    return GiverSummary(
        total=sum((w[2] for w in workers), Decimal(0)),
        count=sum(w[1] for w in workers),
        over_threshold=gifts.filter(value__gt=gift_threshold()).count(),
        workers=workers,
    )


# ---------------------------------------------------------------- declared relationships


@dataclass
class RegisterEntry:
    """One entry of the relationships register as the page shows it: a single declaration, or both
    declarations of a pair of workers who each declared the other (managed together)."""

    entries: list[Relationship]
    openable_cases: list[Case]

    @property
    def main(self) -> Relationship:
        return self.entries[0]

    @property
    def is_pair(self) -> bool:
        return len(self.entries) > 1

    @property
    def next_review_date(self) -> datetime.date | None:
        dates = [e.next_review_date for e in self.entries if e.is_open and e.next_review_date]
        return min(dates) if dates else None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        review = self.next_review_date
        return review is not None and review < (today or timezone.localdate())


def relationship_counterpart_label(relationship: Relationship) -> str:
    """Who the relationship is with, in words, never raw codes."""
    if relationship.colleague_id:
        return relationship.colleague.full_name
    if relationship.carer_id:
        return carer_label(relationship.carer)
    if relationship.service_user_id:
        return _service_user_label(relationship.service_user)
    return relationship.partner_agency or relationship.get_counterpart_display()


def relationship_register_for(user, *, include_ended: bool = False) -> list[RegisterEntry]:
    """The register as this viewer may see it: overdue reviews first, then by review date, then newest."""
    scope = _staff_scope(user, "staff")
    if scope is None:
        return []
    colleague_scope = _staff_scope(user, "colleague")
    if scope and colleague_scope:  # a pair is in scope when either worker is (Q() is everyone already)
        scope |= Q(counterpart=Relationship.Counterpart.COLLEAGUE) & colleague_scope
    rows = Relationship.objects.filter(scope).exclude(_conflicted_q(user, "staff"))
    # A relationship declared "between me and my line manager" shows only to those who may open its case.
    rows = rows.exclude(cases__in=_hidden_cases(user))
    if not include_ended:
        rows = rows.filter(status__in=Relationship.OPEN_STATUSES)
    rows = list(
        rows.select_related(
            "staff__user", "staff__team", "colleague__user", "service_user", "carer__service_user"
        ).order_by("declared_date", "pk")
    )
    visible = case_list_for(user)
    openable: dict[int, list[Case]] = {}
    for case in visible.filter(relationship__in=[r.pk for r in rows]).order_by("opened_at"):
        openable.setdefault(case.relationship_id, []).append(case)

    entries: list[RegisterEntry] = []
    pairs: dict[tuple, RegisterEntry] = {}
    for rel in rows:
        cases = openable.get(rel.pk, [])
        if rel.counterpart != Relationship.Counterpart.COLLEAGUE:
            entries.append(RegisterEntry([rel], cases))
            continue
        key = (
            min(rel.staff_id, rel.colleague_id),
            max(rel.staff_id, rel.colleague_id),
            rel.status in rel.OPEN_STATUSES,
        )
        if key in pairs:  # the other worker's declaration of the same relationship
            pairs[key].entries.append(rel)
            pairs[key].openable_cases.extend(cases)
            continue
        pairs[key] = RegisterEntry([rel], list(cases))
        entries.append(pairs[key])
    # Colleague relationships are restricted (seed 002 §10.4): only through a case this viewer may open.
    entries = [e for e in entries if e.main.counterpart != Relationship.Counterpart.COLLEAGUE or e.openable_cases]
    today = timezone.localdate()
    far = datetime.date.max
    entries.sort(key=lambda e: (not e.is_overdue(today), e.next_review_date or far, -e.main.pk))
    return entries


def relationship_entry_notices(entry: RegisterEntry) -> dict:
    """What a register entry shows beside its arrangement (docs/privacy.md): whether it names a person whose
    records are restricted (people.selectors.restricted_people), and the corrections attached to it by the data
    protection officer (UK GDPR Article 16)."""
    rels = entry.entries
    staff = {r.staff_id for r in rels} | {r.colleague_id for r in rels if r.colleague_id}
    return {
        "restricted": restricted_people(
            staff_ids=staff,
            service_user_ids={r.service_user_id for r in rels if r.service_user_id},
            carer_ids={r.carer_id for r in rels if r.carer_id},
        ),
        "corrections": list(RecordCorrectionNote.objects.filter(relationship__in=[r.pk for r in rels])),
    }
