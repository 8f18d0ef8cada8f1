"""The demo organisation that `manage.py seed_demo` builds (docs/demo.md).

Each step is a function taking a DemoContext and returning a one-line summary. The command runs
demo.management.commands.seed_demo.DEMO_STEPS in order: these steps for the people, then the steps of
demo/policies.py, demo/disclosures.py, demo/cases.py and demo/reporting.py. The demo app sits on top of
the others and calls their services; no app imports it.

Every step is deterministic and idempotent:
- what to make is planned by pure functions from fixed lists and a random generator seeded per step
  (ctx.rng("step name")), so adding a step never changes what another step makes;
- dates come from the fixed ANCHOR_DATE, not today, so a re-run on another day plans the same rows;
- rows are found by their natural key (team name, username, care-record reference) and saved only
  when a value differs, so a re-run writes nothing and adds no history rows.
"""

import datetime
import functools
import random
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import models

from core.roles import Role
from people.models import Assignment, CarerOrRelative, Relationship, ServiceUser, StaffMember, Team
from people.selectors import relationship_blocking_assignment
from people.services import assignment_create, assignment_end, relationship_declare

SEED = "boundaries-demo"
ANCHOR_DATE = datetime.date(2026, 11, 2)
EMAIL_DOMAIN = "riverside-care.example"  # .example never delivers (RFC 2606)
HISTORY_REASON = "people.demo.seeded"  # the code stored on history rows since the first demo; kept
DEFAULT_PASSWORD = "boundaries-demo"


@dataclass
class DemoContext:
    password: str = DEFAULT_PASSWORD
    actor: object = None
    password_hash: str | None = None  # worked out once per run by _password_hash
    history_cases: int = 240  # how many cases demo.cases files over the two years before ANCHOR_DATE

    def rng(self, step: str) -> random.Random:
        """A generator for one step, the same on every run (a str seed is hashed with SHA-512, not hash())."""
        return random.Random(f"{SEED}:{step}")


# ---------------------------------------------------------------------------------------------
# Writing rows only when they differ


def _differs(obj: models.Model, name: str, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def upsert(model: type[models.Model], *, lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Find a row by its natural key; create it, or save only the fields that differ. Returns (row, created)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = HISTORY_REASON
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = HISTORY_REASON
        obj.save(update_fields=changed)
    return obj, False


# ---------------------------------------------------------------------------------------------
# Teams


@dataclass(frozen=True)
class TeamSpec:
    name: str
    service_area: str
    parent: str | None = None


CENTRAL = "Central Services"
ADULTS = "Adult Services"
CHILDREN = "Children and Families"
EAST = "Community Support East"
WEST = "Community Support West"
DAY = "Riverside Day Centre"
MILL = "Mill Lane Supported Living"
OAK = "Oak House"
FAMILY = "Family Support Team"
YOUNG = "Young People's Housing"

A = Team.ServiceArea
TEAMS = [
    TeamSpec(CENTRAL, A.CENTRAL),
    TeamSpec(ADULTS, A.COMMUNITY),
    TeamSpec(CHILDREN, A.CHILDREN),
    TeamSpec(EAST, A.COMMUNITY, ADULTS),
    TeamSpec(WEST, A.COMMUNITY, ADULTS),
    TeamSpec(DAY, A.DAY, ADULTS),
    TeamSpec(MILL, A.HOUSING, ADULTS),
    TeamSpec(OAK, A.RESIDENTIAL, ADULTS),
    TeamSpec(FAMILY, A.CHILDREN, CHILDREN),
    TeamSpec(YOUNG, A.HOUSING, CHILDREN),
]

# Front-line teams: (team, workers, service users). 60 workers and 120 service users in all.
FRONT_LINE = [(EAST, 9, 20), (WEST, 9, 18), (DAY, 8, 18), (MILL, 9, 16), (OAK, 9, 18), (FAMILY, 8, 16), (YOUNG, 8, 14)]


def seed_teams(ctx: DemoContext) -> str:
    """Ten teams: central services and two service areas with their sub-teams."""
    made = 0
    for spec in TEAMS:
        parent = Team.objects.get(name=spec.parent) if spec.parent else None
        _, created = upsert(
            Team, lookup={"name": spec.name}, values={"service_area": spec.service_area, "parent": parent}
        )
        made += created
    return f"teams: {len(TEAMS)} ({made} new)"


# ---------------------------------------------------------------------------------------------
# Staff: a director, two service managers, seven team leaders, sixty workers and central roles


E = StaffMember.EmploymentType
R = StaffMember.RegistrationBody


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    job_title: str
    team: str
    manager: str | None
    roles: tuple[Role, ...] = ()
    employment_type: str = E.PERMANENT
    registration_body: str = R.NONE
    registration_number: str = ""
    start_date: datetime.date = datetime.date(2018, 4, 3)


# The demo logins of docs/demo.md. worker -> manager -> senior -> director makes the journeys work.
LEADERS = [
    StaffSpec(
        "ruth.adeyemi",
        "Ruth",
        "Adeyemi",
        "Director of Care",
        CENTRAL,
        None,
        (Role.SENIOR_MANAGER,),
        start_date=datetime.date(2011, 9, 5),
    ),
    StaffSpec(
        "senior",
        "Helen",
        "Price",
        "Service Manager, Adult Services",
        ADULTS,
        "ruth.adeyemi",
        (Role.SENIOR_MANAGER,),
        registration_body=R.SWE,
        registration_number="SW041276",
        start_date=datetime.date(2014, 2, 10),
    ),
    StaffSpec(
        "michael.osei",
        "Michael",
        "Osei",
        "Service Manager, Children and Families",
        CHILDREN,
        "ruth.adeyemi",
        (Role.SENIOR_MANAGER,),
        registration_body=R.SWE,
        registration_number="SW058813",
        start_date=datetime.date(2016, 6, 1),
    ),
    StaffSpec(
        "safeguarding",
        "Priya",
        "Sharma",
        "Designated Safeguarding Lead",
        CENTRAL,
        "ruth.adeyemi",
        (Role.SAFEGUARDING_LEAD,),
        registration_body=R.SWE,
        registration_number="SW037740",
        start_date=datetime.date(2015, 1, 12),
    ),
    StaffSpec(
        "hr",
        "Gareth",
        "Evans",
        "HR Adviser",
        CENTRAL,
        "ruth.adeyemi",
        (Role.HR,),
        start_date=datetime.date(2019, 3, 18),
    ),
    StaffSpec(
        "guardian",
        "Bernadette",
        "O'Neill",
        "Freedom to Speak Up Guardian",
        CENTRAL,
        "ruth.adeyemi",
        (Role.SPEAK_UP_GUARDIAN,),
        start_date=datetime.date(2017, 10, 2),
    ),
]
MANAGER = StaffSpec(
    "manager",
    "Daniel",
    "Hughes",
    "Team Leader",
    EAST,
    "senior",
    (Role.LINE_MANAGER,),
    start_date=datetime.date(2016, 11, 7),
)
WORKER = StaffSpec(
    "worker", "Amira", "Khan", "Community Support Worker", EAST, "manager", start_date=datetime.date(2021, 5, 4)
)

# Logins without a StaffMember: a trustee, the data protection officer and IT. Each holds only its
# own role, so the demo shows each role on its own (docs/roles.md).
ACCOUNTS = [
    ("committee", "John", "Whitfield", Role.COMMITTEE_MEMBER),
    ("auditor", "Fiona", "Campbell", Role.AUDITOR),
    ("admin", "Chris", "Ward", Role.ADMINISTRATOR),  # the admin site checks the role, not is_staff
]

# fmt: off
FIRST_NAMES = [
    "Aisha", "Alex", "Amy", "Andrew", "Anita", "Ben", "Bethan", "Callum", "Charlotte", "Chloe", "Connor", "Daniel",
    "David", "Deborah", "Declan", "Eilidh", "Ella", "Emma", "Fatima", "Georgia", "Grace", "Hannah", "Harry",
    "Imran", "Isla", "Jack", "Jade", "James", "Jasmine", "Joanne", "Joseph", "Karen", "Kwame", "Laura", "Leah",
    "Liam", "Lucy", "Mandeep", "Mark", "Megan", "Mohammed", "Natalie", "Niamh", "Oliver", "Olivia", "Patrick",
    "Rachel", "Rhys", "Rebecca", "Ryan", "Samina", "Sean", "Sophie", "Stephen", "Tariq", "Thomas", "Tendai",
    "Victoria", "Wei", "Yusuf", "Zara", "Zoe",
]
# fmt: on
# fmt: off
LAST_NAMES = [
    "Ahmed", "Akhtar", "Allen", "Appiah", "Bailey", "Begum", "Bennett", "Brown", "Campbell", "Chen", "Clarke",
    "Collins", "Davies", "Edwards", "Fletcher", "Foster", "Green", "Hall", "Harris", "Hussain", "Jackson", "James",
    "Jones", "Kaur", "Kelly", "Lewis", "Lloyd", "MacDonald", "Mensah", "Mitchell", "Morgan", "Murphy", "Nowak",
    "O'Brien", "Owen", "Parker", "Patel", "Phillips", "Quinn", "Reid", "Roberts", "Robinson", "Scott", "Shah",
    "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Turner", "Walker", "Watson", "White", "Williams", "Wilson",
    "Wood", "Wright", "Young",
]
# fmt: on

# Team leaders' titles, and the everyday job titles of permanent and fixed-term staff, by team.
LEADER_TITLES = {OAK: "Registered Manager", DAY: "Day Centre Manager"}
TEAM_TITLES = {
    EAST: ["Community Support Worker", "Senior Support Worker"],
    WEST: ["Community Support Worker", "Senior Support Worker"],
    DAY: ["Day Services Officer", "Activities Coordinator"],
    MILL: ["Housing Support Worker", "Senior Housing Support Worker"],
    OAK: ["Care Assistant", "Senior Care Assistant", "Registered Nurse"],
    FAMILY: ["Family Support Worker", "Social Worker"],
    YOUNG: ["Young People's Support Worker", "Senior Support Worker"],
}
# Titles that go with the other kinds of worker (seed 002 §4.1 lists them; seed 003 is peer-led:
# "service users become volunteers and volunteers become staff"; seed 000 §3.1 befriending).
TYPE_TITLES = {
    E.BANK: "Bank Support Worker",
    E.AGENCY: "Agency Support Worker",
    E.VOLUNTEER: "Volunteer Befriender",
    E.STUDENT: "Student Social Worker",
    E.APPRENTICE: "Apprentice Support Worker",
    E.EMPLOYED_SERVICE_USER: "Peer Support Worker",
    E.LOCUM: "Locum Social Worker",
    E.SECONDED: "Community Nurse (seconded from the NHS)",
    E.CONTRACTOR: "Sessional Art Therapist",
}
# The sixty workers' employment types, every kind in seed 002 §4.1. The first three workers of each
# team are permanent (so every team has key workers); the other 39 are drawn from this pool.
OTHER_TYPES = (
    [E.PERMANENT] * 9
    + [E.FIXED_TERM] * 5
    + [E.BANK] * 6
    + [E.AGENCY] * 4
    + [E.VOLUNTEER] * 4
    + [E.STUDENT] * 3
    + [E.APPRENTICE] * 2
    + [E.EMPLOYED_SERVICE_USER] * 3
    + [E.LOCUM, E.SECONDED, E.CONTRACTOR]
)
# Who may be a service user's key worker (bank, agency, volunteers and students support, not lead).
KEY_WORKER_TYPES = {E.PERMANENT, E.FIXED_TERM, E.SECONDED, E.LOCUM}


def _username(first: str, last: str) -> str:
    return re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())


def _random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _registration(rng: random.Random, body: str) -> str:
    digits = "0123456789"
    if body == R.NMC:  # a PIN such as 09A1234E
        return f"{rng.choice(digits)}{rng.choice(digits)}{rng.choice('ABCDEFGHIJ')}{rng.randrange(10000):04d}E"
    if body == R.SWE:
        return f"SW{rng.randrange(10000, 99999):06d}"
    if body == R.HCPC:
        return f"AS{rng.randrange(10000, 99999)}"
    return ""


@functools.cache
def staff_plan() -> tuple[StaffSpec, ...]:
    """Everyone on the staff, managers before the people they manage."""
    rng = DemoContext().rng("staff")
    taken = {(s.first_name, s.last_name) for s in [*LEADERS, MANAGER, WORKER]}
    names = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES if (f, last) not in taken]
    names = rng.sample(names, 7 + 60)
    names_left = iter(names)
    pool = list(OTHER_TYPES)
    rng.shuffle(pool)
    types_left = iter(pool)

    plan = list(LEADERS)
    leaders_by_team = {}
    for team, _, _ in FRONT_LINE:
        if team == EAST:
            leader = MANAGER
        else:
            first, last = next(names_left)
            senior = "michael.osei" if team in (FAMILY, YOUNG) else "senior"
            leader = StaffSpec(
                _username(first, last),
                first,
                last,
                LEADER_TITLES.get(team, "Team Leader"),
                team,
                senior,
                (Role.LINE_MANAGER,),
                start_date=_random_date(rng, datetime.date(2010, 1, 4), datetime.date(2019, 12, 31)),
            )
        leaders_by_team[team] = leader
        plan.append(leader)

    for team, count, _ in FRONT_LINE:
        for slot in range(count):
            if team == EAST and slot == 0:
                plan.append(WORKER)
                continue
            first, last = next(names_left)
            kind = E.PERMANENT if slot < 3 else next(types_left)
            title = TYPE_TITLES.get(kind) or rng.choice(TEAM_TITLES[team])
            body = {"Registered Nurse": R.NMC, "Social Worker": R.SWE, "Locum Social Worker": R.SWE}.get(title, R.NONE)
            body = {E.SECONDED: R.NMC, E.CONTRACTOR: R.HCPC}.get(kind, body)
            plan.append(
                StaffSpec(
                    _username(first, last),
                    first,
                    last,
                    title,
                    team,
                    leaders_by_team[team].username,
                    employment_type=kind,
                    registration_body=body,
                    registration_number=_registration(rng, body),
                    start_date=_random_date(rng, datetime.date(2012, 1, 3), datetime.date(2026, 6, 30)),
                )
            )
    return tuple(plan)


def _password_hash(ctx: DemoContext) -> str:
    """One hash of the demo password for every demo account, reused if it still matches, so a re-run
    changes no user row (and hashes once: Argon2 is slow on purpose). Demo only: a shared salt."""
    if ctx.password_hash is None:
        usernames = [s.username for s in staff_plan()] + [username for username, *_ in ACCOUNTS]
        existing = get_user_model().objects.filter(username__in=usernames).values_list("password", flat=True)
        ctx.password_hash = next(
            (encoded for encoded in set(existing) if check_password(ctx.password, encoded)),
            None,
        ) or make_password(ctx.password)
    return ctx.password_hash


def _user(username: str, first: str, last: str, roles, password_hash: str):
    user, _ = upsert(
        get_user_model(),
        lookup={"username": username},
        values={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@{EMAIL_DOMAIN}",
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
            "password": password_hash,
        },
    )
    user.groups.set(Group.objects.filter(name__in=[str(role) for role in roles]))
    return user


def seed_staff(ctx: DemoContext) -> str:
    """Seventy-three staff accounts in a line-management chain, each holding Worker plus their own roles."""
    plan = staff_plan()
    password_hash = _password_hash(ctx)
    teams = {team.name: team for team in Team.objects.all()}
    staff_by_username: dict[str, StaffMember] = {}
    made = 0
    for number, spec in enumerate(plan, start=1):
        user = _user(spec.username, spec.first_name, spec.last_name, [Role.WORKER, *spec.roles], password_hash)
        staff, created = upsert(
            StaffMember,
            lookup={"user": user},
            values={
                "staff_number": f"RCP{number:04d}",
                "employment_type": spec.employment_type,
                "job_title": spec.job_title,
                "team": teams[spec.team],
                "line_manager": staff_by_username[spec.manager] if spec.manager else None,
                "registration_body": spec.registration_body,
                "registration_number": spec.registration_number,
                "start_date": spec.start_date,
                "end_date": None,
                "is_active": True,
            },
        )
        staff_by_username[spec.username] = staff
        made += created
    return f"staff: {len(plan)} ({made} new)"


def seed_accounts(ctx: DemoContext) -> str:
    """The committee member, auditor and administrator logins (no StaffMember)."""
    password_hash = _password_hash(ctx)
    for username, first, last, role in ACCOUNTS:
        _user(username, first, last, [role], password_hash)
    return f"other logins: {', '.join(username for username, *_ in ACCOUNTS)}"


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
            left = _random_date(rng, datetime.date(2024, 1, 8), datetime.date(2026, 10, 30)) if former else None
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
            start = _random_date(rng, datetime.date(2023, 1, 9), end - datetime.timedelta(days=60))
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
