"""The demo organisation's policies for `manage.py seed_demo` (a step in demo.management.commands.seed_demo.DEMO_STEPS).

Two documents shipped in demo/policy_documents/ are imported through the same service as `manage.py import_policy`
and the import page (policy_version_import reads the version, approval and review dates from the document
itself), published a few days after the Board approved them, linked to the taxonomy through
category_policy_sections_set, and acknowledged by most staff through policy_acknowledge, each on the day it
happened (time-machine). The demo `worker` and a few others have not read the current boundaries policy yet,
so the worker has a policy waiting and the managers' compliance pages show gaps. The social media guidance
falls due for review four weeks after ANCHOR_DATE, so the reviews-due page has an entry.

Idempotent: a policy that already exists is left alone, with its links and acknowledgements.
"""

import datetime
import random
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth import get_user_model

from demo.context import ANCHOR_DATE, DemoContext
from people.models import StaffMember
from policies.models import BoundaryCategory, Policy, PolicySection, PolicyVersion, Rule
from policies.parsing import parse_policy
from policies.services import (
    category_policy_sections_set,
    policy_acknowledge,
    policy_version_import,
    policy_version_publish,
    rule_policy_sections_set,
)

DOCUMENTS = Path(__file__).resolve().parent / "policy_documents"
LONDON = ZoneInfo("Europe/London")
BOUNDARIES = "Riverside Care Partnership — Professional Boundaries Policy"
SOCIAL_MEDIA = "Riverside Care Partnership — Social Media Guidance"
# The demo logins other than `worker` keep up with their reading; the gaps fall on other staff.
ALWAYS_ACKNOWLEDGE = {"manager", "senior", "safeguarding", "hr", "guardian"}


@dataclass(frozen=True)
class DemoPolicy:
    title: str
    filename: str
    published_after_days: int  # after the Board's approval date (read from the document)
    reading_days: int  # most staff acknowledge within this many days of publication
    not_read: int  # how many staff besides the ones named have not acknowledged it
    not_read_by: tuple[str, ...] = ()  # usernames who have not acknowledged it


POLICIES = (
    DemoPolicy(BOUNDARIES, "professional-boundaries-policy.md", 5, 40, not_read=7, not_read_by=("worker",)),
    DemoPolicy(SOCIAL_MEDIA, "social-media-guidance.md", 6, 45, not_read=2),
)

# Each category of the taxonomy (migration 0002) and the clauses that govern it: (policy title, number).
B, S = BOUNDARIES, SOCIAL_MEDIA
CATEGORY_SECTIONS = {
    "prior-relationship": [(B, "4.1.1"), (B, "4.1.2")],
    "related-to-service-user": [(B, "4.2.1"), (B, "4.2.2")],
    "attachment-feelings": [(B, "4.3.1"), (B, "4.3.2"), (B, "4.3.3")],
    "friendship": [(B, "4.4.1"), (B, "4.4.2")],
    "gifts-money": [(B, "5.1.1"), (B, "5.1.2"), (B, "5.1.4"), (B, "5.2.1")],
    "contact-outside-work": [(B, "6.1.1"), (B, "6.1.2"), (B, "6.1.3")],
    "social-media": [(B, "6.2.1"), (B, "6.2.2"), (S, "3.1"), (S, "3.2")],
    "physical-contact": [(B, "7.1.1"), (B, "7.1.2"), (B, "7.1.3")],
    "sexual-boundaries": [(B, "7.2.1"), (B, "7.2.2"), (B, "7.2.3")],
    "service-user-sexualised-behaviour": [(B, "7.3.1"), (B, "7.3.2"), (S, "6.1")],
    "personal-disclosure-gossip": [(B, "6.3.1"), (B, "6.3.2")],
    "concealing-information": [(B, "6.4.2"), (B, "6.4.3")],
    "influence-beliefs": [(B, "8.1.1"), (B, "8.1.2")],
    "advice-beyond-role": [(B, "8.2.1"), (B, "8.2.3")],
    "misuse-money-property": [(B, "5.3.1"), (B, "5.3.2"), (B, "5.3.3")],
    "substances": [(B, "8.4.1"), (B, "8.4.2")],
    "care-outside-plan": [(B, "8.3.1"), (B, "8.3.2")],
    "abuse-of-power": [(B, "8.5.1"), (B, "8.5.2")],
    "discrimination": [(B, "8.6.1"), (B, "8.6.2")],
    "relationship-between-workers": [(B, "9.2"), (B, "9.3")],
    "former-service-user": [(B, "4.5.1"), (B, "4.5.2"), (S, "3.5")],
    "variation-request": [(B, "10.1"), (B, "10.2")],
}


# The rules (policies migration 0010) and the clauses behind them, by rule name: all in the boundaries policy.
RULE_SECTIONS = {
    "Sexualised behaviour": ["7.2.2", "7.3.1", "7.3.3"],
    "Someone at risk of harm now": ["11.4", "12.1"],
    "A child or an adult at risk is involved": ["7.2.4", "12.4"],
    "The manager finds a child or an adult at risk involved": ["12.4"],
    "Touch, money, substances, care outside the plan, power": ["7.1.1", "5.3.1", "8.4.3", "8.3.1", "8.5.2"],
    "Hiding things from colleagues, discrimination": ["6.4.3", "8.6.2"],
    "A sexual element": ["7.2.3"],
    "A financial element": ["5.2.2"],
    "Police: sexual abuse alleged against a member of staff": ["7.2.3"],
    "Police: a sexual element found in a member of staff's conduct": ["7.2.3"],
    "Police: financial abuse alleged against a member of staff": ["12.4"],
    "Police: physical abuse alleged against a member of staff": ["7.1.1", "12.4"],
    "Disciplinary: a member of staff's conduct is in question": ["12.7"],
    "Disciplinary: a gift or money accepted": ["5.1.1", "12.7"],
    "Disciplinary: it has happened before": ["12.7"],
    "Disciplinary: a high risk": ["12.7"],
    "Disciplinary: referred to HR": ["12.4"],
    "Regulator: a registered professional": ["7.2.3", "12.4"],
    "Regulator: a high risk, registered professional": ["12.4"],
    "LADO or PiPoT: a person in a position of trust, a child or an adult at risk": ["12.4"],
    "LADO or PiPoT: sexual boundaries or abuse of power by a member of staff": ["12.4"],
    "LADO or PiPoT: touch by a member of staff": ["12.4"],
    "DBS: removal after harm": ["7.2.3", "12.4"],
    "DBS: sexual boundaries, money or power": ["7.2.3", "12.4"],
    "Serious incident: high risk to a child or an adult at risk": ["12.4"],
    "Serious incident: sexual boundaries crossed by a member of staff": ["12.4"],
}


def seed_policies(ctx: DemoContext) -> str:
    """The boundaries policy and the social media guidance: published, linked to every category, mostly acknowledged."""
    actor = get_user_model().objects.get(username="admin")
    made = []
    for spec in POLICIES:
        if Policy.objects.filter(title__iexact=spec.title).exists():
            continue
        version = _import_and_publish(spec, actor=actor)
        _link_categories(version, actor=actor)
        if spec.title == BOUNDARIES:
            _link_rules(version, actor=actor)
        _acknowledge(spec, version, rng=ctx.rng(f"policies: {spec.filename}"))
        made.append(spec.title)
    return f"policies: {len(POLICIES)} published and linked to the taxonomy ({len(made)} new)"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def _working_day(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _import_and_publish(spec: DemoPolicy, *, actor) -> PolicyVersion:
    source = (DOCUMENTS / spec.filename).read_bytes()
    # The approval date as the import will read it, so the version is published when it happened.
    approved = parse_policy(source).approved_date
    day = _working_day(approved + datetime.timedelta(days=spec.published_after_days))
    with time_machine.travel(_at(day, 10), tick=False):
        version = policy_version_import(title=spec.title, source=source, actor=actor, source_name=spec.filename).version
        policy_version_publish(version=version, actor=actor)
    version.refresh_from_db()
    return version


def _link_categories(version: PolicyVersion, *, actor) -> None:
    sections = {s.number: s for s in version.sections.all()}
    title = version.policy.title
    for category in BoundaryCategory.objects.filter(code__in=CATEGORY_SECTIONS).order_by("order"):
        wanted = [number for policy, number in CATEGORY_SECTIONS[category.code] if policy == title]
        if not wanted:
            continue
        missing = [number for number in wanted if number not in sections]
        if missing:  # the document and the table above are shipped together; they must agree
            raise ValueError(f"{title} has no section {', '.join(missing)} for the category {category.code}.")
        current = list(category.policy_sections.all())
        new: list[PolicySection] = [sections[number] for number in wanted]
        category_policy_sections_set(category=category, sections=current + new, actor=actor)


def _link_rules(version: PolicyVersion, *, actor) -> None:
    sections = {s.number: s for s in version.sections.all()}
    for rule in Rule.objects.filter(name__in=RULE_SECTIONS):
        missing = [number for number in RULE_SECTIONS[rule.name] if number not in sections]
        if missing:  # shipped together with the document: they must agree
            raise ValueError(f"{version.policy.title} has no section {', '.join(missing)} for the rule {rule.name}.")
        rule_policy_sections_set(rule=rule, sections=[sections[n] for n in RULE_SECTIONS[rule.name]], actor=actor)


def _acknowledge(spec: DemoPolicy, version: PolicyVersion, *, rng: random.Random) -> None:
    published = version.published_at.astimezone(LONDON).date()
    staff = list(StaffMember.objects.filter(is_active=True).select_related("user").order_by("staff_number"))
    candidates = [
        s for s in staff if s.user.username not in ALWAYS_ACKNOWLEDGE and s.user.username not in spec.not_read_by
    ]
    not_read = set(spec.not_read_by) | {s.user.username for s in rng.sample(candidates, spec.not_read)}
    for member in staff:
        if member.user.username in not_read:
            continue
        first_day = max(published, member.start_date) + datetime.timedelta(days=1)
        day = _working_day(first_day + datetime.timedelta(days=rng.randint(0, spec.reading_days)))
        day = min(day, ANCHOR_DATE - datetime.timedelta(days=1))
        with time_machine.travel(_at(day, rng.randint(8, 17), rng.randint(0, 59)), tick=False):
            policy_acknowledge(version=version, user=member.user)
