"""Demo disclosures for `manage.py seed_demo` (a step in demo.management.commands.seed_demo.DEMO_STEPS).

A few disclosures of every kind, filed through the same services the form uses (draft, then submit),
so each one is routed to a case, audited and history-tracked like a real one. Idempotent: a planned
disclosure whose reporter already has one with the same narrative is skipped.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from cases.services import variation_decide
from demo.context import ANCHOR_DATE, DemoContext
from disclosures.models import Disclosure
from disclosures.services import disclosure_draft_save, disclosure_submit
from people.models import ServiceUser, StaffMember
from policies.models import BoundaryCategory


@dataclass(frozen=True)
class DisclosureSpec:
    reporter: int  # 0 is the demo "worker"; 1, 2, 3 are colleagues in the same team
    kind: str
    category: str
    narrative: str
    details: dict = field(default_factory=dict)
    service_users: tuple[int, ...] = ()  # indexes into the team's current service users
    subjects: tuple[int, ...] = ()  # indexes into the reporters list
    days_ago: int = 3
    location: str = ""
    immediate_action: str = ""
    at_risk_now: bool = False
    speak_up: bool = False
    submit: bool = True


PLAN = (
    DisclosureSpec(
        0,
        "self_declaration",
        "gifts-money",
        "At the end of my visit the service user tried to give me a £20 note for my birthday. "
        "I thanked them and declined.",
        {"item": "A £20 note", "approx_value": "20", "from_whom": "service_user", "response": "declined"},
        service_users=(0,),
        days_ago=6,
    ),
    DisclosureSpec(
        0,
        "incident",
        "physical-contact",
        "While I was helping the service user into the car they hugged me and would not let go. I gently stepped back.",
        service_users=(1,),
        location="Outside the service user's home",
        immediate_action="I explained I could not hug, and told the shift leader when I got back.",
        days_ago=2,
    ),
    DisclosureSpec(
        0,
        "self_declaration",
        "social-media",
        "I have had a friend request on Facebook from a service user's daughter. I have not accepted it yet.",
        {"platform": "facebook", "what_happened": "request_received"},
        service_users=(2,),
        submit=False,  # a draft, so the demo shows "finish a draft later"
    ),
    DisclosureSpec(
        1,
        "self_declaration",
        "prior-relationship",
        "A new service user on my patch is my neighbour's father; I have known the family for years.",
        {"kind": "friend", "since": "2015-06-01", "began": "before"},
        service_users=(3,),
        days_ago=10,
    ),
    DisclosureSpec(
        2,
        "concern",
        "social-media",
        "I saw a colleague sharing photos of a service user's birthday party on Instagram.",
        {"platform": "instagram", "what_happened": "post"},
        service_users=(4,),
        subjects=(3,),
        immediate_action="Nothing yet.",
        speak_up=True,
        days_ago=4,
    ),
    DisclosureSpec(
        3,
        "variation",
        "variation-request",
        "The family agree and the service user has asked for it many times.",
        {
            "planned_activity": "Take the service user to a home football match, with a second worker.",
            "when": (ANCHOR_DATE + datetime.timedelta(days=20)).isoformat(),
            "why": "They have not been out for months and football is what they love.",
        },
        service_users=(5,),
        days_ago=1,
    ),
)


# A plan decided with conditions before its date (seed 000 §5.7–5.8: "risk assessed, any necessary
# safeguards agreed with the line manager and a record kept"), so the demo worker sees a decision and
# the conditions as actions of theirs.
ALLOTMENT = "He has asked to see where the vegetables for the day centre come from."
ALLOTMENT_CONDITIONS = "Go with a second member of staff\nUse the day-centre minibus, not your own car"


def seed_variation_decision(ctx: DemoContext) -> str:
    """The demo worker's allotment trip, filed and decided with conditions by their manager."""
    worker = StaffMember.objects.select_related("user", "line_manager__user").get(user__username="worker")
    if Disclosure.objects.filter(reporter=worker, narrative=ALLOTMENT).exists():
        return "Variation decision: already there."
    service_user = (
        ServiceUser.objects.filter(team=worker.team, status=ServiceUser.Status.CURRENT).order_by("pk").first()
    )
    when = max(ANCHOR_DATE, timezone.localdate()) + datetime.timedelta(days=12)
    disclosure = disclosure_draft_save(
        reporter=worker,
        kind="variation",
        category=BoundaryCategory.objects.get(code="variation-request"),
        narrative=ALLOTMENT,
        details={
            "planned_activity": "A day-centre trip to my allotment with two service users.",
            "when": when.isoformat(),
            "why": "They enjoy the garden and it links to the day centre's cooking group.",
        },
        service_users=[service_user] if service_user else [],
    )
    disclosure = disclosure_submit(disclosure=disclosure, actor=worker.user)
    variation_decide(
        case=disclosure.case,
        actor=disclosure.case.reviewer.user,
        decision="agreed_with_conditions",
        reason="A good idea for them. It goes ahead with these safeguards.",
        conditions=ALLOTMENT_CONDITIONS,
    )
    return "Variation decision: the allotment trip agreed with two conditions."


def seed_disclosures(ctx: DemoContext) -> str:
    """A few disclosures of every kind by the demo worker and their teammates, and one draft."""
    worker = StaffMember.objects.select_related("team").get(user__username="worker")
    teammates = list(
        StaffMember.objects.filter(team=worker.team, is_active=True, line_manager=worker.line_manager)
        .exclude(pk=worker.pk)
        .order_by("staff_number")[:3]
    )
    reporters = [worker, *teammates]
    service_users = list(
        ServiceUser.objects.filter(team=worker.team, status=ServiceUser.Status.CURRENT).order_by("reference")
    ) or list(ServiceUser.objects.filter(status=ServiceUser.Status.CURRENT).order_by("reference"))
    made = 0
    for spec in PLAN:
        if spec.reporter >= len(reporters) or any(i >= len(reporters) for i in spec.subjects):
            continue
        reporter = reporters[spec.reporter]
        if Disclosure.objects.filter(reporter=reporter, narrative=spec.narrative).exists():
            continue
        disclosure = disclosure_draft_save(
            reporter=reporter,
            kind=spec.kind,
            category=BoundaryCategory.objects.get(code=spec.category),
            occurred_date=ANCHOR_DATE - datetime.timedelta(days=spec.days_ago) if spec.kind != "variation" else None,
            location=spec.location,
            narrative=spec.narrative,
            immediate_action=spec.immediate_action,
            at_risk_now=spec.at_risk_now,
            details=spec.details,
            subjects=[reporters[i] for i in spec.subjects],
            service_users=[service_users[i % len(service_users)] for i in spec.service_users] if service_users else [],
            speak_up=spec.speak_up,
            good_faith_confirmed=spec.kind == "concern",
        )
        if spec.submit:
            disclosure_submit(disclosure=disclosure, actor=reporter.user)
        made += 1
    return f"Disclosures: {made} filed ({Disclosure.objects.count()} in all, drafts included)."
