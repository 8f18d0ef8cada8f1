"""The routing table (DESIGN §5; SECURITY-REQUIREMENTS AC-05, AC-06; docs/routing.md).

Each row files a disclosure through the real services in the persona organisation:

    director (added by some rows)
      └── senior
            └── manager
                  ├── worker
                  └── colleague
    safeguarding (lead), guardian (speak-up), hr, other_manager: outside the chain

and checks who reviews it, the flags, what the timeline says, and that nobody excluded is
the reviewer or gets an e-mail about it.
"""

from dataclasses import dataclass, field

import pytest

from cases.models import Case, Outcome, TimelineEntry
from core.roles import Role
from disclosures.tests.factories import disclosure_file
from notifications.models import OutboxMessage
from people.models import Relationship
from people.tests.factories import RelationshipFactory, ServiceUserFactory, StaffMemberFactory, UserFactory
from policies.models import DisclosureKind, Priority

K = DisclosureKind


@dataclass
class Row:
    reporter: str
    kind: str
    category: str
    reviewer: str
    subjects: tuple[str, ...] = ()
    setup: str = ""
    speak_up: bool = False
    at_risk_now: bool = False
    # Persona names that must never review or be e-mailed about the case.
    excluded: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # fragments of the routed entry; {persona} becomes a full name
    restricted_to: tuple[str, ...] = ()
    urgent_alerts: tuple[str, ...] = ()
    speak_up_case: bool = False
    propose_alternative_management: bool = False
    extra: dict = field(default_factory=dict)


ROWS = {
    "subject is the reporter's line manager": Row(
        reporter="worker",
        kind=K.CONCERN,
        category="personal-disclosure-gossip",
        subjects=("manager",),
        reviewer="senior",
        excluded=("manager", "worker"),
        reasons=("Line manager {manager} is the subject of this concern, so the case went to their manager {senior}.",),
    ),
    "subject is the manager's manager": Row(
        setup="director",
        reporter="worker",
        kind=K.CONCERN,
        category="personal-disclosure-gossip",
        subjects=("senior",),
        reviewer="director",
        excluded=("senior", "worker"),
        reasons=("{director} reviews the case as the line manager of {senior}, the subject of this concern.",),
    ),
    "reviewer would be a party to the relationship": Row(
        reporter="worker",
        kind=K.SELF_DECLARATION,
        category="relationship-between-workers",
        subjects=("manager",),
        reviewer="senior",
        excluded=("manager", "worker"),
        reasons=("Line manager {manager} is a party to the relationship, so the case went to their manager {senior}.",),
        restricted_to=("worker", "manager", "senior"),
        propose_alternative_management=True,
    ),
    "reporter is a line manager": Row(
        reporter="manager",
        kind=K.CONCERN,
        category="personal-disclosure-gossip",
        subjects=("worker",),
        reviewer="senior",
        excluded=("manager", "worker"),
        reasons=("Line manager {manager} raised this concern, so the case went to their manager {senior}.",),
    ),
    "nobody left in the chain": Row(
        setup="senior_partners_manager",
        reporter="manager",
        kind=K.SELF_DECLARATION,
        category="gifts-money",
        reviewer="safeguarding",
        excluded=("manager", "senior"),
        reasons=(
            "Line manager {senior} has a declared close relationship with {manager}, and nobody above them",
            "The case went to safeguarding lead {safeguarding}.",
        ),
    ),
    "subject has nobody above them": Row(
        reporter="worker",
        kind=K.CONCERN,
        category="personal-disclosure-gossip",
        subjects=("senior",),
        reviewer="safeguarding",
        excluded=("senior", "worker"),
        reasons=("{senior}, the subject of this concern, has no line manager on record.",),
    ),
    "speak-up route": Row(
        reporter="worker",
        kind=K.CONCERN,
        category="personal-disclosure-gossip",
        subjects=("manager",),
        speak_up=True,
        reviewer="guardian",
        excluded=("manager", "worker", "senior"),
        reasons=("speak-up guardian {guardian} reviews it; only the guardian can see who raised it.",),
        speak_up_case=True,
    ),
    "restricted relationship between colleagues": Row(
        reporter="worker",
        kind=K.SELF_DECLARATION,
        category="relationship-between-workers",
        subjects=("colleague",),
        reviewer="manager",
        excluded=("colleague", "worker"),
        reasons=("{manager} reviews the case as the line manager of {worker}, who filed it.",),
        restricted_to=("worker", "colleague", "manager"),
    ),
    "inactive manager is skipped": Row(
        setup="manager_inactive",
        reporter="worker",
        kind=K.SELF_DECLARATION,
        category="gifts-money",
        reviewer="senior",
        excluded=("manager", "worker"),
        reasons=("Line manager {manager} is no longer active, so the case went to their manager {senior}.",),
    ),
    "urgent category alerts the safeguarding lead": Row(
        reporter="worker",
        kind=K.SELF_DECLARATION,
        category="sexual-boundaries",
        reviewer="manager",
        excluded=("worker",),
        urgent_alerts=("safeguarding",),
    ),
    "someone at risk now makes any case urgent": Row(
        reporter="worker",
        kind=K.INCIDENT,
        category="contact-outside-work",
        at_risk_now=True,
        reviewer="manager",
        excluded=("worker",),
        urgent_alerts=("safeguarding",),
    ),
    "a manager with a close relationship to the subject is skipped": Row(
        setup="manager_partners_colleague",
        reporter="worker",
        kind=K.CONCERN,
        category="personal-disclosure-gossip",
        subjects=("colleague",),
        reviewer="senior",
        excluded=("manager", "colleague", "worker"),
        reasons=("Line manager {manager} has a declared close relationship with {colleague}",),
    ),
    "a conflicted safeguarding lead is passed over for another": Row(
        setup="second_lead_and_conflicted_first",
        reporter="worker",
        kind=K.CONCERN,
        category="sexual-boundaries",
        subjects=("senior",),
        reviewer="lead2",
        excluded=("senior", "worker", "safeguarding"),
        urgent_alerts=(),
    ),
}


def _setup(org, name: str) -> None:
    if name == "director":
        org.director = StaffMemberFactory(
            user=UserFactory(username="director", roles=[Role.WORKER, Role.SENIOR_MANAGER]), team=org.north
        )
        org.senior.line_manager = org.director
        org.senior.save()
    elif name == "senior_partners_manager":
        RelationshipFactory(
            staff=org.senior,
            counterpart=Relationship.Counterpart.COLLEAGUE,
            service_user=None,
            colleague=org.manager,
            kind=Relationship.Kind.PARTNER,
        )
    elif name == "manager_partners_colleague":
        RelationshipFactory(
            staff=org.manager,
            counterpart=Relationship.Counterpart.COLLEAGUE,
            service_user=None,
            colleague=org.colleague,
            kind=Relationship.Kind.ROMANTIC,
        )
    elif name == "manager_inactive":
        org.manager.is_active = False
        org.manager.save()
    elif name == "second_lead_and_conflicted_first":
        org.lead2 = StaffMemberFactory(
            user=UserFactory(username="lead2", roles=[Role.WORKER, Role.SAFEGUARDING_LEAD]), team=org.central
        )
        # The first lead is married to the senior manager the concern is about.
        RelationshipFactory(
            staff=org.safeguarding,
            counterpart=Relationship.Counterpart.COLLEAGUE,
            service_user=None,
            colleague=org.senior,
            kind=Relationship.Kind.PARTNER,
        )


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_routing_table(org, row):
    """AC-05, AC-06: the right reviewer every time, conflicts excluded, reasons on the timeline."""
    if row.setup:
        _setup(org, row.setup)
    person = lambda name: getattr(org, name)  # noqa: E731
    names = {n: person(n).full_name for n in vars(org) if hasattr(person(n), "full_name")}

    disclosure = disclosure_file(
        reporter=person(row.reporter),
        kind=row.kind,
        category_code=row.category,
        subjects=[person(s) for s in row.subjects],
        speak_up=row.speak_up,
        at_risk_now=row.at_risk_now,
        narrative="CANARY-routing-table",
    )
    case = disclosure.case

    assert case.reviewer == person(row.reviewer)
    assert case.status == Case.Status.NEW
    routed = case.timeline.get(code=TimelineEntry.Code.ROUTED).text
    for fragment in row.reasons:
        assert fragment.format(**names) in routed
    # Nobody excluded reviews the case or is told about it (AC-05: the e-mail channel).
    mailed = set(OutboxMessage.objects.filter(link=f"/cases/{case.pk}/").values_list("recipient", flat=True))
    for name in row.excluded:
        assert case.reviewer != person(name), name
        assert person(name).user.pk not in mailed, name
    assert person(row.reviewer).user.pk in mailed

    assert case.is_restricted is bool(row.restricted_to)
    if row.restricted_to:
        assert set(case.restricted_to.all()) == {person(n) for n in row.restricted_to}
    assert case.is_speak_up is row.speak_up_case
    if row.speak_up_case:
        # The reporter's identity is visible to the guardian only: never on the timeline.
        for entry in case.timeline.all():
            assert person(row.reporter).full_name not in entry.text
    proposed = case.timeline.filter(code=TimelineEntry.Code.ACTION_PROPOSED)
    assert proposed.exists() is row.propose_alternative_management
    if row.propose_alternative_management:
        assert "alternative management arrangement" in proposed.get().text

    urgent = OutboxMessage.objects.filter(template=OutboxMessage.Template.CASE_URGENT, link=f"/cases/{case.pk}/")
    assert {m.recipient for m in urgent} == {person(n).user for n in row.urgent_alerts}
    if row.urgent_alerts or row.at_risk_now or row.category == "sexual-boundaries":
        assert case.priority == Priority.URGENT
        assert case.is_safeguarding


def test_routing_table_covers_every_routing_rule():
    """Every routing rule of DESIGN §5 has a row in the table (AC-05)."""
    required = {
        "subject is the reporter's line manager",
        "subject is the manager's manager",
        "reviewer would be a party to the relationship",
        "reporter is a line manager",
        "nobody left in the chain",
        "speak-up route",
        "restricted relationship between colleagues",
        "inactive manager is skipped",
        "urgent category alerts the safeguarding lead",
    }
    assert required <= set(ROWS)


def test_the_least_busy_safeguarding_lead_takes_a_case_nobody_in_the_chain_can(org):
    """AC-05: with several leads, the one with fewest open cases, ties by pk."""
    busy = org.safeguarding
    free = StaffMemberFactory(
        user=UserFactory(username="lead_free", roles=[Role.WORKER, Role.SAFEGUARDING_LEAD]), team=org.central
    )
    # The busy lead already reviews one open case (senior has no manager, so it goes to a lead).
    first = disclosure_file(reporter=org.worker, kind=K.CONCERN, category_code="discrimination", subjects=[org.senior])
    assert first.case.reviewer == busy  # tie on zero cases: lowest pk
    second = disclosure_file(
        reporter=org.colleague, kind=K.CONCERN, category_code="concealing-information", subjects=[org.senior]
    )
    assert second.case.reviewer == free


def test_a_second_disclosure_about_the_same_people_is_attached_to_the_open_case(org):
    """DESIGN §3: one case per situation; the timeline says "attached"."""
    service_user = ServiceUserFactory(team=org.north_a)
    first = disclosure_file(reporter=org.worker, service_users=[service_user])
    second = disclosure_file(reporter=org.worker, service_users=[service_user], narrative="It happened again.")

    assert second.case == first.case
    assert Case.objects.count() == 1
    attached = first.case.timeline.get(code=TimelineEntry.Code.ATTACHED)
    assert second.reference in attached.text
    assert "attached" in attached.text
    assert set(first.case.disclosures.all()) == {first, second}


def test_a_disclosure_about_other_people_opens_its_own_case(org):
    first = disclosure_file(reporter=org.worker, service_users=[ServiceUserFactory(team=org.north_a)])
    second = disclosure_file(reporter=org.worker, service_users=[ServiceUserFactory(team=org.north_a)])
    assert first.case != second.case


def test_a_closed_case_is_not_reopened_by_a_new_disclosure(org):
    service_user = ServiceUserFactory(team=org.north_a)
    first = disclosure_file(reporter=org.worker, service_users=[service_user])
    case = first.case
    case.status = Case.Status.CLOSED
    case.outcome = Outcome.NO_FURTHER_ACTION
    case.closed_at = case.opened_at
    case.save()
    second = disclosure_file(reporter=org.worker, service_users=[service_user])
    assert second.case != case


def test_a_disclosure_is_not_attached_to_a_case_its_reviewer_may_not_see(org):
    """AC-05: attaching must not hand a concern to someone conflicted with it."""
    service_user = ServiceUserFactory(team=org.north_a)
    # The colleague self-declares; the manager reviews.
    first = disclosure_file(reporter=org.colleague, category_code="gifts-money", service_users=[service_user])
    assert first.case.reviewer == org.manager
    # The manager then raises a concern about the colleague over the same gift: the manager
    # is the reporter, so the concern cannot join the case the manager reviews.
    second = disclosure_file(
        reporter=org.manager,
        kind=K.CONCERN,
        category_code="gifts-money",
        subjects=[org.colleague],
        service_users=[service_user],
    )
    assert second.case != first.case
    assert second.case.reviewer == org.senior
    assert "a new case was opened" in second.case.timeline.get(code=TimelineEntry.Code.ROUTED).text
