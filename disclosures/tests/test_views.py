"""The worker's disclosure pages, driven through the views as a worker would.

Each of the four kinds is filed end to end; bad input gives a clear message and keeps what was
typed; drafts, follow-ups and downloads; CSRF (IN-04), over-posting (IN-05), escaping (IN-02),
URLs without content (CP-03) and narrative fields without autocomplete (CP-06).
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEvent
from cases.models import Case, Outcome
from disclosures.forms import NOT_IN_ORGANISATION
from disclosures.models import Disclosure
from people.models import Relationship
from people.tests.factories import ServiceUserFactory, StaffMemberFactory
from policies.models import BoundaryCategory

NEW = "/disclosures/new/"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def category(code):
    return BoundaryCategory.objects.get(code=code)


@pytest.fixture
def worker_client(client, org):
    client.force_login(org.worker.user)
    return client


@pytest.fixture
def service_user(org):
    return ServiceUserFactory(reference="SU-00042", initials="JB", team=org.north_a)


def details_post(client, kind, cat, data, action="submit", files=None, url=NEW):
    payload = {"step": "details", "kind": kind or "", "category": cat.pk if cat else "", "action": action, **data}
    if files:
        payload.update(files)
    return client.post(url, payload)


def file_journey(client, kind, code):
    """Steps 1 and 2 through the views, as the browser does; returns the step-3 page."""
    response = client.post(NEW, {"step": "kind", "kind": kind})
    assert response.status_code == 200
    assert "Which of these is closest?" in response.content.decode()
    response = client.post(NEW, {"step": "category", "kind": kind, "category": category(code).pk})
    assert response.status_code == 200
    assert "Tell us the details" in response.content.decode()
    return response


def submitted_only(org):
    return Disclosure.objects.get(reporter=org.worker)


# Filing each kind end to end -----------------------------------------------------------------


def test_a_worker_declares_a_gift_and_sees_the_reference_deadline_and_support(worker_client, org, service_user):
    """Self-declaration, gifts and money (seed 000 §4.1): step 1 → 2 → 3 → confirmation → list."""
    response = worker_client.get(NEW)
    body = response.content.decode()
    assert response.status_code == 200
    for label in ("Something about me", "Something that happened", "A worry about a colleague"):
        assert label in body

    page = file_journey(worker_client, "self_declaration", "gifts-money").content.decode()
    assert "What was offered or given?" in page
    assert "not in itself a disciplinary matter" in page  # seed 001 "Disclosure"

    response = details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {
            "gift_item": "A box of chocolates",
            "gift_value": "12.50",
            "gift_from_whom": "service_user",
            "gift_response": "declined",
            "service_users": [service_user.pk],
            "narrative": "JB offered me chocolates at the end of my shift.",
        },
    )
    disclosure = submitted_only(org)
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosures:submitted", args=[disclosure.pk])
    assert disclosure.status == Disclosure.Status.SUBMITTED
    assert disclosure.details == {
        "item": "A box of chocolates",
        "approx_value": "12.50",
        "from_whom": "service_user",
        "response": "declined",
    }
    assert list(disclosure.service_users.all()) == [service_user]
    assert disclosure.case is not None
    assert AuditEvent.objects.filter(action="disclosures.disclosure.submitted", object_id=str(disclosure.pk)).exists()

    confirmation = worker_client.get(response["Location"]).content.decode()
    assert disclosure.reference in confirmation
    assert disclosure.case.acknowledge_by_date.strftime("%-d %B %Y") in confirmation  # a UK date
    assert "What happens next" in confirmation
    assert "Employee Assistance" in confirmation and "speak-up guardian" in confirmation
    assert escape(org.manager.full_name) in confirmation  # who to talk to

    listing = worker_client.get("/disclosures/").content.decode()
    assert disclosure.reference in listing
    assert "waiting to be picked up" in listing


def test_a_worker_declares_knowing_a_service_user_and_it_enters_the_relationship_register(
    worker_client, org, service_user
):
    file_journey(worker_client, "self_declaration", "prior-relationship")
    response = details_post(
        worker_client,
        "self_declaration",
        category("prior-relationship"),
        {
            "relationship_kind": "friend",
            "relationship_since": "2019-05-01",
            "relationship_began": "before",
            "service_users": [service_user.pk],
            "narrative": "We were at school together.",
        },
    )
    assert response.status_code == 302
    disclosure = submitted_only(org)
    assert disclosure.details == {"kind": "friend", "since": "2019-05-01", "began": "before"}
    assert Relationship.objects.filter(staff=org.worker, service_user=service_user, kind="friend").exists()


def test_a_worker_raises_a_social_media_concern_about_a_colleague_through_speak_up(worker_client, org, service_user):
    page = file_journey(worker_client, "concern", "social-media").content.decode()
    assert "Which colleague are you worried about?" in page
    assert "your name will be seen only by the speak-up guardian" in page.lower()
    response = details_post(
        worker_client,
        "concern",
        category("social-media"),
        {
            "subjects": [org.colleague.pk],
            "service_users": [service_user.pk],
            "social_platform": "instagram",
            "social_what_happened": "request_sent",
            "narrative": "I saw that my colleague follows JB on Instagram.",
            "immediate_action": "Nothing yet.",
            "at_risk_now": "no",
            "speak_up": "on",
            "good_faith_confirmed": "on",
        },
    )
    assert response.status_code == 302
    disclosure = submitted_only(org)
    assert disclosure.speak_up and disclosure.good_faith_confirmed
    assert list(disclosure.subjects.all()) == [org.colleague]
    assert disclosure.details == {"platform": "instagram", "what_happened": "request_sent"}
    assert "speak-up guardian will look" in worker_client.get(response["Location"]).content.decode()


def test_a_worker_records_an_incident_where_someone_is_at_risk_now(worker_client, org, service_user):
    file_journey(worker_client, "incident", "physical-contact")
    today = timezone.localdate().isoformat()
    response = details_post(
        worker_client,
        "incident",
        category("physical-contact"),
        {
            "occurred_date": today,
            "location": "The day centre lounge",
            "service_users": [service_user.pk],
            "narrative": "A visitor grabbed JB's arm hard.",
            "immediate_action": "I separated them and told the shift leader.",
            "at_risk_now": "yes",
        },
    )
    assert response.status_code == 302
    disclosure = submitted_only(org)
    assert disclosure.at_risk_now is True
    assert disclosure.occurred_date.isoformat() == today
    assert disclosure.location == "The day centre lounge"
    assert disclosure.case.priority == "urgent"  # DESIGN §5: someone at risk of harm now


def test_a_worker_asks_for_a_variation_before_it_happens(worker_client, org, service_user):
    page = file_journey(worker_client, "variation", "variation-request").content.decode()
    assert "What would you like to do?" in page
    when = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = details_post(
        worker_client,
        "variation",
        category("variation-request"),
        {
            "variation_activity": "Take JB to a football match on my day off.",
            "variation_when": when,
            "variation_why": "JB has not been out for months and loves football.",
            "service_users": [service_user.pk],
            "narrative": "JB's family agree.",
        },
    )
    assert response.status_code == 302
    assert submitted_only(org).details["planned_activity"].startswith("Take JB")


# Bad input -------------------------------------------------------------------------------------


def test_missing_answers_are_listed_at_the_top_and_everything_typed_is_kept(worker_client, org):
    response = details_post(
        worker_client,
        "incident",
        category("physical-contact"),
        {"narrative": "Typed at 3 a.m. <and kept>", "location": "Hallway"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    assert 'href="#id_occurred_date"' in body and "Enter the date it happened." in body
    assert 'href="#id_at_risk_now_0"' in body
    assert "Typed at 3 a.m. &lt;and kept&gt;" in body
    assert 'value="Hallway"' in body
    assert 'aria-invalid="true"' in body
    assert not Disclosure.objects.exists()


def test_a_gift_needs_what_it_was_who_gave_it_and_what_happened_to_it(worker_client, org):
    response = details_post(worker_client, "self_declaration", category("gifts-money"), {"narrative": "A gift."})
    body = response.content.decode()
    for question in ("What was offered or given?", "Who was it from?", "What happened to it?"):
        assert f"Answer “{question}”" in body
    assert not Disclosure.objects.exists()


def test_a_concern_needs_the_colleague_and_the_good_faith_statement(worker_client, org):
    response = details_post(
        worker_client, "concern", category("discrimination"), {"narrative": "x", "at_risk_now": "no"}
    )
    body = response.content.decode()
    assert "Choose the colleague you are worried about." in body
    assert "Please confirm you are raising this in good faith." in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_users", "999999"),
        ("subjects", "999999"),
        ("carers", "999999"),
        ("service_users", "not-a-number"),
        # Larger than any id the database can hold: once a server error on SQLite (IN-01).
        ("service_users", "99999999999999999999"),
        ("subjects", "-99999999999999999999"),
        ("carers", "9" * 40),
    ],
)
def test_someone_outside_the_organisation_cannot_be_named(worker_client, org, field, value):
    """IN-01, IN-05: a person not offered on the page, whatever number is posted, is refused in the page."""
    response = details_post(
        worker_client, "self_declaration", category("gifts-money"), {"narrative": "Kept text", field: [value]}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert NOT_IN_ORGANISATION in body
    assert "Kept text" in body
    assert not Disclosure.objects.exists()


def test_a_colleague_who_has_left_or_the_reporter_themselves_cannot_be_named(worker_client, org):
    leaver = StaffMemberFactory(team=org.north_a, is_active=False, end_date=datetime.date(2024, 1, 1))
    for pk in (leaver.pk, org.worker.pk):
        response = details_post(
            worker_client, "concern", category("discrimination"), {"narrative": "x", "subjects": [pk]}
        )
        assert NOT_IN_ORGANISATION in response.content.decode()
    assert not Disclosure.objects.exists()


def test_an_oversized_file_is_refused_with_a_clear_message_and_the_text_kept(worker_client, org, settings):
    """IN-09: size limit."""
    settings.DISCLOSURE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    response = details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {"narrative": "Still here after the error"},
        action="draft",
        files={"attachment": big},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "too large" in body and "Please choose the file again." in body
    assert "Still here after the error" in body
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("renamed-html.pdf", b"<html><script>alert(1)</script></html>"),
        ("renamed-svg.pdf", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("fake.png", b"GIF89a not a png"),
    ],
)
def test_a_disallowed_or_disguised_file_is_refused_and_the_text_kept(worker_client, org, name, content):
    """IN-09: allow-list by extension, then magic bytes: an .html or .svg renamed .pdf is refused."""
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {"narrative": "Text that must survive"},
        action="draft",
        files={"attachment": upload},
    )
    body = response.content.decode()
    assert "Please choose the file again." in body
    assert "cannot be attached" in body or "do not match" in body
    assert "Text that must survive" in body
    assert not Disclosure.objects.exists()


def test_a_good_file_is_kept_with_a_server_made_name(worker_client, org):
    upload = SimpleUploadedFile("../../receipt.pdf", PDF, content_type="text/html")
    response = details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {"narrative": "with a file"},
        action="draft",
        files={"attachment": upload},
    )
    assert response.status_code == 302
    attachment = Disclosure.objects.get().attachments.get()
    assert attachment.original_name == "receipt.pdf"
    assert attachment.content_type == "application/pdf"  # from the allow-list, not the browser
    assert re.fullmatch(r"disclosures/[0-9a-f]{32}\.pdf", attachment.file.name)


def test_when_another_field_is_wrong_the_chosen_file_must_be_chosen_again(worker_client, org):
    upload = SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")
    response = details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {"narrative": "x", "gift_value": "lots"},
        action="draft",
        files={"attachment": upload},
    )
    body = response.content.decode()
    assert "Enter an amount in pounds" in body
    assert "Please choose the file again." in body


# Drafts --------------------------------------------------------------------------------------


def test_a_draft_is_saved_listed_and_finished_later(worker_client, org, service_user):
    response = details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {"narrative": "Half-written at the end of a shift", "gift_item": "Flowers"},
        action="draft",
    )
    assert response.status_code == 302 and response["Location"] == "/disclosures/"
    draft = Disclosure.objects.get()
    assert draft.is_draft and draft.reference is None and draft.case is None
    listing = worker_client.get("/disclosures/").content.decode()
    assert "Draft – not sent yet" in listing
    edit_url = reverse("disclosures:edit", args=[draft.pk])
    assert edit_url in listing

    page = worker_client.get(edit_url).content.decode()
    assert "Half-written at the end of a shift" in page and 'value="Flowers"' in page
    assert worker_client.get(reverse("disclosures:detail", args=[draft.pk]))["Location"] == edit_url

    response = details_post(
        worker_client,
        None,
        category("gifts-money"),
        {
            "narrative": "Finished the next morning",
            "gift_item": "Flowers",
            "gift_from_whom": "carer",
            "gift_response": "accepted",
            "service_users": [service_user.pk],
        },
        url=edit_url,
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Disclosure.Status.SUBMITTED and draft.narrative == "Finished the next morning"
    assert Disclosure.objects.count() == 1


def test_a_draft_that_fails_the_final_check_is_kept_and_the_reason_shown(worker_client, org):
    """The service has the last word (here: the colleague in a relationship between workers)."""
    response = details_post(
        worker_client,
        "self_declaration",
        category("relationship-between-workers"),
        {"narrative": "My partner works here.", "relationship_kind": "partner", "relationship_began": "before"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose who the relationship is with" in body
    assert not Disclosure.objects.exists()


def test_changing_the_category_without_javascript_shows_its_questions_and_saves_nothing(worker_client, org):
    response = details_post(
        worker_client, "self_declaration", category("social-media"), {"narrative": "kept"}, action="refresh"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'data-section="social_media"(?! hidden)>', body)
    assert re.search(r'data-section="gift" hidden', body)
    assert "kept" in body and 'id="error-summary"' not in body
    assert not Disclosure.objects.exists()


# After submission ---------------------------------------------------------------------------------


@pytest.fixture
def submitted(worker_client, org, service_user):
    details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {
            "gift_item": "Cash",
            "gift_value": "50",
            "gift_from_whom": "service_user",
            "gift_response": "returned",
            "service_users": [service_user.pk],
            "narrative": "Original statement CANARY-STATEMENT",
        },
        files={"attachment": SimpleUploadedFile("note.txt", b"a plain note", content_type="text/plain")},
    )
    return Disclosure.objects.get(status=Disclosure.Status.SUBMITTED)


def test_the_statement_page_shows_the_answers_files_and_status(worker_client, submitted):
    body = worker_client.get(reverse("disclosures:detail", args=[submitted.pk])).content.decode()
    assert "Original statement CANARY-STATEMENT" in body
    assert "I gave it back" in body and "£50" in body
    assert "SU-00042 · JB" in body
    assert "note.txt" in body
    assert "waiting to be picked up" in body
    assert "Outcome" not in body


def test_a_submitted_statement_is_never_edited(worker_client, submitted):
    edit_url = reverse("disclosures:edit", args=[submitted.pk])
    assert worker_client.get(edit_url)["Location"] == reverse("disclosures:detail", args=[submitted.pk])
    response = details_post(worker_client, None, category("gifts-money"), {"narrative": "rewritten"}, url=edit_url)
    submitted.refresh_from_db()
    assert response.status_code == 302
    assert submitted.narrative == "Original statement CANARY-STATEMENT"


def test_a_worker_adds_information_with_a_file_and_it_is_audited(worker_client, submitted):
    url = reverse("disclosures:followup_add", args=[submitted.pk])
    response = worker_client.post(
        url,
        {"text": "JB's daughter has since been in touch.", "attachment": SimpleUploadedFile("more.pdf", PDF)},
    )
    assert response.status_code == 302
    follow_up = submitted.follow_ups.get()
    assert follow_up.attachments.get().original_name == "more.pdf"
    assert AuditEvent.objects.filter(action="disclosures.followup.added", object_id=str(follow_up.pk)).exists()
    body = worker_client.get(response["Location"]).content.decode()
    assert "JB&#x27;s daughter has since been in touch." in body and "more.pdf" in body


def test_an_empty_follow_up_is_refused_with_a_message(worker_client, submitted):
    response = worker_client.post(reverse("disclosures:followup_add", args=[submitted.pk]), {"text": "  "})
    assert response.status_code == 200
    assert "Write what you would like to add." in response.content.decode()
    assert not submitted.follow_ups.exists()


def test_the_outcome_summary_shows_only_once_the_case_is_closed(worker_client, submitted):
    case = submitted.case
    case.outcome_summary_for_reporter = "Thank you; the gift was returned and no further action is needed."
    case.save()
    url = reverse("disclosures:detail", args=[submitted.pk])
    assert "no further action is needed" not in worker_client.get(url).content.decode()
    case.status = Case.Status.CLOSED
    case.outcome = Outcome.NO_FURTHER_ACTION
    case.closed_at = timezone.now()
    case.save()
    body = worker_client.get(url).content.decode()
    assert "no further action is needed" in body and "Closed" in body


def test_the_reporter_downloads_an_attachment_as_a_file_and_it_is_audited(worker_client, submitted):
    """IN-09: served as an attachment with nosniff, through the permission check, audited."""
    attachment = submitted.attachments.get()
    response = worker_client.get(reverse("disclosures:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="note.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"a plain note"
    assert AuditEvent.objects.filter(
        action="disclosures.attachment.downloaded", object_id=str(attachment.pk), actor=submitted.reporter.user
    ).exists()


# Security ------------------------------------------------------------------------------------------


def test_posted_status_reporter_case_and_reference_change_nothing(worker_client, org, submitted):
    """IN-05: over-posting on the form and on finishing a draft."""
    response = details_post(
        worker_client,
        "self_declaration",
        category("gifts-money"),
        {
            "narrative": "over-posted",
            "status": "submitted",
            "reporter": org.colleague.pk,
            "case": submitted.case.pk,
            "reference": "D-HACKED",
            "submitted_at": "2020-01-01T00:00:00Z",
            "speak_up": "on",
            "good_faith_confirmed": "on",
            "is_restricted": "on",
            "version": "99",
        },
        action="draft",
    )
    assert response.status_code == 302
    draft = Disclosure.objects.get(narrative="over-posted")
    assert draft.status == Disclosure.Status.DRAFT
    assert draft.reporter == org.worker and draft.case is None and draft.reference is None
    assert draft.submitted_at is None and draft.speak_up is False and draft.good_faith_confirmed is False
    # A draft's kind is fixed: a posted kind is ignored.
    details_post(
        worker_client,
        "concern",
        category("gifts-money"),
        {"narrative": "still a self-declaration"},
        action="draft",
        url=reverse("disclosures:edit", args=[draft.pk]),
    )
    draft.refresh_from_db()
    assert draft.kind == "self_declaration" and draft.narrative == "still a self-declaration"


def test_every_post_needs_a_csrf_token(org, submitted):
    """IN-04: without the token each state-changing route answers 403 and nothing changes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.worker.user)
    before = Disclosure.objects.count()
    posts = [
        (NEW, {"step": "kind", "kind": "incident"}),
        (NEW, {"step": "details", "kind": "incident", "narrative": "x", "action": "draft"}),
        (reverse("disclosures:edit", args=[submitted.pk]), {"narrative": "x"}),
        (reverse("disclosures:followup_add", args=[submitted.pk]), {"text": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Disclosure.objects.count() == before and not submitted.follow_ups.exists()


def test_the_urls_of_the_journey_carry_no_category_or_content(worker_client, org, submitted):
    """CP-03: ids only. The steps post to one URL; redirects and links carry no words from the record."""
    cat = category("gifts-money")
    urls = [NEW, reverse("disclosures:submitted", args=[submitted.pk])]
    for name in ("list", "new"):
        body = worker_client.get(reverse(f"disclosures:{name}")).content.decode()
        urls += re.findall(r'(?:href|action)="([^"]+)"', body)
    body = worker_client.get(reverse("disclosures:detail", args=[submitted.pk])).content.decode()
    urls += re.findall(r'(?:href|action)="([^"]+)"', body)
    for url in urls:
        for word in (cat.code, "gift", "money", "CANARY", "self_declaration", "concern"):
            assert word.lower() not in url.lower(), url


def test_narrative_fields_are_not_remembered_by_the_browser(worker_client, org):
    """CP-06: autocomplete="off" on every free-text field of the form."""
    body = file_journey(worker_client, "incident", "physical-contact").content.decode()
    for name in ("narrative", "immediate_action", "location"):
        tag = re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', body).group(0)
        assert 'autocomplete="off"' in tag, tag


def test_typed_markup_is_shown_as_text_never_run(worker_client, org, service_user):
    """IN-02: a script in the narrative is escaped on the statement page and the list."""
    payload = '"><img src=x onerror=alert(1)><script>alert(2)</script>{{7*7}}'
    details_post(
        worker_client,
        "incident",
        category("physical-contact"),
        {
            "occurred_date": timezone.localdate().isoformat(),
            "location": payload,
            "narrative": payload,
            "immediate_action": "none",
            "at_risk_now": "no",
        },
    )
    disclosure = submitted_only(org)
    body = worker_client.get(reverse("disclosures:detail", args=[disclosure.pk])).content.decode()
    assert "<script>alert(2)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "{{7*7}}" in body


def test_the_category_steps_point_the_script_at_the_policy_guidance_by_id(worker_client, org):
    """The form loads "what the policy says" (policies:category_guidance) by category id only (CP-03)."""
    gifts = category("gifts-money")
    body = worker_client.post(NEW, {"step": "kind", "kind": "self_declaration"}).content.decode()
    assert f'"{gifts.pk}": "/policies/categories/{gifts.pk}/guidance/"' in body
    body = file_journey(worker_client, "self_declaration", "gifts-money").content.decode()
    assert f"/policies/categories/{gifts.pk}/guidance/" in body
