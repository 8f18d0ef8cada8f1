"""The demo worker's subject-access copy: a ZIP whose PDF a person can read, holding their own records, in
which no other person of the demo organisation is named (every other name and identifier is scanned for, in
the PDF and in the JSON). Seeded once for the module (demo/tests/conftest.py). Here, outside the apps, because
it uses the demo, which sits above privacy in the layers."""

import io
import json
import re
import zipfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.models import Case
from demo.tests.conftest import module_transaction  # noqa: F401 - the fixture, seeded once per module
from disclosures.models import Disclosure
from people.models import CarerOrRelative, ServiceUser, StaffMember
from privacy.models import RightsRequest
from privacy.sar.render import JSON_NAME, PDF_NAME
from privacy.tests.factories import concern_about, log_request

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):  # noqa: F811 - the imported fixture
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("seed_demo", "--cases", "30", stdout=StringIO())


def _other_names(me: StaffMember) -> list[tuple[str, str, bool]]:
    """(what, text, case-sensitive) for every other person of the demo: names, usernames, e-mail addresses, staff
    and registration numbers; service users' references and initials; carers' and relatives' initials."""
    found = []
    for user in get_user_model().objects.exclude(pk=me.user_id):
        found.append(("name", user.get_full_name(), False))
        if not user.username.isalpha():  # the demo logins "manager", "senior"… are ordinary words, not names
            found.append(("username", user.username, False))
        if user.email:
            found.append(("e-mail", user.email, False))
    for staff in StaffMember.objects.exclude(pk=me.pk):
        found.append(("staff number", staff.staff_number, False))
        if staff.registration_number:
            found.append(("registration", staff.registration_number, False))
    for person in ServiceUser.objects.all():
        found += [("reference", person.reference, False), ("initials", person.initials, True)]
    found += [("initials", person.initials, True) for person in CarerOrRelative.objects.all()]
    return [(what, text, exact) for what, text, exact in found if text and (not exact or len(text) >= 2)]


def _leaks(text: str, names) -> list[str]:
    leaks = []
    for what, name, exact in names:
        pattern = r"(?<![\w-])" + re.escape(name) + r"(?![\w-])"
        if re.search(pattern, text, 0 if exact else re.IGNORECASE):
            leaks.append(f"{what} {name!r}")
    return leaks


@pytest.fixture
def released(seeded, client):
    """The DPO logs the demo worker's request, reads the draft and releases the copy through the pages."""
    auditor = get_user_model().objects.get(username="auditor")
    worker = StaffMember.objects.get(user__username="worker")
    # A teammate raises a concern about the demo worker naming people, and the manager opens the case: the copy
    # then holds other people's words about them and who looked.
    teammate = StaffMember.objects.filter(team=worker.team).exclude(pk__in=[worker.pk, worker.line_manager_id])[0]
    service_user = ServiceUser.objects.filter(team=worker.team)[0]
    case = concern_about(
        worker,
        reporter=teammate,
        service_users=[service_user],
        narrative=f"I ({teammate.full_name}) saw {worker.full_name} shout at {service_user.initials} "
        f"({service_user.reference}); {worker.line_manager.full_name} was told.",
    )
    client.force_login(worker.line_manager.user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    rr = log_request(actor=auditor, person=worker)
    client.force_login(auditor)
    assert client.get(reverse("privacy:sar_draft", args=[rr.pk])).status_code == 200
    assert client.post(reverse("privacy:sar_release", args=[rr.pk])).status_code == 302
    response = client.get(reverse("privacy:sar_download", args=[rr.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted([PDF_NAME, JSON_NAME])
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(PDF_NAME))).pages)
    data = json.loads(archive.read(JSON_NAME))
    rr.refresh_from_db()
    return rr, worker, pdf_text, data, case


def test_the_demo_workers_copy_is_readable_and_holds_their_own_records(released):
    rr, worker, pdf_text, data, case = released
    assert rr.status == RightsRequest.Status.RELEASED and len(rr.release_digest) == 64
    flat = " ".join(pdf_text.split())
    assert "A copy of your records" in flat and worker.full_name in flat
    own = Disclosure.objects.filter(reporter=worker, status=Disclosure.Status.SUBMITTED)
    assert own.exists()
    for disclosure in own:
        assert disclosure.reference in flat, disclosure.reference
        assert disclosure.reference in json.dumps(data)
    for concerned in Case.objects.filter(subjects=worker):
        assert concerned.reference in flat
    assert case.reference in flat and "shout" in flat and "the person who raised it" in flat
    assert "someone with the line manager role" in flat and "opened the case" in flat  # who looked, by role
    assert data["copy_for"] == worker.full_name
    assert {s["title"] for s in data["sections"]} >= {
        "About you",
        "Disclosures",
        "Cases",
        "Policies you confirmed reading",
    }
    assert "who_looked_at_your_records" in data


def test_no_other_demo_person_is_named_anywhere_in_the_pdf_or_the_json(released):
    """CP-09: 0 other people's names or identifiers in the accused worker's copy, PDF and JSON alike."""
    rr, worker, pdf_text, data, case = released
    names = _other_names(worker)
    assert len(names) > 300  # the whole demo organisation is scanned for
    flat = " ".join(pdf_text.split())
    assert _leaks(flat, names) == []
    assert _leaks(json.dumps(data, ensure_ascii=False), names) == []


def test_releasing_the_copy_is_audited_with_the_exemptions_recorded(released):
    rr, worker, pdf_text, data, case = released
    event = AuditEvent.objects.get(action="privacy.sar.released", object_id=str(rr.pk))
    assert event.detail["sha256"] == rr.release_digest
    assert AuditEvent.objects.filter(action="privacy.sar.downloaded", object_id=str(rr.pk)).exists()
    assert AuditEvent.objects.filter(action="privacy.sar.draft_viewed", object_id=str(rr.pk)).exists()
