"""The demo's gifts and actions for the registers (docs/registers.md, docs/demo.md): a step in
demo.management.commands.seed_demo.DEMO_STEPS.

One giver – a carer or relative of a service user in the demo worker's team – gives to two workers: a box of
chocolates to the demo "worker" (under settings.GIFT_DECISION_THRESHOLD) and £200 in cash to a teammate (over
it, so the demo "manager" decides: returned). The manager agrees an action owned by the demo worker, so
"worker" sees "My actions". Filed and decided through the services the pages use. Idempotent: a gift whose
reporter already filed it, a decision already made and an action already agreed are skipped.
"""

import datetime

from cases import services as case_services
from cases.models import Action, ActionTemplate, GiftDecision
from cases.selectors import case_gifts_undecided
from demo.context import ANCHOR_DATE, DemoContext
from disclosures.models import Disclosure
from disclosures.services import disclosure_draft_save, disclosure_submit
from people.models import CarerOrRelative, ServiceUser, StaffMember
from policies.models import BoundaryCategory, DisclosureKind

CHOCOLATES = "The service user's daughter left a box of chocolates for me at the end of my visit. I said thank you."
CASH = (
    "The service user's daughter pressed an envelope with £200 in it into my hand as I left, to say thank you "
    "for looking after her mother. I did not want to upset her, so I took it and am telling you straight away."
)
DECISION_NOTE = "Returned to the daughter with a thank-you card; the team explained why staff cannot keep cash."
ACTION_DETAILS = "Talk through gifts from families in your next supervision, and what to say when one is offered."


def _giver(worker: StaffMember) -> CarerOrRelative | None:
    """The first carer or relative of a current service user in the worker's team (by care-record reference)."""
    return (
        CarerOrRelative.objects.filter(service_user__team=worker.team, service_user__status=ServiceUser.Status.CURRENT)
        .select_related("service_user")
        .order_by("service_user__reference", "pk")
        .first()
    )


def _file_gift(reporter: StaffMember, carer: CarerOrRelative, *, narrative: str, details: dict, days_ago: int):
    existing = Disclosure.objects.filter(reporter=reporter, narrative=narrative).first()
    if existing is not None:
        return existing, False
    draft = disclosure_draft_save(
        reporter=reporter,
        kind=DisclosureKind.SELF_DECLARATION,
        category=BoundaryCategory.objects.get(code="gifts-money"),
        occurred_date=ANCHOR_DATE - datetime.timedelta(days=days_ago),
        narrative=narrative,
        immediate_action="I told my line manager.",
        details=details,
        service_users=[carer.service_user],
        carers=[carer],
    )
    return disclosure_submit(disclosure=draft, actor=reporter.user), True


def seed_gifts_and_actions(ctx: DemoContext) -> str:
    """A giver with gifts to two workers (one over the threshold, decided) and an action owned by the worker."""
    worker = StaffMember.objects.select_related("team", "line_manager__user").get(user__username="worker")
    teammate = (
        StaffMember.objects.filter(team=worker.team, is_active=True, line_manager=worker.line_manager)
        .exclude(pk=worker.pk)
        .order_by("staff_number")
        .first()
    )
    carer = _giver(worker)
    if teammate is None or carer is None or worker.line_manager is None:
        return "Gifts and actions: skipped (no teammate or carer in the demo worker's team)."
    manager = worker.line_manager.user
    made = []
    chocolates, new = _file_gift(
        worker,
        carer,
        narrative=CHOCOLATES,
        details={"item": "A box of chocolates", "approx_value": "12", "from_whom": "carer", "response": "accepted"},
        days_ago=40,
    )
    made += ["a gift under the threshold"] if new else []
    cash, new = _file_gift(
        teammate,
        carer,
        narrative=CASH,
        details={"item": "£200 in an envelope", "approx_value": "200", "from_whom": "carer", "response": "accepted"},
        days_ago=9,
    )
    made += ["a gift over it"] if new else []
    if any(g.reference == cash.reference for g in case_gifts_undecided(case=cash.case)):
        case_services.case_gift_decide(
            case=cash.case,
            actor=manager,
            disclosure_reference=cash.reference,
            decision=GiftDecision.Decision.RETURN,
            note=DECISION_NOTE,
        )
        made.append("its decision")
    supervision = ActionTemplate.objects.get(code="supervision")
    case = chocolates.case
    if not Action.objects.filter(case=case, owner=worker, template=supervision).exists():
        case_services.action_add(case=case, actor=manager, template=supervision, owner=worker, details=ACTION_DETAILS)
        made.append("an action for the worker")
    return f"Gifts and actions: {', '.join(made) if made else 'nothing new'}."
