"""Submitting, following up and attaching, through the services the views use."""

import json
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from audit.models import AuditEvent
from cases.models import Case, TimelineEntry
from disclosures.models import Attachment, Disclosure
from disclosures.services import attachment_add, disclosure_draft_save, disclosure_submit, followup_add
from disclosures.tests.factories import DraftDisclosureFactory, category, disclosure_file
from notifications.models import OutboxMessage
from people.models import Relationship
from people.tests.factories import CarerFactory, ServiceUserFactory
from policies.models import DisclosureKind

K = DisclosureKind
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# ------------------------------------------------------------------ submitting


def test_submitting_gives_a_reference_opens_a_case_and_records_an_audit_event(org):
    disclosure = disclosure_file(reporter=org.worker)

    assert re.fullmatch(r"D-\d{4}-\d{5}", disclosure.reference)
    assert disclosure.status == Disclosure.Status.SUBMITTED
    assert disclosure.submitted_at is not None
    assert re.fullmatch(r"C-\d{4}-\d{5}", disclosure.case.reference)
    assert disclosure.case.reviewer == org.manager
    assert list(disclosure.case.subjects.all()) == [org.worker]
    assert AuditEvent.objects.filter(
        action="disclosures.disclosure.submitted", object_id=str(disclosure.pk), actor=org.worker.user
    ).exists()
    assert disclosure.history.filter(history_change_reason="disclosures.disclosure.submitted").exists()


def test_references_are_numbered_in_order(org):
    first = disclosure_file(reporter=org.worker, service_users=[ServiceUserFactory()])
    second = disclosure_file(reporter=org.colleague, service_users=[ServiceUserFactory()])
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1
    assert int(second.case.reference[-5:]) == int(first.case.reference[-5:]) + 1


def test_submitting_twice_is_harmless(org):
    disclosure = disclosure_file(reporter=org.worker)
    again = disclosure_submit(disclosure=disclosure, actor=org.worker.user)
    assert again.reference == disclosure.reference
    assert Case.objects.count() == 1


def test_the_acknowledgement_deadline_skips_the_weekend(org, time_machine):
    """DESIGN §4: 5 working days normally, 1 for urgent cases."""
    time_machine.move_to("2026-11-20 10:00")  # a Friday
    normal = disclosure_file(reporter=org.worker)
    urgent = disclosure_file(reporter=org.colleague, category_code="sexual-boundaries")
    assert str(normal.case.acknowledge_by_date) == "2026-11-27"
    assert str(urgent.case.acknowledge_by_date) == "2026-11-23"


def test_an_incomplete_concern_is_refused_with_reasons_for_each_field(org):
    draft = disclosure_draft_save(reporter=org.worker, kind=K.CONCERN, category=category("gifts-money"))
    with pytest.raises(ValidationError) as refused:
        disclosure_submit(disclosure=draft, actor=org.worker.user)
    assert set(refused.value.message_dict) == {"narrative", "subjects", "good_faith_confirmed"}
    draft.refresh_from_db()
    assert draft.is_draft and draft.reference is None


def test_a_category_that_does_not_fit_the_kind_is_refused(org):
    draft = disclosure_draft_save(
        reporter=org.worker, kind=K.VARIATION, category=category("sexual-boundaries"), narrative="x"
    )
    with pytest.raises(ValidationError) as refused:
        disclosure_submit(disclosure=draft, actor=org.worker.user)
    assert "category" in refused.value.message_dict


def test_only_the_worker_who_wrote_it_can_submit_a_draft(org):
    draft = DraftDisclosureFactory(reporter=org.worker)
    with pytest.raises(PermissionDenied):
        disclosure_submit(disclosure=draft, actor=org.manager.user)


def test_a_submitted_statement_cannot_be_changed_through_the_draft_service(org):
    disclosure = disclosure_file(reporter=org.worker)
    with pytest.raises(ValidationError):
        disclosure_draft_save(reporter=org.worker, kind=K.INCIDENT, disclosure=disclosure, narrative="rewritten")


def test_speak_up_is_dropped_from_anything_but_a_concern(org):
    draft = disclosure_draft_save(reporter=org.worker, kind=K.INCIDENT, speak_up=True)
    assert draft.speak_up is False


def test_a_declared_relationship_is_recorded_in_the_register(org):
    """DESIGN §3 people: the register holds what a self-declaration declares."""
    service_user = ServiceUserFactory(team=org.north_a)
    carer = CarerFactory(service_user=service_user)
    disclosure = disclosure_file(
        reporter=org.worker,
        category_code="prior-relationship",
        service_users=[service_user],
        carers=[carer],
        details={"kind": "friend", "since": "2019", "began": "before"},
    )
    rels = Relationship.objects.filter(staff=org.worker)
    assert {(r.counterpart, r.kind, r.began, r.status) for r in rels} == {
        ("service_user", "friend", "before", "declared"),
        ("carer", "friend", "before", "declared"),
    }
    assert rels.first().history.first().history_change_reason == f"declared in {disclosure.reference}"


def test_a_relationship_between_workers_is_registered_and_then_excludes_the_partner_from_reviewing(org):
    disclosure_file(
        reporter=org.worker,
        category_code="relationship-between-workers",
        subjects=[org.colleague],
        details={"kind": "romantic", "began": "during"},
    )
    assert Relationship.objects.get(staff=org.worker, colleague=org.colleague).kind == "romantic"
    # Later, a concern about the worker cannot go to anyone with a close relationship to them.
    concern = disclosure_file(
        reporter=org.manager, kind=K.CONCERN, category_code="discrimination", subjects=[org.worker]
    )
    assert concern.case.reviewer == org.senior


# ------------------------------------------------------------------ notifications (CP-07, JR-02, JR-06)


def test_the_reviewer_and_the_worker_each_get_one_e_mail_after_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        disclosure = disclosure_file(reporter=org.worker)
    case = disclosure.case

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {org.manager.user.email, org.worker.user.email}
    to_reviewer = by_address[org.manager.user.email]
    assert to_reviewer.subject == "A new case needs your attention"
    assert f"http://127.0.0.1:8000/cases/{case.pk}/" in to_reviewer.body
    assert f"acknowledge it by {case.acknowledge_by_date:%A} {case.acknowledge_by_date.day}" in to_reviewer.body
    receipt = by_address[org.worker.user.email]
    assert f"/disclosures/{disclosure.pk}/" in receipt.body
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_an_urgent_case_e_mails_the_safeguarding_lead_too(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_file(reporter=org.worker, category_code="sexual-boundaries")
    urgent = [m for m in mail.outbox if m.to == [org.safeguarding.user.email]]
    assert len(urgent) == 1
    assert urgent[0].subject == "An urgent case needs your attention"


def test_no_e_mail_carries_case_content(org, django_capture_on_commit_callbacks):
    """CP-07: canaries from the narrative, details, names, category and service user never appear
    in any subject or body, for every kind of disclosure and every notification path."""
    for n, staff in enumerate(
        [org.worker, org.colleague, org.manager, org.senior, org.safeguarding, org.guardian], start=1
    ):
        staff.user.first_name, staff.user.last_name = f"Canaryfirst{n}", f"Canarylast{n}"
        staff.user.save()
    service_user = ServiceUserFactory(team=org.north_a, reference="CANARY-SU-REF", initials="QZX")
    canary = "CANARY-7f3a9c"
    with django_capture_on_commit_callbacks(execute=True):
        filed = [
            disclosure_file(
                reporter=org.worker,
                category_code="gifts-money",
                service_users=[service_user],
                narrative=f"{canary} narrative",
                details={"item": f"{canary}-item", "from_whom": f"{canary}-giver"},
            ),
            disclosure_file(reporter=org.worker, kind=K.INCIDENT, category_code="sexual-boundaries", narrative=canary),
            disclosure_file(
                reporter=org.colleague,
                kind=K.CONCERN,
                category_code="discrimination",
                subjects=[org.manager],
                narrative=canary,
            ),
            disclosure_file(
                reporter=org.colleague,
                kind=K.CONCERN,
                category_code="substances",
                subjects=[org.worker],
                speak_up=True,
                narrative=canary,
            ),
            disclosure_file(
                reporter=org.worker,
                kind=K.VARIATION,
                category_code="variation-request",
                service_users=[service_user],
                narrative=canary,
            ),
        ]
        followup_add(disclosure=filed[0], author=org.worker, text=f"{canary} follow-up")
        disclosure_file(
            reporter=org.worker,
            category_code="gifts-money",
            service_users=[service_user],
            narrative=f"{canary} again",
        )  # attached to the first case: "new information" path

    templates = set(OutboxMessage.objects.values_list("template", flat=True))
    T = OutboxMessage.Template
    # Every notification that filing sends was exercised (case review sends the others, tested in cases/):
    # three cases around one service user within a year are a pattern, so the safeguarding lead is told.
    assert templates == {T.CASE_NEW, T.CASE_URGENT, T.CASE_UPDATED, T.DISCLOSURE_RECEIPT, T.PATTERN_ALERT}
    assert len(mail.outbox) == OutboxMessage.objects.count()
    forbidden = ["CANARY", "Canary", "QZX", *(c.name for c in {d.category for d in filed})]
    forbidden += [label for _, label in DisclosureKind.choices]
    for message in mail.outbox:
        text = "\n".join([message.subject, message.body, *map(str, message.extra_headers.values())])
        for word in forbidden:
            assert word not in text, (word, message.subject)


def test_task_payloads_and_outbox_rows_carry_ids_only(org, django_capture_on_commit_callbacks, monkeypatch):
    """JR-06: what goes to the broker is an id; the outbox holds a path, never content."""
    from notifications.tasks import outbox_deliver

    sent = []
    real = outbox_deliver.delay
    monkeypatch.setattr(outbox_deliver, "delay", lambda *a, **kw: sent.append((a, kw)) or real(*a, **kw))
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_file(reporter=org.worker, category_code="sexual-boundaries", narrative="CANARY-payload")
    assert sent
    for args, kwargs in sent:
        assert re.fullmatch(r'^[\[\]{}0-9a-f\-",: ]+$', json.dumps([args, kwargs]))
    for row in OutboxMessage.objects.values("link", "dedupe_key", "last_error"):
        assert "CANARY" not in json.dumps(row)
        assert re.fullmatch(r"/(cases|disclosures)/\d+/", row["link"])


def test_nothing_is_queued_or_saved_when_the_transaction_rolls_back(org, django_capture_on_commit_callbacks):
    """JR-02: a failure after the submit leaves no case, no outbox row and no publish."""

    class Boom(Exception):
        pass

    draft = DraftDisclosureFactory(reporter=org.worker)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        disclosure_submit(disclosure=draft, actor=org.worker.user)
        assert OutboxMessage.objects.count() == 2  # written inside the transaction …
        raise Boom
    assert callbacks == []  # … and never published
    assert OutboxMessage.objects.count() == 0
    assert Case.objects.count() == 0
    assert mail.outbox == []
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_broker_failure_on_publish_does_not_undo_the_submission(org, django_capture_on_commit_callbacks, monkeypatch):
    """JR-01 (unit): publishing raises, the disclosure stands, the outbox rows wait for the relay."""
    from kombu.exceptions import OperationalError

    from notifications.tasks import outbox_deliver

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(outbox_deliver, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        disclosure = disclosure_file(reporter=org.worker)
    assert Disclosure.objects.get(pk=disclosure.pk).case is not None
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []


# ------------------------------------------------------------------ follow-ups and attachments


def test_a_follow_up_is_added_to_the_timeline_and_tells_the_reviewer(org, django_capture_on_commit_callbacks):
    disclosure = disclosure_file(reporter=org.worker)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up = followup_add(disclosure=disclosure, author=org.worker, text="The gift was returned.")
    assert disclosure.follow_ups.get() == follow_up
    assert disclosure.case.timeline.filter(code=TimelineEntry.Code.NOTE).exists()
    assert [m.to for m in mail.outbox] == [[org.manager.user.email]]
    assert AuditEvent.objects.filter(action="disclosures.followup.added").count() == 1


def test_only_the_worker_who_filed_can_follow_up(org):
    disclosure = disclosure_file(reporter=org.worker)
    with pytest.raises(PermissionDenied):
        followup_add(disclosure=disclosure, author=org.colleague, text="me too")


def test_an_allowed_file_is_stored_privately_under_a_new_name(org, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    disclosure = disclosure_file(reporter=org.worker)
    upload = SimpleUploadedFile("../../etc/receipt photo.PNG", PNG, content_type="text/html")
    attachment = attachment_add(disclosure=disclosure, uploaded_by=org.worker, uploaded_file=upload)

    assert attachment.original_name == "receipt photo.PNG"
    assert attachment.content_type == "image/png"  # from the allow-list, not the browser
    assert re.fullmatch(r"disclosures/[0-9a-f]{32}\.png", attachment.file.name)
    assert (tmp_path / attachment.file.name).read_bytes() == PNG
    assert attachment.file.storage.base_url is None or not attachment.file.storage.base_url
    assert AuditEvent.objects.filter(action="disclosures.attachment.added").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("script.exe", b"MZ\x90\x00", "type"),
        ("page.html", b"<html>", "type"),
        ("photo.png", b"<html>not a png</html>", "content"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n", "content"),
        ("notes.txt", b"\x00\x01\x02binary", "content"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_disallowed_or_disguised_file_is_refused(org, settings, tmp_path, name, content, code):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    disclosure = DraftDisclosureFactory(reporter=org.worker)
    with pytest.raises(ValidationError) as refused:
        attachment_add(disclosure=disclosure, uploaded_by=org.worker, uploaded_file=SimpleUploadedFile(name, content))
    assert refused.value.code == code
    assert Attachment.objects.count() == 0


@override_settings(DISCLOSURE_ATTACHMENT_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(org, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    disclosure = DraftDisclosureFactory(reporter=org.worker)
    with pytest.raises(ValidationError) as refused:
        attachment_add(
            disclosure=disclosure,
            uploaded_by=org.worker,
            uploaded_file=SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200),
        )
    assert refused.value.code == "size"
    assert not any(tmp_path.rglob("*.pdf"))
