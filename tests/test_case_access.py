"""The case pages' access table (AC-02): every persona × every cases: URL × GET and POST, against one
declared table of expected answers, and a completeness check that fails when a cases: URL is missing.

AC-03 / AC-05 / AC-07 / AC-11: those who may not see a case get 404 on every URL that names it (the
reporter, the subject, another team's managers, HR before a referral, the guardian on a case not
raised through speak-up, the committee, the auditor, the administrator and a superuser without a role);
those who may see it but not make a move get 403 (DESIGN §6). AC-10: GET never changes a case.

The case: org.worker raises a concern about org.colleague in the sexual-boundaries category
(safeguarding), reviewed by org.manager, in ACTION_PLAN with one action, one attachment and one
notice to the subject. "hr_after" sees the same case after an HR-investigation referral action.
"""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from cases import services
from cases.models import Case
from cases.tests.factories import assess, concern_case, template
from conftest import _staff
from core.roles import Role
from disclosures.services import attachment_add
from tests.test_url_access import named_patterns

PERSONAS = [
    "reporter",
    "subject",
    "reviewer",
    "other_manager",
    "senior",  # senior manager of the case's team
    "south_senior",  # senior manager of another team
    "safeguarding",
    "hr_before",
    "hr_after",
    "guardian",
    "committee",
    "auditor",
    "administrator",
    "superuser",
]
# Who may see the case at all; everyone else gets 404 on every URL naming it.
SEES_CASE = {"reviewer", "senior", "safeguarding", "hr_after"}
# Who has a review queue at all (a role that reviews or oversees cases); the rest get 403 on /cases/.
HAS_QUEUE = {"reviewer", "other_manager", "senior", "south_senior", "safeguarding", "hr_before", "hr_after", "guardian"}

# Moves on a case in ACTION_PLAN: who (among those who see it) may open each one; the others get 403.
REVIEWER = {"reviewer"}
OVERSEERS = {"reviewer", "senior", "safeguarding"}
MOVES = {
    "acknowledge": set(),  # only from NEW
    "assess": REVIEWER,
    "action_plan": set(),  # already in ACTION_PLAN
    "review_date": REVIEWER,
    "monitoring": REVIEWER,  # no review date yet: the page says so (a guard with a next step)
    "prompt_answer": REVIEWER,
    "action_add": REVIEWER,
    "action_status": REVIEWER,
    "review": REVIEWER,
    "subject_notice": REVIEWER,
    "escalate": REVIEWER,
    "reassign": OVERSEERS,
    "key_worker": set(),  # the case names no service user
    "arrangement": set(),  # the case manages no relationship
    "relationship_end": set(),
    "record_support": set(),  # nobody in this case is harmed or affected
    "change_part": REVIEWER,
    "decide_variation": set(),  # not a variation request
    "gift_decision": set(),  # no gift on the case waits for a decision (registers/tests cover one that does)
    "close": REVIEWER,
    "sign_off": set(),  # not in CLOSURE_REVIEW
    "send_back": set(),
    "reopen": set(),  # not closed
    "note": REVIEWER,
}
# Read-only case URLs: everyone who sees the case gets 200.
READS = {"detail", "history", "attachment_download"}


def expected(name: str, persona: str, method: str) -> int | set[int]:
    """The declared table, cell by cell."""
    if name == "list":
        return 405 if method == "post" else (200 if persona in HAS_QUEUE else 403)
    if name == "notices":
        return 405 if method == "post" else (200 if persona == "subject" else 404)
    if name == "notice_reply":
        # Only the subject it is addressed to; an empty reply re-shows the form with its error.
        return 405 if method == "get" else (200 if persona == "subject" else 404)
    if name == "patterns":
        # The safeguarding lead's page of patterns across cases; 404 for everyone else.
        return 405 if method == "post" else (200 if persona == "safeguarding" else 404)
    if name == "pattern_state":
        # POST only; the pattern named here does not exist, so even the lead gets 404.
        return 405 if method == "get" else 404
    if name in READS:
        return 405 if method == "post" else (200 if persona in SEES_CASE else 404)
    if persona not in SEES_CASE:
        return 404
    if persona not in MOVES[name]:
        return 403
    # An empty POST carries no case version, so every move page re-shows its form ("out of date", 200) and
    # nothing changes, a move with nothing to type included (cases/tests/test_version_required.py).
    return 200


TABLE_NAMES = {"list", "notices", "notice_reply", "patterns", "pattern_state", *READS, *MOVES}


def case_url_names() -> set[str]:
    return {name.split(":", 1)[1] for name, _ in named_patterns() if name.startswith("cases:")}


def test_every_cases_url_is_in_the_access_table():
    """AC-02 completeness: a new cases: URL fails here until the table says who may open it."""
    assert case_url_names() - TABLE_NAMES == set()
    assert TABLE_NAMES - case_url_names() == set()


@pytest.fixture
def world(org):
    """The case and the personas as users."""
    south_senior = _staff("south_senior", org.south, [Role.SENIOR_MANAGER], title="Service manager")
    case = concern_case(org, category_code="sexual-boundaries")
    assert case.reviewer_id == org.manager.pk and case.is_safeguarding
    reviewer = org.manager.user
    services.case_acknowledge(case=case, actor=reviewer)
    assess(case, reviewer)
    services.case_start_action_plan(case=case, actor=reviewer)
    action = services.action_add(case=case, actor=reviewer, template=template("supervision"), owner=org.manager)
    disclosure = case.disclosures.get()
    attachment = attachment_add(
        disclosure=disclosure,
        uploaded_by=org.worker,
        uploaded_file=SimpleUploadedFile("note.txt", b"What I saw.", content_type="text/plain"),
    )
    notice = services.subject_notice_record(
        case=case, actor=reviewer, subject=org.colleague, told="A concern was raised about your conduct."
    )
    users = {
        "reporter": org.worker.user,
        "subject": org.colleague.user,
        "reviewer": reviewer,
        "other_manager": org.other_manager.user,
        "senior": org.senior.user,
        "south_senior": south_senior.user,
        "safeguarding": org.safeguarding.user,
        "hr_before": org.hr.user,
        "hr_after": org.hr.user,
        "guardian": org.guardian.user,
        "committee": org.committee,
        "auditor": org.auditor,
        "administrator": org.administrator,
        "superuser": org.superuser,
    }

    def refer_to_hr():
        services.action_add(case=case, actor=reviewer, template=_hr_template(), owner=org.manager)
        case.refresh_from_db()
        assert case.hr_referred_at is not None

    return SimpleNamespace(
        case=case, action=action, attachment=attachment, notice=notice, users=users, refer_to_hr=refer_to_hr
    )


def _hr_template():
    from cases.models import ActionTemplate

    return ActionTemplate.objects.filter(refers_to="hr_investigation").first()


def url_for(name: str, w) -> str:
    if name in ("list", "notices", "patterns"):
        return reverse(f"cases:{name}")
    if name == "pattern_state":
        return reverse("cases:pattern_state", args=[999999])
    if name == "notice_reply":
        return reverse("cases:notice_reply", args=[w.notice.pk])
    if name == "action_status":
        return reverse("cases:action_status", args=[w.case.pk, w.action.pk])
    if name == "attachment_download":
        return reverse("cases:attachment_download", args=[w.case.pk, w.attachment.pk])
    return reverse(f"cases:{name}", args=[w.case.pk])


CELLS = [(name, persona) for name in sorted(TABLE_NAMES) for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CELLS, ids=[f"{n}-{p}" for n, p in CELLS])
def test_access_table(client, world, name, persona):
    """AC-02, AC-03, AC-05, AC-07, AC-10, AC-11: each cell of the table, GET then POST."""
    if persona == "hr_after":
        world.refer_to_hr()
    client.force_login(world.users[persona])
    url = url_for(name, world)
    version_before = Case.objects.get(pk=world.case.pk).version

    response = client.get(url)
    want = expected(name, persona, "get")
    assert response.status_code == want, f"GET {url} as {persona}: {response.status_code}, expected {want}"
    # AC-10: a safe method never changes the case.
    assert Case.objects.get(pk=world.case.pk).version == version_before
    if response.status_code in (403, 404) and name != "list":
        assert world.case.reference not in response.content.decode()

    response = client.post(url, {})
    want = expected(name, persona, "post")
    ok = response.status_code in want if isinstance(want, set) else response.status_code == want
    assert ok, f"POST {url} as {persona}: {response.status_code}, expected {want}"
    # Refused, or (without a case version) re-shown as out of date: nothing changed.
    assert Case.objects.get(pk=world.case.pk).version == version_before


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queue_shows_no_case_to_those_who_may_not_see_it(client, world, persona):
    """AC-03, AC-05, AC-11: no reference, no count – the queue says "0 cases" to those who may not see it."""
    if persona == "hr_after":
        world.refer_to_hr()
    client.force_login(world.users[persona])
    response = client.get(reverse("cases:list"), {"status": "all"})
    body = response.content.decode()
    if persona in SEES_CASE:
        assert world.case.reference in body
        assert "1 case<" in body
    else:
        assert world.case.reference not in body
        if response.status_code == 200:
            assert "0 cases" in body
    # The case's own text never reaches a page for them either.
    assert "A concern was raised about your conduct." not in body


def test_a_speak_up_case_is_seen_by_the_guardian_who_alone_sees_the_reporter(client, org):
    """DESIGN §5–6, AC-04: the guardian reviews a speak-up case; the name of the person who raised it
    shows only to them. Others who see it (the safeguarding lead here) read "the person who raised it"."""
    case = concern_case(org, category_code="sexual-boundaries", speak_up=True)
    assert case.reviewer_id == org.guardian.pk
    reporter_name = escape(org.worker.full_name)  # as the page writes it (O'Neill → O&#x27;Neill)
    client.force_login(org.guardian.user)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reporter_name in body
    client.force_login(org.safeguarding.user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reporter_name not in body
    assert "the person who raised it" in body
    history = client.get(reverse("cases:history", args=[case.pk])).content.decode()
    assert reporter_name not in history
    for user in (org.manager.user, org.worker.user, org.colleague.user, org.other_manager.user):
        client.force_login(user)
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
