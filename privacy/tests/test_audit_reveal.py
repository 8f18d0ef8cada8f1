"""On speak-up cases the audit trail does not give away who raised the concern (DESIGN §6: only the
guardian sees who raised it). The auditor sees "the person who raised it", in the list and the CSV, and
cannot find those events by typing a name; they may reveal one actor with a reason, which is audited and
the guardian is told (AU-01, AU-08, CP-07)."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent
from audit.selectors import HIDDEN_ACTOR_LABEL
from core.roles import Role
from disclosures.tests.factories import disclosure_file
from notifications.models import OutboxMessage
from policies.models import DisclosureKind

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


@pytest.fixture
def speak_up(org):
    """The worker raises a speak-up concern about the colleague; separately files an ordinary one."""
    raised = disclosure_file(
        reporter=org.worker, kind=DisclosureKind.CONCERN, category_code="discrimination", subjects=[org.colleague],
        speak_up=True,
    )  # fmt: skip
    ordinary = disclosure_file(reporter=org.worker)
    return raised, ordinary


def _theirs(raised, worker):
    return AuditEvent.objects.filter(actor=worker.user, object_type="disclosures.disclosure", object_id=str(raised.pk))


def test_the_auditor_sees_the_person_who_raised_it_not_their_name_in_the_list_or_the_csv(client, org, speak_up):
    raised, ordinary = speak_up
    assert _theirs(raised, org.worker).exists()
    client.force_login(org.auditor)
    page = client.get(LIST, {"object_type": "disclosures.disclosure", "object_id": raised.pk}).content.decode()
    assert HIDDEN_ACTOR_LABEL in page
    assert ">worker<" not in page
    opened = client.get(LIST, {"object_type": "cases.case", "object_id": raised.case_id}).content.decode()
    assert HIDDEN_ACTOR_LABEL in opened and ">worker<" not in opened
    rows = list(csv.DictReader(io.StringIO(client.get(EXPORT).content.decode("utf-8-sig"))))
    about_it = [r for r in rows if r["object_type"] == "disclosures.disclosure" and r["object_id"] == str(raised.pk)]
    assert about_it and {r["actor"] for r in about_it} == {HIDDEN_ACTOR_LABEL}
    # The ordinary disclosure is theirs in plain sight.
    plain = [r for r in rows if r["object_type"] == "disclosures.disclosure" and r["object_id"] == str(ordinary.pk)]
    assert plain and {r["actor"] for r in plain} == {"worker"}


def test_typing_the_reporters_name_in_the_filter_finds_none_of_their_speak_up_events(client, org, speak_up):
    raised, ordinary = speak_up
    client.force_login(org.auditor)
    page = client.get(LIST, {"actor": "worker", "object_type": "disclosures.disclosure"}).content.decode()
    assert f"Disclosure {ordinary.pk}<br>" in page
    assert f"Disclosure {raised.pk}<br>" not in page


def test_the_guardian_sees_who_it_was(client, org, speak_up):
    raised, _ = speak_up
    guardian = org.guardian.user
    guardian.groups.add(Group.objects.get(name=Role.AUDITOR))
    client.force_login(guardian)
    page = client.get(LIST, {"object_type": "disclosures.disclosure", "object_id": raised.pk}).content.decode()
    assert ">worker<" in page and HIDDEN_ACTOR_LABEL not in page


def test_the_auditor_reveals_one_actor_only_with_a_reason_which_is_audited_and_the_guardian_told(client, org, speak_up):
    raised, ordinary = speak_up
    event = _theirs(raised, org.worker).first()
    url = reverse("privacy:audit_actor_reveal", args=[event.pk])
    client.force_login(org.auditor)
    page = client.get(url).content.decode()
    assert HIDDEN_ACTOR_LABEL in page and ">worker<" not in page and "(worker)" not in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Say why you need to know who it was" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.actor.revealed").exists()
    response = client.post(url, {"reason": "Subject access request SAR-2026-014"})
    assert "(worker)" in response.content.decode()
    revealed = AuditEvent.objects.get(action="audit.actor.revealed")
    assert (revealed.actor, revealed.object_id) == (org.auditor, str(event.pk))
    assert revealed.detail == {"reason": "Subject access request SAR-2026-014"}
    told = OutboxMessage.objects.get(template=OutboxMessage.Template.ACTOR_REVEALED)
    assert told.recipient == org.guardian.user and told.link == "/"
    # Only hidden events, and only the auditor.
    plain = AuditEvent.objects.filter(object_type="disclosures.disclosure", object_id=str(ordinary.pk)).first()
    assert client.get(reverse("privacy:audit_actor_reveal", args=[plain.pk])).status_code == 404
    for persona in (org.administrator, org.superuser, org.guardian.user, org.safeguarding.user):
        client.force_login(persona)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "Just curious about it"}).status_code == 404
    assert AuditEvent.objects.filter(action="audit.actor.revealed").count() == 1
