"""The subject-access copy: other people replaced by their part, who raised a concern withheld with the
exemption recorded, the DPO's reading audited per record, more withheld with a reason, and the release."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from people.tests.factories import CarerFactory, ServiceUserFactory
from privacy.models import Redaction, RightsRequest
from privacy.sar.collect import sar_pack_build
from privacy.sar.redact import Redactor
from privacy.sar.render import JSON_NAME
from privacy.sar.services import sar_pack_for, sar_redaction_add, sar_release
from privacy.tests.factories import concern_about, log_request


def _text(pack) -> str:
    return json.dumps(pack, ensure_ascii=False)


def _released_json(rr) -> dict:
    rr.refresh_from_db()
    return json.loads(zipfile.ZipFile(io.BytesIO(bytes(rr.released_zip))).read(JSON_NAME))


def test_the_redactor_replaces_names_initials_and_references_but_keeps_the_subjects_own(org):
    su = ServiceUserFactory(initials="JB", reference="CR-55501")
    CarerFactory(service_user=su, initials="KT")
    redactor = Redactor.for_person(("staff", org.worker.pk))
    colleague = org.colleague.full_name
    text = redactor.text(f"{colleague} saw JB (CR-55501) with KT. {org.worker.full_name} told {org.manager.full_name}.")
    assert colleague not in text and "JB" not in text and "CR-55501" not in text and "KT" not in text
    assert org.worker.full_name in text and org.manager.full_name not in text
    assert text.startswith("A colleague saw a service user (a service user) with a carer or relative.")
    # A service user's own copy keeps their initials and reference; staff become "a member of staff" elsewhere.
    own = Redactor.for_person(("service_user", su.pk))
    assert own.text("JB (CR-55501) met KT") == "JB (CR-55501) met a carer or relative"


def test_who_raised_a_concern_is_withheld_with_the_exemption_recorded(org):
    """CP-09: the accused's copy holds their own data but not the identity of who raised the concern."""
    case = concern_about(org.worker, reporter=org.colleague,
                         narrative=f"{org.colleague.full_name} here: I saw {org.worker.full_name} shout.")  # fmt: skip
    rr = log_request(actor=org.auditor, person=org.worker)
    pack = sar_pack_for(request=rr)
    text = _text(pack)
    assert case.reference in text and "shout" in text
    assert org.colleague.full_name not in text and org.colleague.user.last_name not in text
    assert "the person who raised it" in text
    disclosure = case.disclosures.get()
    source = [e for e in pack["exemptions"] if e["record"] == f"disclosure:{disclosure.pk}"]
    assert source and "Sch 2 Part 3 para 16(4)(a)" in source[0]["ground_label"]
    # The colleague's own copy names them as the one who told us.
    theirs = _text(sar_pack_build(person_key=("staff", org.colleague.pk)))
    assert '"Told us by", "value": "you"' in theirs


def test_a_service_users_copy_names_no_worker_and_no_other_service_user(org):
    su = ServiceUserFactory(initials="PQ", reference="CR-60001")
    other = ServiceUserFactory(initials="ZX", reference="CR-60002")
    from disclosures.tests.factories import disclosure_file

    disclosure_file(reporter=org.worker, service_users=[su, other],
                    narrative=f"PQ and ZX were at the day centre with {org.colleague.full_name}.")  # fmt: skip
    rr = log_request(actor=org.auditor, person=su)
    text = _text(sar_pack_for(request=rr))
    assert "CR-60001" in text and "PQ and a service user were at the day centre with a member of staff." in text
    assert "ZX" not in text and "CR-60002" not in text
    assert org.worker.full_name not in text and org.colleague.full_name not in text


def test_the_dpo_reading_a_record_of_the_draft_is_audited_for_that_record(client, org):
    """AU-01, AC-07: the DPO reads case content only inside the draft, and each reading is audited once."""
    case = concern_about(org.worker, reporter=org.colleague)
    rr = log_request(actor=org.auditor, person=org.worker)
    client.force_login(org.auditor)
    draft = client.get(reverse("privacy:sar_draft", args=[rr.pk]))
    assert draft.status_code == 200 and f"Case {case.reference}" in draft.text
    assert "What happened" not in draft.text  # the list gives titles only; content is one record at a time
    assert not AuditEvent.objects.filter(action="privacy.sar.record_viewed").exists()
    page = client.get(reverse("privacy:sar_record", args=[rr.pk, f"case:{case.pk}"]))
    assert page.status_code == 200 and "the reviewer" in page.text
    event = AuditEvent.objects.get(action="privacy.sar.record_viewed")
    assert (event.object_type, event.object_id, event.actor) == ("cases.case", str(case.pk), org.auditor)
    assert event.detail == {"request": rr.pk, "record": f"case:{case.pk}"}
    # The DPO never sees the case itself.
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_dpo_withholds_more_with_a_reason_and_the_release_leaves_it_out(client, org):
    case = concern_about(org.worker, reporter=org.colleague, narrative="The police liaison officer said 4471.")
    rr = log_request(actor=org.auditor, person=org.worker)
    client.force_login(org.auditor)
    empty = {"item_key": "", "phrase": "", "ground": "crime", "reason": "Live police matter."}
    response = client.post(reverse("privacy:sar_redact", args=[rr.pk]), empty)
    assert response.status_code == 400 and "Type the words to withhold" in response.text
    assert "Live police matter." in response.text  # what was typed is kept
    client.post(reverse("privacy:sar_redact", args=[rr.pk]),
                {"item_key": "", "phrase": "police liaison officer said 4471", "ground": "crime",
                 "reason": "A live police matter."})  # fmt: skip
    assert Redaction.objects.get().reason == "A live police matter."
    event = AuditEvent.objects.get(action="privacy.sar.redacted")
    assert "4471" not in json.dumps(event.detail)  # the words withheld are not written to the trail
    client.post(reverse("privacy:sar_release", args=[rr.pk]))
    data = json.dumps(_released_json(rr), ensure_ascii=False)
    assert "4471" not in data and "[withheld]" in data and case.reference in data
    assert "Prevention or detection of crime" in data


def test_a_whole_record_can_be_withheld(org):
    case = concern_about(org.worker, reporter=org.colleague, narrative="Secret detail.")
    rr = log_request(actor=org.auditor, person=org.worker)
    why = "The social worker advises serious harm."
    sar_redaction_add(request=rr, actor=org.auditor, item_key=f"case:{case.pk}", phrase="",
                      ground=Redaction.Ground.SERIOUS_HARM, reason=why)  # fmt: skip
    pack = sar_pack_for(request=rr)
    withheld = [i for s in pack["sections"] for i in s["items"] if i["key"] == f"case:{case.pk}"][0]
    assert withheld["title"] == "A record withheld" and withheld["fields"] == []


def test_releasing_twice_is_harmless_and_a_released_copy_takes_no_more_redactions(org):
    rr = log_request(actor=org.auditor, person=org.worker)
    first = sar_release(request=rr, actor=org.auditor)
    rr.refresh_from_db()
    assert rr.status == RightsRequest.Status.RELEASED and sar_release(request=rr, actor=org.auditor) == first
    assert AuditEvent.objects.filter(action="privacy.sar.released").count() == 1
    with pytest.raises(Exception, match="open request"):
        sar_redaction_add(request=rr, actor=org.auditor, item_key="", phrase="x", ground="crime", reason="x")


def test_the_copy_says_who_looked_by_role_never_by_name(client, org):
    case = concern_about(org.worker, reporter=org.colleague)
    client.force_login(org.manager.user)
    client.get(reverse("cases:detail", args=[case.pk]))
    rr = log_request(actor=org.auditor, person=org.worker)
    looked = sar_pack_for(request=rr)["looked"]
    assert looked == [{"when": looked[0]["when"], "who": "someone with the line manager role",
                       "what": "opened the case", "record": "a case about you"}]  # fmt: skip


def test_releasing_and_downloading_the_copy_ask_for_the_password_again_after_ten_minutes(client, org):
    """AS-11: the copy holds everything about a person; a sign-in older than ten minutes is asked again."""
    import datetime

    import time_machine
    from django.utils import timezone

    rr = log_request(actor=org.auditor, person=org.worker)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(org.auditor)
        traveller.shift(datetime.timedelta(minutes=11))
        response = client.post(reverse("privacy:sar_release", args=[rr.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
        rr.refresh_from_db()
        assert rr.is_open
        sar_release(request=rr, actor=org.auditor)
        response = client.get(reverse("privacy:sar_download", args=[rr.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_the_copy_holds_notices_replies_assessments_and_register_entries_naming_the_person(org):
    from cases import services as case_services
    from cases.tests.factories import assess
    from people.models import Relationship
    from people.services import relationship_declare

    case = concern_about(org.worker, reporter=org.colleague)
    case = case_services.case_acknowledge(case=case, actor=org.manager.user)
    assess(case, org.manager.user)
    notice = case_services.subject_notice_record(
        case=case, actor=org.manager.user, subject=org.worker,
        told=f"{org.manager.full_name} will meet you about how you spoke to a client.", names_checked=True,
    )  # fmt: skip
    case_services.subject_notice_reply(notice=notice, actor=org.worker.user, response="I was calm; ask the family.")
    relationship_declare(
        staff=org.colleague, counterpart=Relationship.Counterpart.COLLEAGUE, colleague=org.worker,
        kind=Relationship.Kind.FRIEND, began=Relationship.Began.BEFORE, actor=org.colleague.user,
    )  # fmt: skip
    rr = log_request(actor=org.auditor, person=org.worker)
    pack = sar_pack_for(request=rr)
    titles = {s["key"]: [i["title"] for i in s["items"]] for s in pack["sections"]}
    assert titles["notices"] == [f"Notice about case {case.reference}"]
    assert titles["assessments"] == [f"Risk assessment, case {case.reference}"]
    assert titles["registers"] == ["Relationships register entry"]
    text = _text(pack)
    assert "A colleague will meet you about how you spoke to a client." in text and "I was calm" in text
    assert org.colleague.full_name not in text and org.manager.full_name not in text


def test_a_relatives_copy_holds_the_disclosures_naming_them_and_nobody_else(org):
    from disclosures.tests.factories import disclosure_file

    su = ServiceUserFactory(initials="MN", reference="CR-70001")
    carer = CarerFactory(service_user=su, initials="RS", relationship_to_service_user="daughter")
    disclosure = disclosure_file(reporter=org.worker, carers=[carer], service_users=[su],
                                 narrative="RS, MN's daughter, offered me £10; I said no.")  # fmt: skip
    rr = log_request(actor=org.auditor, person=carer)
    text = _text(sar_pack_for(request=rr))
    assert disclosure.reference in text and "RS, a service user's daughter, offered me £10" in text
    assert "CR-70001" not in text and org.worker.full_name not in text
