"""AC-01/AC-02/AC-03: every persona against every URL of the disclosures app, with a completeness check.

The worker pages show a worker their own disclosures only. Everyone else – the colleague a concern
is about, the reviewer, senior managers, the safeguarding lead, HR, the guardian, and the roles with
no staff record (committee, auditor, administrator, a superuser) – gets 404, never 403, so the page
does not even reveal that the record exists (DESIGN §6). Reviewers read disclosures on the case-review
pages (tests/test_case_access.py).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse

from disclosures import services
from disclosures.models import Disclosure
from policies.models import BoundaryCategory

CANARY = "CANARY-ACCESS-7f3a"

STAFF = ["worker", "colleague", "manager", "senior", "other_manager", "safeguarding", "hr", "guardian"]
NO_STAFF = ["committee", "auditor", "administrator", "superuser"]
PERSONAS = ["anonymous", *STAFF, *NO_STAFF]

# (url name, which object, method) -> what the owner gets. Everyone else: see expected().
OWN_PAGES = {
    ("list", None, "get"): 200,
    ("new", None, "get"): 200,
    ("new", None, "post"): 200,  # step 1 posted back with no choice: the page again, with a message
    ("detail", "submitted", "get"): 200,
    ("detail", "submitted", "post"): 405,
    ("edit", "draft", "get"): 200,
    ("edit", "draft", "post"): 200,  # posted empty: the form again (a draft needs nothing, submit needs more)
    ("edit", "submitted", "get"): 302,  # a submitted statement is never edited: shown instead
    ("submitted", "submitted", "get"): 200,
    ("followup_add", "submitted", "post"): 302,
    ("followup_add", "submitted", "get"): 405,
    ("attachment_download", "attachment", "get"): 200,
}


def expected(persona: str, cell) -> int:
    name, obj, method = cell
    owner_result = OWN_PAGES[cell]
    if persona == "anonymous":
        return 302  # to the log-in page (AC-01)
    if persona == "worker":
        return owner_result
    if owner_result == 405:
        return 405  # the method is refused before anything is looked up; reveals nothing
    if persona in NO_STAFF:
        return 404  # no worker pages without a staff record
    if obj is None:
        return owner_result  # their own list and their own new form
    return 404  # someone else's record (AC-03)


@pytest.fixture
def records(org):
    """The worker's submitted concern about `colleague` (with a file and a canary), and a draft."""
    concern = services.disclosure_draft_save(
        reporter=org.worker,
        kind="concern",
        category=BoundaryCategory.objects.get(code="discrimination"),
        narrative=f"{CANARY} narrative",
        subjects=[org.colleague],
        good_faith_confirmed=True,
    )
    attachment = services.attachment_add(
        disclosure=concern,
        uploaded_by=org.worker,
        uploaded_file=SimpleUploadedFile("evidence.txt", f"{CANARY} file".encode()),
    )
    concern = services.disclosure_submit(disclosure=concern, actor=org.worker.user)
    draft = services.disclosure_draft_save(reporter=org.worker, kind="incident", narrative=f"{CANARY} draft")
    return {"submitted": concern, "draft": draft, "attachment": attachment}


def user_for(org, persona):
    value = getattr(org, persona)
    return getattr(value, "user", value)


def url_for(cell, records):
    name, obj, _ = cell
    args = [records[obj].pk] if obj else []
    return reverse(f"disclosures:{name}", args=args)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("cell", list(OWN_PAGES), ids=["-".join(filter(None, c)) for c in OWN_PAGES])
def test_each_persona_gets_exactly_what_the_table_says(client, org, records, persona, cell):
    """AC-02 matrix; AC-03 for every object-bearing route: 404 for anyone but the worker who filed."""
    if persona != "anonymous":
        client.force_login(user_for(org, persona))
    before = (Disclosure.objects.count(), records["submitted"].follow_ups.count())
    url = url_for(cell, records)
    data = {"text": "added"} if cell[0] == "followup_add" else {}
    response = getattr(client, cell[2])(url, data)
    assert response.status_code == expected(persona, cell), f"{persona} {cell[2].upper()} {url}"
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if persona != "worker":
        assert (Disclosure.objects.count(), records["submitted"].follow_ups.count()) == before
        if response.status_code == 200 and not response.streaming:
            assert CANARY not in response.content.decode()


def test_the_table_covers_every_url_of_the_app_and_every_row_resolves():
    """AC-02 completeness: a new URL in disclosures/urls.py fails here until it is in the table."""
    resolver = get_resolver()
    app = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "disclosures")
    names = {p.name for p in app.url_patterns if isinstance(p, URLPattern)}
    assert names == {name for name, _, _ in OWN_PAGES}


def test_the_subject_of_a_concern_sees_nothing_of_it_in_their_own_list(client, org, records):
    """AC-05 channel "list": the colleague's own list holds no trace of the concern about them."""
    client.force_login(org.colleague.user)
    body = client.get(reverse("disclosures:list")).content.decode()
    assert CANARY not in body
    assert records["submitted"].reference not in body
    assert "You have not told us about anything yet." in body


def test_a_worker_cannot_finish_or_add_to_another_workers_disclosure_by_guessing_ids(client, org, records):
    """AC-03: POSTs with someone else's ids change nothing and answer 404."""
    client.force_login(org.colleague.user)
    draft, submitted = records["draft"], records["submitted"]
    response = client.post(reverse("disclosures:edit", args=[draft.pk]), {"narrative": "hijacked", "action": "submit"})
    assert response.status_code == 404
    response = client.post(reverse("disclosures:followup_add", args=[submitted.pk]), {"text": "hijacked"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.narrative == f"{CANARY} draft" and not submitted.follow_ups.exists()
