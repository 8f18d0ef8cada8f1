"""The rules table in action (policies.Rule, migration 0010; docs/routing.md "The rules").

Each row is a situation from one of the five source policies, filed the way a worker files it (draft, then
submit, through the services the form uses) in the persona organisation, and checks what the rules decided:
the priority, whether the safeguarding lead was alerted at once (who was told), whether the lead can see the
case, and the statutory prompts the reviewer must answer. The first rows are the three situations in which the
rules used to misfire.
"""

from dataclasses import dataclass, field

import pytest

from cases.selectors import case_list_for, case_prompts_raised
from disclosures.tests.factories import disclosure_file
from notifications.models import OutboxMessage
from people.models import StaffMember
from people.tests.factories import CarerFactory, ServiceUserFactory
from policies.models import DisclosureKind, Priority
from policies.models import StatutoryPrompt as P

K = DisclosureKind
SG, LP, PO, RE, DBS, SI, HR = (
    P.SAFEGUARDING_REFERRAL,
    P.LADO_PIPOT,
    P.POLICE,
    P.REGULATOR,
    P.DBS,
    P.SERIOUS_INCIDENT,
    P.HR_INVESTIGATION,
)


@dataclass
class Row:
    seed: str  # where the situation comes from
    kind: str
    category: str
    priority: str
    alerted: bool  # the safeguarding lead is e-mailed at once
    safeguarding: bool  # the safeguarding lead can see the case
    prompts: set = field(default_factory=set)
    reporter: str = "worker"
    subjects: tuple = ()  # persona names of colleagues named
    service_user: str = ""  # "", "plain", "child" or "adult_at_risk"
    carer: str = ""  # a carer or relative of that service user, e.g. "husband"
    registered: tuple = ()  # persona names registered with a professional regulator (NMC)
    apprentice: tuple = ()  # persona names who are unregistered apprentices
    details: dict = field(default_factory=dict)
    at_risk_now: bool = False
    confidential: bool = False


ROWS = {
    # --- the three situations in which the rules misfired ---------------------------------------------------
    "A worker reports a service user's husband making sexual comments and asking her on a date": Row(
        "seed 001 “Sexualised behaviour”",
        K.INCIDENT,
        "service-user-sexualised-behaviour",
        Priority.URGENT,
        alerted=True,
        safeguarding=True,
        prompts={SG},
        service_user="plain",
        carer="husband",
    ),
    "A good-faith self-declaration of a declined gift": Row(
        "seed 001 “Disclosure”; seed 000 §4.1",
        K.SELF_DECLARATION,
        "gifts-money",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
        details={"item": "Chocolates", "from_whom": "service_user", "response": "declined"},
    ),
    "A worker who was harassed (and is a registered nurse) gets no HR or regulator prompt against herself": Row(
        "seed 001 “Sexualised behaviour”",
        K.SELF_DECLARATION,
        "service-user-sexualised-behaviour",
        Priority.URGENT,
        alerted=True,
        safeguarding=True,
        prompts={SG},
        service_user="plain",
        registered=("worker",),
    ),
    "A regulator prompt is raised for an unregistered apprentice": Row(
        "seed 002 §5.6, §6.4; seed 004 §1.5",
        K.CONCERN,
        "substances",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, HR},  # never the regulator: the apprentice is not registered
        subjects=("colleague",),
        apprentice=("colleague",),
    ),
    "A nurse's disclosure of developing feelings for a service user (seed 004, supervision)": Row(
        "seed 004 “Key Responsibilities”",
        K.SELF_DECLARATION,
        "attachment-feelings",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
        registered=("worker",),
        confidential=True,
    ),
    # --- seed 001 ------------------------------------------------------------------------------------------------
    "001: a worker tells her manager she is becoming attached to a service user": Row(
        "seed 001 “Disclosure”",
        K.SELF_DECLARATION,
        "attachment-feelings",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
    ),
    "001: a friend request from a service user's daughter": Row(
        "seed 001 “Social networking sites”",
        K.SELF_DECLARATION,
        "social-media",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        carer="daughter",
        service_user="plain",
        details={"platform": "facebook", "what_happened": "request_received"},
    ),
    "001: a worker is related to a new service user": Row(
        "seed 001 “Disclosure”",
        K.SELF_DECLARATION,
        "related-to-service-user",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
        details={"kind": "family", "began": "before"},
    ),
    "001: a colleague makes sexual jokes to a service user": Row(
        "seed 001 “Sexual boundaries”",
        K.CONCERN,
        "sexual-boundaries",
        Priority.URGENT,
        alerted=True,
        safeguarding=True,
        prompts={SG, LP, PO, DBS, SI, HR},
        subjects=("colleague",),
        service_user="plain",
    ),
    # --- seed 002 ------------------------------------------------------------------------------------------------
    "002: a registered nurse in a sexual relationship with a service user": Row(
        "seed 002 §6.3.1",
        K.CONCERN,
        "sexual-boundaries",
        Priority.URGENT,
        alerted=True,
        safeguarding=True,
        prompts={SG, LP, PO, RE, DBS, SI, HR},
        subjects=("colleague",),
        registered=("colleague",),
        service_user="plain",
    ),
    "002: a registered nurse buys alcohol for a service user": Row(
        "seed 002 §5.6, §6.4; seed 004 §1.5",
        K.CONCERN,
        "substances",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, RE, HR},
        subjects=("colleague",),
        registered=("colleague",),
    ),
    "002: an incident involving an adult at risk": Row(
        "seed 002 §7.5–7.6",
        K.INCIDENT,
        "contact-outside-work",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, LP},
        service_user="adult_at_risk",
    ),
    "002: a colleague visits a child's home outside work": Row(
        "seed 002 §7.5; seed 000 §4.3",
        K.CONCERN,
        "contact-outside-work",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, LP},
        subjects=("colleague",),
        service_user="child",
    ),
    "002: a colleague accepted money from a service user": Row(
        "seed 002 §6.3.5",
        K.CONCERN,
        "gifts-money",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        prompts={SG, HR},
        subjects=("colleague",),
        service_user="plain",
        details={"item": "£50", "from_whom": "service_user", "response": "accepted"},
    ),
    "002: a relationship with a former service user": Row(
        "seed 002 §8",
        K.SELF_DECLARATION,
        "former-service-user",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
        registered=("worker",),
        details={"kind": "romantic", "began": "after"},
    ),
    "002: a close relationship with one's line manager": Row(
        "seed 002 §9–10",
        K.SELF_DECLARATION,
        "relationship-between-workers",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        subjects=("manager",),
        details={"kind": "romantic", "began": "during"},
    ),
    "002: someone is at risk of harm now after rough handling": Row(
        "seed 002 §7.5; seed 000 §3.9",
        K.INCIDENT,
        "physical-contact",
        Priority.URGENT,
        alerted=True,
        safeguarding=True,
        prompts={SG, LP, PO},
        service_user="plain",
        at_risk_now=True,
    ),
    # --- seed 004 ------------------------------------------------------------------------------------------------
    "004: a colleague borrows money from a service user": Row(
        "seed 004 §1.6",
        K.CONCERN,
        "misuse-money-property",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, PO, DBS, HR},
        subjects=("colleague",),
        service_user="plain",
    ),
    "004: a worker made a remark about a service user's race": Row(
        "seed 004 §1.8",
        K.INCIDENT,
        "discrimination",
        Priority.HIGH,
        alerted=False,
        safeguarding=False,
        prompts={HR},
        service_user="plain",
    ),
    "004: a colleague encourages a service user to depend on her": Row(
        "seed 004 §1.10",
        K.CONCERN,
        "abuse-of-power",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, LP, DBS, HR},
        subjects=("colleague",),
        service_user="plain",
    ),
    "004: a worker declares an accepted gift herself": Row(
        "seed 004 §1.2",
        K.SELF_DECLARATION,
        "gifts-money",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
        details={"item": "Scarf", "from_whom": "service_user", "response": "accepted"},
    ),
    # --- seed 000 ------------------------------------------------------------------------------------------------
    "000: a home visit outside working hours": Row(
        "seed 000 §4.3",
        K.INCIDENT,
        "contact-outside-work",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
    ),
    "000: a colleague keeps contact with a service user from the team": Row(
        "seed 000 §3.8",
        K.CONCERN,
        "concealing-information",
        Priority.HIGH,
        alerted=False,
        safeguarding=False,
        prompts={HR},
        subjects=("colleague",),
    ),
    "000: a service user hugged me and I stepped back": Row(
        "seed 000 §3.9",
        K.SELF_DECLARATION,
        "physical-contact",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG},
        service_user="plain",
    ),
    "000: a request to go to a service user's family wedding": Row(
        "seed 000 §5.7–5.8",
        K.VARIATION,
        "variation-request",
        Priority.NORMAL,
        alerted=False,
        safeguarding=False,
        service_user="plain",
        details={"planned_activity": "Wedding", "when": "2099-06-01", "why": "Family"},
    ),
    # --- seed 003 ------------------------------------------------------------------------------------------------
    "003: touch without consent, with an adult at risk": Row(
        "seed 003 (consent before touch)",
        K.INCIDENT,
        "physical-contact",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, LP, PO},
        service_user="adult_at_risk",
    ),
    "003: medication given that was not prescribed": Row(
        "seed 003; seed 004 §1.5",
        K.INCIDENT,
        "substances",
        Priority.HIGH,
        alerted=False,
        safeguarding=True,
        prompts={SG, HR},
        service_user="plain",
    ),
}


def test_the_table_has_situations_from_every_source_policy():
    assert len(ROWS) >= 20
    for seed in ("000", "001", "002", "003", "004"):
        assert any(f"seed {seed}" in row.seed for row in ROWS.values()), seed


@pytest.mark.parametrize("name", list(ROWS))
def test_the_rules_decide(org, name):
    row = ROWS[name]
    for persona in row.registered:
        StaffMember.objects.filter(pk=getattr(org, persona).pk).update(registration_body="nmc", registration_number="1")
    for persona in row.apprentice:
        StaffMember.objects.filter(pk=getattr(org, persona).pk).update(employment_type="apprentice")
    service_users, carers = [], []
    if row.service_user:
        service_user = ServiceUserFactory(
            team=org.north_a,
            is_child=row.service_user == "child",
            is_adult_at_risk=row.service_user == "adult_at_risk",
        )
        service_users = [service_user]
        if row.carer:
            carers = [CarerFactory(service_user=service_user, relationship_to_service_user=row.carer)]
            if row.kind != K.VARIATION and row.category in ("service-user-sexualised-behaviour", "social-media"):
                service_users = []  # the worker names the carer or relative, not the service user
    reporter = StaffMember.objects.get(pk=getattr(org, row.reporter).pk)
    subjects = [StaffMember.objects.get(pk=getattr(org, s).pk) for s in row.subjects]

    disclosure = disclosure_file(
        reporter=reporter,
        kind=row.kind,
        category_code=row.category,
        subjects=subjects,
        service_users=service_users,
        carers=carers,
        at_risk_now=row.at_risk_now,
        details=row.details,
        confidential=row.confidential,
        narrative=name,
    )
    case = disclosure.case

    assert case.priority == row.priority
    alerts = OutboxMessage.objects.filter(template=OutboxMessage.Template.CASE_URGENT, link=f"/cases/{case.pk}/")
    assert {m.recipient for m in alerts} == ({org.safeguarding.user} if row.alerted else set())
    assert case.is_safeguarding is row.safeguarding
    assert case_list_for(org.safeguarding.user).filter(pk=case.pk).exists() is row.safeguarding
    assert set(case_prompts_raised(case=case)) == row.prompts
    assert case.is_confidential is row.confidential
    if row.alerted:
        # The timeline names who was told and why, in plain words.
        assert org.safeguarding.full_name in case.timeline.get(code="safeguarding_alerted").text
