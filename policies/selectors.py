"""Reads for the policy library: what a user may see, what waits for them, compliance figures."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.cache import shared_data
from core.roles import Role, has_role
from people.models import StaffMember
from people.selectors import staff_for, staff_reports_below
from policies.models import (
    PRIORITY_RANK,
    Acknowledgement,
    BoundaryCategory,
    DisclosureKind,
    Part,
    Policy,
    PolicySection,
    PolicyVersion,
    Priority,
    Rule,
    Situation,
    StatutoryPrompt,
)
from policies.permissions import can_manage_policies

ACTIVE = PolicyVersion.Status.ACTIVE


def policy_list_for(user) -> QuerySet[Policy]:
    """Policies the user may open: those with an active version; administrators also see drafts-only ones."""
    policies = Policy.objects.all()
    if not can_manage_policies(user):
        policies = policies.filter(versions__status=ACTIVE)
    active = PolicyVersion.objects.filter(status=ACTIVE)
    if user.is_authenticated:
        active = active.annotate(acknowledged=Exists(Acknowledgement.objects.filter(version=OuterRef("pk"), user=user)))
    return policies.prefetch_related(Prefetch("versions", queryset=active, to_attr="active_versions")).distinct()


def policy_version_list_for(user, *, policy: Policy) -> QuerySet[PolicyVersion]:
    """A policy's versions the user may open: published ones; administrators also drafts. Newest first."""
    versions = policy.versions.select_related("published_by").order_by("-created_at", "-pk")
    if not can_manage_policies(user):
        versions = versions.exclude(status=PolicyVersion.Status.DRAFT)
    return versions


def policy_version_visible_to(user) -> QuerySet[PolicyVersion]:
    """Every version the user may open: published ones of any policy; administrators also drafts."""
    versions = PolicyVersion.objects.select_related("policy")
    if not can_manage_policies(user):
        versions = versions.exclude(status=PolicyVersion.Status.DRAFT)
    return versions


def policy_version_active(*, policy: Policy) -> PolicyVersion | None:
    """The policy's active version, if it has one."""
    return policy.versions.filter(status=ACTIVE).first()


def policy_versions_awaiting_acknowledgement(*, user) -> QuerySet[PolicyVersion]:
    """Active versions this user has not acknowledged yet (none for accounts without a staff record)."""
    if staff_for(user) is None:
        return PolicyVersion.objects.none()
    return (
        PolicyVersion.objects.filter(status=ACTIVE)
        .exclude(acknowledgements__user=user)
        .select_related("policy")
        .order_by("policy__title")
    )


def acknowledgement_get(*, user, version: PolicyVersion) -> Acknowledgement | None:
    """The user's acknowledgement of this version, if any."""
    if not user.is_authenticated:
        return None
    return Acknowledgement.objects.filter(user=user, version=version).first()


def category_guidance_sections(*, category: BoundaryCategory) -> list[PolicySection]:
    """The sections linked to a category, from active versions only, in policy then document order.

    The same for everyone: kept per process and dropped when a policy, a version, a section or a
    category changes (core.cache)."""

    def load() -> list[PolicySection]:
        return list(
            category.policy_sections.filter(version__status=ACTIVE)
            .select_related("version__policy")
            .order_by("version__policy__title", "order")
        )

    return shared_data(
        f"policies.guidance.{category.pk}", load, models=[BoundaryCategory, Policy, PolicyVersion, PolicySection]
    )


def policy_versions_review_due(*, within_days: int = 30, today: datetime.date | None = None) -> QuerySet[PolicyVersion]:
    """Active versions whose next review date is past or within `within_days` days, soonest first."""
    today = today or timezone.localdate()
    return (
        PolicyVersion.objects.filter(status=ACTIVE, next_review_date__lte=today + datetime.timedelta(days=within_days))
        .select_related("policy")
        .order_by("next_review_date", "policy__title")
    )


def compliance_staff_for(user) -> QuerySet[StaffMember]:
    """Whose acknowledgements a user may see: administrators everyone; managers the people below them."""
    if has_role(user, Role.ADMINISTRATOR):
        return StaffMember.objects.all()
    staff = getattr(user, "staff", None)
    if staff is not None and (has_role(user, Role.LINE_MANAGER) or has_role(user, Role.SENIOR_MANAGER)):
        return staff_reports_below(manager=staff)
    return StaffMember.objects.none()


@dataclass(frozen=True)
class ComplianceRow:
    team_id: int
    team_name: str
    version_id: int
    policy_id: int
    policy_title: str
    version_label: str
    staff_count: int
    acknowledged_count: int

    @property
    def outstanding_count(self) -> int:
        return self.staff_count - self.acknowledged_count

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged_count / self.staff_count) if self.staff_count else 100


COMPLIANCE_DEFINITION = (
    "Compliance is counted at one moment. A team's members are the staff whose record is in that team "
    "and who were working on that day (started on or before it, not left before it). The policies counted "
    "are the versions in force at that moment (published, not yet replaced by a newer version). An "
    "acknowledgement counts if that person made it for that version by that moment."
)


def compliance_members(*, staff_qs: QuerySet[StaffMember], at: datetime.datetime) -> QuerySet[StaffMember]:
    """Who counts as a team member at `at` (COMPLIANCE_DEFINITION)."""
    day = timezone.localtime(at - datetime.timedelta(microseconds=1)).date()
    still_there = Q(is_active=True, end_date__isnull=True) | Q(end_date__gte=day)
    return staff_qs.filter(still_there, start_date__lte=day)


def compliance_versions(*, at: datetime.datetime) -> QuerySet[PolicyVersion]:
    """The policy versions in force at `at` (COMPLIANCE_DEFINITION)."""
    return PolicyVersion.objects.exclude(status=PolicyVersion.Status.DRAFT).filter(
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=at), published_at__lte=at
    )


def acknowledgement_compliance(
    *, staff_qs: QuerySet[StaffMember], at: datetime.datetime | None = None
) -> list[ComplianceRow]:
    """Per team and per policy version in force: the team's members in `staff_qs` and how many had
    acknowledged it, all at the moment `at` (now by default). The one definition (COMPLIANCE_DEFINITION)
    used by the compliance page (managers and administrators) and by the quarterly report.

    Three queries whatever the number of staff (counts are database aggregates)."""
    at = at or timezone.now()
    staff_qs = compliance_members(staff_qs=staff_qs, at=at)
    teams = list(
        staff_qs.order_by()
        .values("team_id", "team__name")
        .annotate(total=Count("pk", distinct=True))
        .order_by("team__name")
    )
    in_force = compliance_versions(at=at)
    versions = list(in_force.select_related("policy").order_by("policy__title"))
    acknowledged = {
        (row["user__staff__team_id"], row["version_id"]): row["n"]
        for row in Acknowledgement.objects.filter(
            version__in=in_force, user__staff__in=staff_qs.values("pk"), acknowledged_at__lte=at
        )
        .order_by()
        .values("user__staff__team_id", "version_id")
        .annotate(n=Count("pk"))
    }
    return [
        ComplianceRow(
            team_id=team["team_id"],
            team_name=team["team__name"],
            version_id=version.pk,
            policy_id=version.policy_id,
            policy_title=version.policy.title,
            version_label=version.label,
            staff_count=team["total"],
            acknowledged_count=acknowledged.get((team["team_id"], version.pk), 0),
        )
        for team in teams
        for version in versions
    ]


def staff_not_acknowledged(*, staff_qs: QuerySet[StaffMember], version: PolicyVersion) -> QuerySet[StaffMember]:
    """Team members now (COMPLIANCE_DEFINITION) in `staff_qs` who have not acknowledged `version`."""
    return (
        compliance_members(staff_qs=staff_qs, at=timezone.now())
        .exclude(Q(user__policy_acknowledgements__version=version))
        .select_related("user", "team")
        .order_by("team__name", "user__last_name", "user__first_name")
    )


# ---------------------------------------------------------------------------------------------
# The rules (urgency, alerts, prompts)


@dataclass
class RuleEffects:
    """What the matching rules say about a situation, added up."""

    priority: str = Priority.NORMAL
    safeguarding: bool = False
    alert: bool = False
    prompts: list[str] = field(default_factory=list)  # in StatutoryPrompt order
    rules: list[Rule] = field(default_factory=list)  # every rule that matched, in table order

    @property
    def alert_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.alert]

    @property
    def safeguarding_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.alert or rule.safeguarding]


# One copy of the active rules per process. A filing reads them; an edit anywhere (any process, any host)
# changes the stamp below, so each process reloads on its next read (one small query instead of three).
_rules_cache: dict = {"stamp": None, "rules": []}


def rules_cache_clear() -> None:
    """Forget this process's copy of the rules (policies.apps connects it to saves and deletes)."""
    _rules_cache["stamp"] = None
    _rules_cache["rules"] = []


def rules_active() -> list[Rule]:
    """The active rules in table order, with their categories, from this process's copy when it is current."""
    stamp = Rule.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    stamp = (stamp["n"], stamp["last"])
    if _rules_cache["stamp"] != stamp:
        rules = list(Rule.objects.filter(is_active=True).prefetch_related("categories").order_by("order", "name"))
        _rules_cache["rules"], _rules_cache["stamp"] = rules, stamp
    return _rules_cache["rules"]


def rules_effects(*, situation: Situation) -> RuleEffects:
    """Apply every active rule to a situation: the highest priority, any alert, the union of the prompts."""
    effects = RuleEffects()
    prompts: set[str] = set()
    for rule in rules_active():
        if not rule.matches(situation):
            continue
        effects.rules.append(rule)
        if rule.priority and PRIORITY_RANK[rule.priority] > PRIORITY_RANK[effects.priority]:
            effects.priority = rule.priority
        effects.alert = effects.alert or rule.alert
        effects.safeguarding = effects.safeguarding or rule.safeguarding or rule.alert
        prompts |= set(rule.prompts or [])
    effects.prompts = [code for code in StatutoryPrompt.values if code in prompts]
    return effects


def _either(words: list[str], joiner: str = "or") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


@dataclass
class RuleSentence:
    """A rule in plain English for /policies/rules/: "When …, then …, because …" and the clauses behind it."""

    rule: Rule
    when: list[str]
    then: list[str]
    because: str
    sections: list[PolicySection]


def rule_sentence(rule: Rule, *, sections: list[PolicySection]) -> RuleSentence:
    """Say what a rule does in a care worker's words: labels, never stored codes."""
    when = []
    if rule.kinds:
        kinds = [DisclosureKind(k).label.lower() for k in DisclosureKind.values if k in rule.kinds]
        when.append(f"what you tell us is {_either(kinds)}")
    names = [c.name for c in rule.categories.all()]
    if names:
        when.append(f"it is about {_either([f'“{n}”' for n in names])}")
    if rule.staff_part:
        part = rule.get_staff_part_display().lower()
        when.append(
            f"a member of staff is the {part}"
            if rule.staff_part == Part.CONCERNED
            else f"a member of staff is “{part}”"
        )
    if rule.staff_registered:
        when.append("that member of staff is registered with a professional regulator")
    if rule.vulnerable:
        when.append("a child or an adult at risk is involved")
    for field_name in ("risk", "answer", "decision"):
        if getattr(rule, field_name):
            when.append(getattr(rule, f"get_{field_name}_display")())
    if not when:
        when.append("anything is reported")
    then = []
    if rule.priority:
        then.append(
            "it is urgent"
            if rule.priority == Priority.URGENT
            else f"it is {rule.get_priority_display().lower()} priority"
        )
    if rule.alert:
        then.append("the safeguarding lead is told at once")
    elif rule.safeguarding:
        then.append("the safeguarding lead can see it")
    prompts = rule.get_prompts_display()
    if prompts:
        then.append(f"the manager must consider: {_either(prompts, 'and')}")
    return RuleSentence(rule=rule, when=when, then=then, because=rule.reason, sections=sections)


def rule_sentences() -> list[RuleSentence]:
    """Every active rule in plain English, with its clauses from the active policy versions (3 queries)."""
    rules = list(
        Rule.objects.filter(is_active=True)
        .prefetch_related(
            "categories",
            Prefetch(
                "policy_sections",
                queryset=PolicySection.objects.filter(version__status=ACTIVE)
                .select_related("version__policy")
                .order_by("version__policy__title", "order"),
                to_attr="active_sections",
            ),
        )
        .order_by("order", "name")
    )
    return [rule_sentence(rule, sections=rule.active_sections) for rule in rules]


def clauses_for(*, category: BoundaryCategory | str | None = None, relationship: bool = False) -> list[PolicySection]:
    """The organisation's own clauses to cite for a rule, from the active policies: those linked to a
    category (by object or code), or with relationship=True those of the categories about a relationship.
    Pages cite these, never a seed reference; an organisation links its clauses in the category admin."""
    if relationship:
        categories = BoundaryCategory.objects.filter(is_relationship=True)
    elif isinstance(category, str):
        categories = BoundaryCategory.objects.filter(code=category)
    elif category is not None:
        categories = BoundaryCategory.objects.filter(pk=category.pk)
    else:
        return []
    return list(
        PolicySection.objects.filter(categories__in=categories, version__status=ACTIVE)
        .select_related("version__policy")
        .order_by("version__policy__title", "order")
        .distinct()
    )
