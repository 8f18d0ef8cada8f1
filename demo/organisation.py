"""The demo organisation's structure: ten teams, seventy-three staff in a line-management chain, and the
logins that hold a role without a staff record (docs/demo.md). Steps of seed_demo; demo/context.py
says how every step stays deterministic and idempotent."""

import datetime
import functools
import random
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group

from core.roles import Role
from demo.context import EMAIL_DOMAIN, DemoContext, random_date, upsert
from people.models import StaffMember, Team

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
                start_date=random_date(rng, datetime.date(2010, 1, 4), datetime.date(2019, 12, 31)),
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
                    start_date=random_date(rng, datetime.date(2012, 1, 3), datetime.date(2026, 6, 30)),
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
