"""The data subjects' requests fall under the retention schedule too (docs/retention.md, "The schedule";
CP-08): the released copy goes 1 year after release, the request record (its details, decision, what was
withheld and why, the corrections) 3 years after the decision, through audit.removal, unless a legal hold keeps
the person."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from disclosures.tests.factories import DraftDisclosureFactory
from people.models import RecordCorrectionNote
from privacy.holds import legal_hold_lift, legal_hold_place
from privacy.models import RecordCorrection, Redaction, RightsRequest
from privacy.requests.services import correction_record, request_decide
from privacy.retention import requests_due
from privacy.retention_removal import retention_run
from privacy.sar.services import sar_redaction_add, sar_release
from privacy.tests.factories import log_request
from privacy.tests.retention_canary import tables_holding

pytestmark = pytest.mark.django_db

IN_COPY = "CANARY-5d1c-released-copy"
IN_REQUEST = "CANARY-a83f-request-record"
TODAY = timezone.localdate()


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def copies_holding(canary: str) -> list[int]:
    """The requests whose released ZIP holds `canary` in any of its files (the ZIP is compressed)."""
    found = []
    for rr in RightsRequest.objects.exclude(released_zip=None):
        with zipfile.ZipFile(io.BytesIO(bytes(rr.released_zip))) as archive:
            if any(canary.encode() in archive.read(name) for name in archive.namelist()):
                found.append(rr.pk)
    return found


@pytest.fixture
def planted(org):
    DraftDisclosureFactory(reporter=org.worker, narrative=f"My own draft: {IN_COPY}.")
    access = log_request(actor=org.auditor, person=org.worker)
    access.details = f"Everything you hold. {IN_REQUEST}"
    access.save()
    sar_redaction_add(request=access, actor=org.auditor, item_key="", phrase="zzz-not-present",
                      ground="crime", reason=f"A live police matter. {IN_REQUEST}")  # fmt: skip
    sar_release(request=access, actor=org.auditor)
    fix = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RECTIFICATION)
    correction_record(request=fix, actor=org.auditor, item_key=f"person:staff:{org.worker.pk}",
                      correction=f"My job title is wrong. {IN_REQUEST}", decision="accepted",
                      reason="The contract agrees.")  # fmt: skip
    request_decide(request=fix, actor=org.auditor, status="granted", reason=f"Corrected. {IN_REQUEST}")
    access.refresh_from_db()
    assert copies_holding(IN_COPY) == [access.pk]  # the canary really is in the copy
    where = tables_holding(IN_REQUEST)
    for expected in (
        "privacy_rightsrequest.details",
        "privacy_historicalrightsrequest.decision_reason",
        "privacy_redaction.reason",
        "privacy_historicalredaction.reason",
        "privacy_recordcorrection.correction",
        "privacy_historicalrecordcorrection.correction",
    ):
        assert expected in where, f"the canary never reached {expected}"
    return access, fix


def test_the_released_copy_goes_a_year_after_release_and_the_request_record_after_three(org, planted):
    access, fix = planted
    digest = access.release_digest
    assert retention_run(as_of=_days(364)).items == []
    assert copies_holding(IN_COPY) == [access.pk]

    run = retention_run(as_of=_days(366))
    assert [(i["record_type"], i["label"].rsplit(": ", 1)[1]) for i in run.items] == [
        ("sar_copies", f"record {access.pk}")
    ]
    access.refresh_from_db()
    assert access.released_zip is None and access.release_digest == digest  # the proof of what was sent stays
    # Only the worker's own draft (their record, not the request's) still holds what was in the copy.
    own_draft = {"disclosures_disclosure.narrative", "disclosures_historicaldisclosure.narrative"}
    assert copies_holding(IN_COPY) == [] and tables_holding(IN_COPY) == own_draft
    assert AuditEvent.objects.filter(action="privacy.retention.sar_copy_removed", object_id=str(access.pk)).exists()
    assert IN_REQUEST in access.details  # the record itself is kept longer

    run = retention_run(as_of=_days(366 * 3 + 1))
    assert {i["record_type"] for i in run.items} == {"rights_requests"} and len(run.items) == 2
    assert not RightsRequest.objects.exists() and not RightsRequest.history.exists()
    assert not Redaction.objects.exists() and not RecordCorrection.history.exists()
    # Only the correction shown on the staff record stays, with that record (docs/privacy.md "Rectification").
    assert tables_holding(IN_REQUEST) == {
        "people_recordcorrectionnote.text",
        "people_historicalrecordcorrectionnote.text",
    }
    assert RecordCorrectionNote.objects.get().staff == org.worker
    events = AuditEvent.objects.filter(action="privacy.retention.request_removed")
    assert {e.object_id for e in events} == {str(access.pk), str(fix.pk)}
    assert retention_run(as_of=_days(366 * 3 + 1)).items == []  # nothing done twice


def test_a_legal_hold_on_the_person_keeps_their_requests_and_the_copy(org, planted):
    access, _ = planted
    hold = legal_hold_place(actor=org.auditor, staff=org.worker, reason="Tribunal claim.", review_date=_days(30))
    assert retention_run(as_of=_days(366 * 4)).items == []
    assert copies_holding(IN_COPY) == [access.pk] and RightsRequest.objects.count() == 2
    legal_hold_lift(hold=hold, actor=org.auditor, reason="Claim settled.")
    assert len(requests_due(until=_days(366 * 4))) == 3  # the copy, and both records


def test_a_request_whose_restriction_is_in_force_is_kept(org):
    from privacy.requests import erasure

    rr = log_request(actor=org.auditor, person=org.worker, kind=RightsRequest.Kind.RESTRICTION)
    erasure.apply_restriction(request=rr, actor=org.auditor, reason="While the accuracy is checked.")
    assert requests_due(until=_days(366 * 4)) == []
    erasure.lift_restriction(request=rr, actor=org.auditor, reason="Checked.")
    assert [d.object_id for d in requests_due(until=_days(366 * 4))] == [rr.pk]
    retention_run(as_of=_days(366 * 4))
    assert not RightsRequest.objects.exists()
    from people.models import ProcessingRestriction

    assert not ProcessingRestriction.objects.exists() and not ProcessingRestriction.history.exists()


def test_the_dpos_retention_page_lists_a_copy_falling_due_in_the_next_90_days(client, org, planted):
    from django.urls import reverse

    access, _ = planted
    RightsRequest.objects.filter(pk=access.pk).update(decided_at=timezone.now() - datetime.timedelta(days=300))
    client.force_login(org.auditor)
    page = client.get(reverse("privacy:retention")).text
    assert f"The released copy of request {access.pk}" in page
