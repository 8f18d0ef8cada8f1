"""A granted restriction marks the person as restricted, shows on every case page and register entry that names
them, and is lifted by the DPO; a correction to a staff record or a register entry is shown on that record
(docs/privacy.md "Erasure and restriction", "Rectification")."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from people.models import ProcessingRestriction, RecordCorrectionNote, Relationship
from people.services import relationship_declare
from people.tests.factories import ServiceUserFactory
from privacy.models import RightsRequest
from privacy.requests import erasure
from privacy.tests.factories import concern_about, log_request

pytestmark = pytest.mark.django_db

BANNER = "The use of this person's records is restricted while a request is decided"


@pytest.fixture
def entry(org):
    su = ServiceUserFactory(team=org.north_a, reference="CR-70001", initials="JB")
    return relationship_declare(
        staff=org.worker,
        counterpart=Relationship.Counterpart.SERVICE_USER,
        kind=Relationship.Kind.FRIEND,
        began=Relationship.Began.BEFORE,
        service_user=su,
        arrangement="Another worker supports JB.",
    )


def test_a_granted_restriction_shows_on_the_case_pages_and_register_until_the_dpo_lifts_it(client, org, entry):
    """AC-07: only the DPO grants and lifts; the banner reaches everyone who sees the records."""
    case = concern_about(org.worker, reporter=org.colleague)
    other = concern_about(org.colleague, reporter=org.other_manager)
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RESTRICTION)
    client.force_login(org.manager.user)
    assert BANNER not in client.get(reverse("cases:detail", args=[case.pk])).text
    assert BANNER not in client.get(reverse("registers:relationships")).text

    client.force_login(org.auditor)
    client.post(reverse("privacy:request_restrict", args=[rr.pk]), {"reason": "While the accuracy is checked."})
    restriction = ProcessingRestriction.objects.active().get()
    assert restriction.staff == org.worker and restriction.request_id == rr.pk
    assert "The restriction is in force" in client.get(reverse("privacy:request", args=[rr.pk])).text

    client.force_login(org.manager.user)
    assert BANNER in client.get(reverse("cases:detail", args=[case.pk])).text
    assert BANNER in client.get(reverse("cases:history", args=[case.pk])).text
    assert BANNER in client.get(reverse("registers:relationships")).text
    client.force_login(org.manager.user)
    # A case that does not name the person shows no banner.
    other_page = client.get(reverse("cases:detail", args=[other.pk]))
    assert other_page.status_code != 200 or BANNER not in other_page.text

    # Lifting needs a reason, which is kept as typed when missing.
    client.force_login(org.auditor)
    response = client.post(reverse("privacy:request_lift", args=[rr.pk]), {"reason": ""})
    assert response.status_code == 400 and "Say why" in response.text
    client.post(reverse("privacy:request_lift", args=[rr.pk]), {"reason": "The record was checked and is accurate."})
    restriction.refresh_from_db()
    assert restriction.lifted_at and restriction.lifted_by == org.auditor
    assert restriction.history.count() == 2  # granted, lifted: both kept
    assert AuditEvent.objects.filter(action="privacy.restriction.lifted", object_id=str(rr.pk)).exists()
    assert client.post(reverse("privacy:request_lift", args=[rr.pk]), {"reason": "again"}).status_code == 404

    client.force_login(org.manager.user)
    assert BANNER not in client.get(reverse("cases:detail", args=[case.pk])).text
    assert BANNER not in client.get(reverse("registers:relationships")).text


def test_a_refused_restriction_marks_nobody(org):
    concern_about(org.worker, reporter=org.colleague, at_risk_now=True)
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RESTRICTION)
    rr = erasure.apply_restriction(request=rr, actor=org.auditor, reason="Until the review.")
    assert rr.status == RightsRequest.Status.REFUSED
    assert not ProcessingRestriction.objects.exists()


def test_a_correction_to_a_register_entry_is_shown_on_the_register(client, org, entry):
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RECTIFICATION)
    client.force_login(org.auditor)
    response = client.post(
        reverse("privacy:request_correct", args=[rr.pk]),
        {"item_key": f"relationship:{entry.pk}", "correction": "We met after I started, not before.",
         "decision": "accepted", "reason": "The declaration form says so."},
    )  # fmt: skip
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.began == Relationship.Began.BEFORE  # the entry itself is never changed
    note = RecordCorrectionNote.objects.get()
    assert note.relationship == entry and note.staff is None
    client.force_login(org.manager.user)
    page = client.get(reverse("registers:relationships")).text
    assert "We met after I started, not before." in page and "The declaration form says so." in page


def test_a_correction_to_a_staff_record_is_shown_on_it_in_the_admin(client, org):
    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RECTIFICATION)
    client.force_login(org.auditor)
    client.post(
        reverse("privacy:request_correct", args=[rr.pk]),
        {"item_key": f"person:staff:{org.worker.pk}", "correction": "My start date is 4 May, not 3 May.",
         "decision": "accepted", "reason": "The contract says 4 May."},
    )  # fmt: skip
    note = RecordCorrectionNote.objects.get()
    assert note.staff == org.worker
    client.force_login(org.administrator.user if hasattr(org.administrator, "user") else org.administrator)
    page = client.get(reverse("admin:people_staffmember_change", args=[org.worker.pk])).text
    assert "My start date is 4 May, not 3 May." in page and "The contract says 4 May." in page
