"""The role-aware navigation and dashboard tiles: one registry, so the menu and the home page
only ever link to pages that exist and that the user may open.

Each app adds its entries to NAV_ITEMS, e.g.

    NavItem("Cases", "cases:list", "Cases you review or oversee.", _any_role(Role.LINE_MANAGER))

`show` is a predicate taking the user; keep it the same rule the view itself enforces (usually
core.roles.has_role). `section` says where the menu puts it: "main" entries go in the
menu bar, "account" entries beside the user's name. The dashboard shows every entry as a card.
tests/test_navigation.py checks that every url_name reverses.
"""

from collections.abc import Callable
from dataclasses import dataclass

from core.roles import Role, has_role, user_roles

MAIN = "main"
ACCOUNT = "account"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    description: str
    show: Callable[[object], bool]
    section: str = MAIN


def _any_role(*roles: Role) -> Callable[[object], bool]:
    return lambda user: any(has_role(user, role) for role in roles)


def _can_file_disclosure(user) -> bool:
    from disclosures.permissions import can_file_disclosure  # the same rule the disclosure views enforce

    return can_file_disclosure(user)


def _can_open_case_queue(user) -> bool:
    from cases.permissions import can_open_case_queue  # the same rule the queue view enforces

    return can_open_case_queue(user)


def _has_notices(user) -> bool:
    from cases.permissions import can_see_notices  # the same rule the notices page enforces

    return can_see_notices(user)


def _has_actions(user) -> bool:
    from cases.permissions import can_see_my_actions  # the same rule the "My actions" page enforces

    return can_see_my_actions(user)


def _can_view_gift_register(user) -> bool:
    from registers.permissions import can_view_gift_register  # the same rule the register views enforce

    return can_view_gift_register(user)


def _can_view_relationship_register(user) -> bool:
    from registers.permissions import can_view_relationship_register  # the same rule the register view enforces

    return can_view_relationship_register(user)


def _can_read_audit_trail(user) -> bool:
    from audit.permissions import can_read_audit_trail  # the same rule the audit-trail views enforce

    return can_read_audit_trail(user)


def _signed_in(user) -> bool:
    return user.is_authenticated


NAV_ITEMS: list[NavItem] = [
    NavItem(
        "Administration",
        "admin:index",
        "Accounts, teams, service-user references, categories and policies.",
        _any_role(Role.ADMINISTRATOR),
    ),
    NavItem(
        "Tell us about a boundary issue",
        "disclosures:new",
        "Your own situation, something that happened, a worry about a colleague, or a plan to agree first.",
        _can_file_disclosure,
    ),
    NavItem(
        "My disclosures",
        "disclosures:list",
        "What you have told us, your drafts, and what is happening with each.",
        _can_file_disclosure,
    ),
    # Case review: the queue for those who review or oversee cases; notices for a subject.
    NavItem(
        "Cases",
        "cases:list",
        "Cases you review or oversee: what needs acknowledging, assessing and reviewing, and what is overdue.",
        _can_open_case_queue,
    ),
    NavItem(
        "Notices about you",
        "cases:notices",
        "Something raised about your work that a manager has shared with you, and your reply.",
        _has_notices,
    ),
    NavItem(
        "My actions",
        "actions:list",
        "Things a manager agreed with you, and by when: mark them done, or say why they are not possible.",
        _has_actions,
    ),
    # Registers: gifts and hospitality; declared relationships (docs/registers.md).
    NavItem(
        "Gift register",
        "registers:gifts",
        "Every gift, hospitality, bequest or offer of money declared, what happened to it, and who gave it.",
        _can_view_gift_register,
    ),
    NavItem(
        "Relationship register",
        "registers:relationships",
        "Declared relationships in your teams, the arrangements agreed and the reviews due.",
        _can_view_relationship_register,
    ),
    # Policies: every signed-in user reads them; managers see their teams' acknowledgements.
    NavItem("Policies", "policies:list", "Read the boundaries policies and confirm you have read them.", _signed_in),
    NavItem(
        "Team compliance",
        "policies:compliance",
        "Who in your teams has not yet acknowledged the current policies.",
        _any_role(Role.LINE_MANAGER, Role.SENIOR_MANAGER),
    ),
    NavItem(
        "Policy reviews due",
        "policies:review_due",
        "Policies whose review date is near or past; import and publish new versions.",
        _any_role(Role.ADMINISTRATOR),
    ),
    # Quarterly reports: the same rule as reporting.permissions.can_open_reports_page
    # (the Auditor / DPO opens it for the disclosure check only, with no download).
    NavItem(
        "Quarterly reports",
        "reporting:list",
        "The quarterly safeguarding summary for the management committee: figures only.",
        _any_role(Role.COMMITTEE_MEMBER, Role.SAFEGUARDING_LEAD, Role.SENIOR_MANAGER, Role.AUDITOR),
    ),
    # The audit-trail viewer: only the Auditor / DPO (DESIGN §6 "audit log" column).
    NavItem(
        "Audit trail",
        "audit:list",
        "Who saw and changed what, and when: search the audit trail and export it as CSV.",
        _can_read_audit_trail,
    ),
    NavItem(
        "Change password",
        "password_change",
        "Choose a new password. You will need your current one.",
        _signed_in,
        section=ACCOUNT,
    ),
    # Signing in: everyone manages their own second factor; two different safeguarding
    # leads or administrators reset a lost one (the same rule as accounts.permissions).
    NavItem(
        "Second factor",
        "mfa_index",
        "Your authenticator app, passkeys and recovery codes for logging in.",
        _signed_in,
        section=ACCOUNT,
    ),
    NavItem(
        "Reset a second factor",
        "accounts:mfa_resets",
        "Someone lost their phone or key: ask for a reset, or approve a colleague's request.",
        _any_role(Role.SAFEGUARDING_LEAD, Role.ADMINISTRATOR),
    ),
]


def nav_items_for(user, *, section: str | None = None) -> list[NavItem]:
    """The entries this user may see, in registry order; only one section if asked."""
    return [item for item in NAV_ITEMS if (section is None or item.section == section) and item.show(user)]


# One line per role for the dashboard: what the role is for in Boundaries (DESIGN §1).
# Links live in NAV_ITEMS only, so these lines never point at a page that does not exist.
ROLE_WELCOME: dict[Role, str] = {
    # seed 001 "Disclosure": workers can disclose "without the automatic risk of disciplinary proceedings".
    Role.WORKER: (
        "You can tell us about a boundary issue in confidence – your own situation, something that "
        "happened, or a worry about a colleague. Telling us early is the right thing to do and is not "
        "a disciplinary matter in itself."
    ),
    Role.LINE_MANAGER: (
        "You review boundary issues raised by the people you manage, agree how they are handled and "
        "keep the arrangements under review."
    ),
    Role.SENIOR_MANAGER: (
        "You oversee boundary cases in your services, take escalations and sign off the closure of high-risk cases."
    ),
    Role.SAFEGUARDING_LEAD: "You see every case flagged for safeguarding and decide on referrals.",
    Role.HR: "You see a case only once it has been referred for a disciplinary investigation.",
    Role.SPEAK_UP_GUARDIAN: (
        "You receive concerns from workers who cannot raise them with their line manager. Only you see who raised them."
    ),
    Role.COMMITTEE_MEMBER: (
        "You receive the quarterly safeguarding summary: figures only, never names or case details."
    ),
    Role.AUDITOR: "You check the audit trail of who saw and changed what.",
    Role.ADMINISTRATOR: (
        "You manage accounts, teams, service-user references, categories and policies. "
        "Administrators never see the content of a case."
    ),
}


def roles_for(user) -> list[Role]:
    """The user's roles in the order of the Role enum (groups that are not roles are ignored)."""
    names = user_roles(user)
    return [role for role in Role if role.value in names]


def welcome_lines_for(user) -> list[str]:
    """The dashboard's welcome lines for each of the user's roles."""
    return [ROLE_WELCOME[role] for role in roles_for(user) if role in ROLE_WELCOME]


# ---------------------------------------------------------------------------------------------
# "Waiting for you" on the dashboard (DESIGN §4: "Overdue items show on dashboards"). The case
# counts are the daily digest's own (cases.selectors.digest_counts_for), so the e-mail and the page
# never disagree; every count goes through the same selectors as the pages it links to.


@dataclass(frozen=True)
class Waiting:
    count: int
    one: str  # "policy to read and acknowledge"
    many: str
    url: str
    overdue: bool = False

    @property
    def text(self) -> str:
        return f"{self.count} {self.one if self.count == 1 else self.many}"


def waiting_for(user) -> list[Waiting]:
    """What waits for this user today, most pressing first; only rows with something in them."""
    from django.urls import reverse

    from cases.models import Case, PatternAlert
    from cases.permissions import can_sign_off_case
    from cases.selectors import case_list_for, digest_counts_for, notice_list_for
    from policies.selectors import policy_versions_awaiting_acknowledgement

    if not user.is_authenticated:
        return []
    counts = digest_counts_for(user=user)
    cases = reverse("cases:list")
    visible = case_list_for(user)
    overdue_actions = counts.actions_overdue
    rows = [
        Waiting(counts.acknowledgements_overdue, "case past its acknowledgement date",
                "cases past their acknowledgement date", f"{cases}?overdue=yes&mine=yes", overdue=True),
        Waiting(counts.new,
                "new case to acknowledge", "new cases to acknowledge", f"{cases}?status=new&mine=yes"),
        Waiting(sum(can_sign_off_case(user, case) for case in visible.filter(status=Case.Status.CLOSURE_REVIEW)),
                "case waiting for your closure sign-off", "cases waiting for your closure sign-off",
                f"{cases}?status=closure_review"),
        Waiting(counts.decisions_due, "plan to decide before its date", "plans to decide before their dates",
                f"{cases}?mine=yes", overdue=False),
        Waiting(counts.reviews_due, "case review due", "case reviews due", f"{cases}?mine=yes"),
        Waiting(PatternAlert.objects.filter(state=PatternAlert.State.NEW).count() if has_role(
                    user, Role.SAFEGUARDING_LEAD) else 0,
                "new pattern across cases", "new patterns across cases", reverse("cases:patterns")),
        # "My actions" (/actions/): every open action the user owns, whether or not they may open its case.
        Waiting(overdue_actions, "action of yours overdue", "actions of yours overdue", reverse("actions:list"),
                overdue=True),
        Waiting(counts.actions_open - overdue_actions, "action of yours to do", "actions of yours to do",
                reverse("actions:list")),
        Waiting(notice_list_for(user).filter(response="").count(), "notice about you to read",
                "notices about you to read", reverse("cases:notices")),
        Waiting(policy_versions_awaiting_acknowledgement(user=user).count(), "policy to read and acknowledge",
                "policies to read and acknowledge", reverse("policies:list")),
        Waiting(counts.policies_due, "policy due for review", "policies due for review",
                reverse("policies:review_due")),
    ]  # fmt: skip
    return [row for row in rows if row.count]
