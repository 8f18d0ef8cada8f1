"""The people the demo organisation supports: service users, their carers and relatives, the register of
declared relationships and key workers (docs/demo.md). Steps of seed_demo; demo/context.py says how
every step stays deterministic and idempotent."""

import datetime
import functools
from dataclasses import dataclass

from demo.context import ANCHOR_DATE, DemoContext, random_date, upsert
from demo.organisation import DAY, EAST, FAMILY, FRONT_LINE, KEY_WORKER_TYPES, MILL, OAK, YOUNG, StaffSpec, staff_plan
from people.models import Assignment, CarerOrRelative, Relationship, ServiceUser, StaffMember, Team
from people.selectors import relationship_blocking_assignment
from people.services import assignment_create, assignment_end, relationship_declare

# ---------------------------------------------------------------------------------------------
# Service users, carers, the relationships register and key workers

INITIAL_LETTERS = "AAABBCCDDEEFGGHHIJJJKKLLMMMNOPRRSSSTTVWY"


@dataclass(frozen=True)
class ServiceUserSpec:
    reference: str
    initials: str
    team: str
    left_date: datetime.date | None
    is_child: bool
    is_adult_at_risk: bool
    lacks_capacity: bool


@functools.cache
def service_user_plan() -> tuple[ServiceUserSpec, ...]:
    """120 people supported, by reference and initials only (seed 003 "initials only")."""
    rng = DemoContext().rng("service users")
    total = sum(count for _, _, count in FRONT_LINE)
    references = sorted(rng.sample(range(10000, 99999), total))
    plan = []
    for team, _, count in FRONT_LINE:
        for _ in range(count):
            letters = 3 if rng.random() < 0.2 else 2
            initials = "".join(rng.choice(INITIAL_LETTERS) for _ in range(letters))
            former = rng.random() < 0.12
            left = random_date(rng, datetime.date(2024, 1, 8), datetime.date(2026, 10, 30)) if former else None
            is_child = team == FAMILY or (team == YOUNG and rng.random() < 0.5)
            at_risk = not is_child and (team in (OAK, MILL) or rng.random() < 0.3)
            lacks_capacity = at_risk and team in (OAK, MILL) and rng.random() < 0.35
            plan.append(ServiceUserSpec("", initials, team, left, is_child, at_risk, lacks_capacity))
    return tuple(
        ServiceUserSpec(f"CR-{ref}", s.initials, s.team, s.left_date, s.is_child, s.is_adult_at_risk, s.lacks_capacity)
        for ref, s in zip(references, plan, strict=True)
    )


def seed_service_users(ctx: DemoContext) -> str:
    """120 service users across the front-line teams; some children, some adults at risk, some former."""
    teams = {team.name: team for team in Team.objects.all()}
    made = 0
    plan = service_user_plan()
    for spec in plan:
        _, created = upsert(
            ServiceUser,
            lookup={"reference": spec.reference},
            values={
                "initials": spec.initials,
                "team": teams[spec.team],
                "status": ServiceUser.Status.FORMER if spec.left_date else ServiceUser.Status.CURRENT,
                "left_date": spec.left_date,
                "is_child": spec.is_child,
                "is_adult_at_risk": spec.is_adult_at_risk,
                "lacks_capacity": spec.lacks_capacity,
            },
        )
        made += created
    return f"service users: {len(plan)} ({made} new)"


CHILD_CARERS = ["mother", "father", "grandmother", "foster carer", "aunt", "stepfather"]
ADULT_CARERS = ["daughter", "son", "wife", "husband", "partner", "sister", "brother", "neighbour", "friend", "mother"]


def seed_carers(ctx: DemoContext) -> str:
    """A carer or relative for about one service user in four."""
    rng = ctx.rng("carers")
    chosen = rng.sample(service_user_plan(), 32)
    by_reference = {su.reference: su for su in ServiceUser.objects.filter(reference__in=[s.reference for s in chosen])}
    for spec in chosen:
        initials = "".join(rng.choice(INITIAL_LETTERS) for _ in range(2))
        relation = rng.choice(CHILD_CARERS if spec.is_child else ADULT_CARERS)
        upsert(
            CarerOrRelative,
            lookup={"service_user": by_reference[spec.reference], "relationship_to_service_user": relation},
            values={"initials": initials},
        )
    return f"carers and relatives: {len(chosen)}"


def _team_staff(team: str, *, kinds=None) -> list[StaffSpec]:
    return [s for s in staff_plan() if s.team == team and not s.roles and (kinds is None or s.employment_type in kinds)]


def _first_service_user(team: str, *, former: bool = False) -> ServiceUser:
    spec = next(s for s in service_user_plan() if s.team == team and bool(s.left_date) == former)
    return ServiceUser.objects.get(reference=spec.reference)


def seed_relationships(ctx: DemoContext) -> str:
    """Five entries in the register of declared relationships, one of each common situation."""
    staff = {s.user.username: s for s in StaffMember.objects.select_related("user")}
    east, mill, oak, day, young, family = (_team_staff(t) for t in (EAST, MILL, OAK, DAY, YOUNG, FAMILY))
    mill_su = _first_service_user(MILL)
    mill_carer = (
        CarerOrRelative.objects.filter(service_user=mill_su).first()
        or upsert(
            CarerOrRelative,
            lookup={"service_user": mill_su, "relationship_to_service_user": "daughter"},
            values={"initials": "LM"},
        )[0]
    )
    C, K, B = Relationship.Counterpart, Relationship.Kind, Relationship.Began
    entries = [
        # seed 000 §4.2: knew the service user before; not to be their key worker.
        {
            "staff": staff[east[1].username],
            "counterpart": C.SERVICE_USER,
            "kind": K.FRIEND,
            "began": B.BEFORE,
            "service_user": _first_service_user(EAST),
            "declared_date": datetime.date(2025, 3, 11),
            "arrangement": "Not to be key worker or give personal care; the team leader plans the rota around it.",
            "next_review_date": datetime.date(2027, 1, 15),
        },
        # seed 004: a relative of a service user; declared, arrangement not yet agreed.
        {
            "staff": staff[mill[2].username],
            "counterpart": C.CARER,
            "kind": K.FAMILY,
            "began": B.BEFORE,
            "carer": mill_carer,
            "declared_date": datetime.date(2026, 10, 20),
        },
        # seed 002 §9–10: a close personal relationship between two workers.
        {
            "staff": staff[oak[1].username],
            "counterpart": C.COLLEAGUE,
            "kind": K.PARTNER,
            "began": B.DURING,
            "colleague": staff[day[2].username],
            "declared_date": datetime.date(2025, 9, 1),
            "arrangement": (
                "Neither is in the other's line management; not rostered together as the only staff on shift."
            ),
            "next_review_date": datetime.date(2027, 3, 1),
        },
        # seed 002 §8 and seed 001 "social networking": contact from a former service user.
        {
            "staff": staff[young[0].username],
            "counterpart": C.FORMER_SERVICE_USER,
            "kind": K.SOCIAL_MEDIA,
            "began": B.DURING,
            "service_user": _first_service_user(YOUNG, former=True),
            "declared_date": datetime.date(2026, 8, 14),
        },
        # A relative who works for the local authority's children's services.
        {
            "staff": staff[family[1].username],
            "counterpart": C.PARTNER_AGENCY,
            "kind": K.FAMILY,
            "began": B.BEFORE,
            "partner_agency": "Northshire County Council children's social care",
            "declared_date": datetime.date(2024, 6, 3),
            "arrangement": "Does not attend joint meetings about a family their relative also works with.",
            "next_review_date": datetime.date(2027, 2, 8),
        },
    ]
    made = 0
    for entry in entries:
        key = {k: entry.get(k) for k in ("staff", "counterpart", "kind", "service_user", "carer", "colleague")}
        key["partner_agency"] = entry.get("partner_agency", "")
        if not Relationship.objects.filter(**key).exists():
            relationship_declare(**entry, actor=ctx.actor)
            made += 1
    return f"declared relationships: {len(entries)} ({made} new)"


def seed_assignments(ctx: DemoContext) -> str:
    """A key worker for every service user (through assignment_create, so declared relationships are
    respected) and a support worker for about a third."""
    rng = ctx.rng("assignments")
    staff = {s.user.username: s for s in StaffMember.objects.select_related("user")}
    service_users = {su.reference: su for su in ServiceUser.objects.all()}
    have_key = set(
        Assignment.objects.filter(role=Assignment.Role.KEY_WORKER).values_list("service_user__reference", flat=True)
    )
    have_support = set(
        Assignment.objects.filter(role=Assignment.Role.SUPPORT_WORKER).values_list("service_user__reference", flat=True)
    )
    declared = set(Relationship.objects.filter(status__in=Relationship.OPEN_STATUSES).values_list("staff", flat=True))
    made = 0
    for team, _, _ in FRONT_LINE:
        key_workers = [staff[s.username] for s in _team_staff(team, kinds=KEY_WORKER_TYPES)]
        everyone = [staff[s.username] for s in _team_staff(team)]
        turn = 0
        for spec in (s for s in service_user_plan() if s.team == team):
            su = service_users[spec.reference]
            end = spec.left_date or ANCHOR_DATE
            start = random_date(rng, datetime.date(2023, 1, 9), end - datetime.timedelta(days=60))
            # Round robin over workers already in post, skipping anyone with a declared relationship
            # with the service user or their family (seed 000 §4.2; seed 004 says the same of support work).
            free = [
                s
                for s in everyone
                if s.pk not in declared or relationship_blocking_assignment(staff=s, service_user=su) is None
            ]
            candidates = [s for s in key_workers[turn:] + key_workers[:turn] if s in free]
            key_worker = next((s for s in candidates if s.start_date <= start), candidates[0])
            turn = (key_workers.index(key_worker) + 1) % len(key_workers)
            # Draw a fixed number of values per service user, so a re-run after later steps declared more
            # relationships (fewer people free) plans the same support workers for everyone else.
            wants_support, pick = rng.random() < 0.33, rng.random()
            others = [s for s in free if s != key_worker]
            support = others[int(pick * len(others))] if wants_support else None
            if spec.reference not in have_key:
                assignment = assignment_create(
                    staff=key_worker,
                    service_user=su,
                    role=Assignment.Role.KEY_WORKER,
                    start_date=max(start, key_worker.start_date),
                    actor=ctx.actor,
                )
                if spec.left_date:
                    assignment_end(assignment=assignment, end_date=spec.left_date, actor=ctx.actor)
                made += 1
            if support is not None and spec.reference not in have_support:
                assignment = assignment_create(
                    staff=support,
                    service_user=su,
                    role=Assignment.Role.SUPPORT_WORKER,
                    start_date=max(start, support.start_date),
                    actor=ctx.actor,
                )
                if spec.left_date:
                    assignment_end(assignment=assignment, end_date=spec.left_date, actor=ctx.actor)
                made += 1
    return f"assignments: {Assignment.objects.count()} ({made} new)"
