"""My actions (/actions/, docs/cases.md): every action a person owns, with what to do and by when, marked done
or not possible (with a reason) by its owner only, without the case's content; the dashboard counts them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Action, Case, TimelineEntry
from cases.tests.factories import concern_case, template
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

NARRATIVE = "The colleague shouted at a service user during the evening shift."


@pytest.fixture
def action(org):
    """org.colleague is the subject of a concern org.worker raised; the reviewer agrees supervision for the
    colleague, who owns the action but may not open the case about them."""
    case = concern_case(org, narrative=NARRATIVE)
    services.case_acknowledge(case=case, actor=org.manager.user)
    return services.action_add(
        case=case,
        actor=org.manager.user,
        template=template("supervision"),
        owner=org.colleague,
        details="Talk through raising your voice in supervision.",
    )


def test_the_owner_sees_what_to_do_and_by_when_but_nothing_of_the_case(client, org, action):
    client.force_login(org.colleague.user)
    response = client.get(reverse("actions:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert action.template.title in body and "Talk through raising your voice" in body
    assert action.due_date.strftime("%-d %B %Y") in body
    for secret in (
        action.case.reference,
        NARRATIVE,
        org.worker.full_name,
        reverse("cases:detail", args=[action.case.pk]),
    ):
        assert secret not in body
    # Still no access to the case itself.
    assert client.get(reverse("cases:detail", args=[action.case.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["worker", "manager", "other_manager", "safeguarding", "auditor", "committee"])
def test_someone_who_owns_no_action_gets_404_and_cannot_mark_anothers(client, org, action, persona):
    user = getattr(org, persona)
    client.force_login(getattr(user, "user", user))
    assert client.get(reverse("actions:list")).status_code == 404
    response = client.post(reverse("actions:mark", args=[action.pk]), {f"a{action.pk}-status": "done"})
    assert response.status_code == 404
    assert Action.objects.get(pk=action.pk).status == Action.Status.OPEN


def test_marking_done_locks_versions_writes_the_timeline_and_tells_the_reviewer(client, org, action):
    version = Case.objects.get(pk=action.case_id).version
    client.force_login(org.colleague.user)
    response = client.post(reverse("actions:mark", args=[action.pk]), {f"a{action.pk}-status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE and action.completed_at is not None
    case = Case.objects.get(pk=action.case_id)
    assert case.version == version + 1
    entry = case.timeline.filter(code=TimelineEntry.Code.ACTION_UPDATED).last()
    assert "marked by its owner" in entry.text and entry.actor == org.colleague.user
    message = OutboxMessage.objects.get(recipient=org.manager.user, template=OutboxMessage.Template.CASE_UPDATED)
    assert message.link == f"/cases/{case.pk}/"  # a link, never content
    assert AuditEvent.objects.filter(action="cases.action.owner_marked").exists()
    assert action.history.first().history_change_reason == "cases.action.owner_marked"


def test_not_possible_needs_a_reason_which_the_reviewer_reads(client, org, action):
    client.force_login(org.colleague.user)
    url = reverse("actions:mark", args=[action.pk])
    response = client.post(url, {f"a{action.pk}-status": "not_possible", f"a{action.pk}-reason": " "})
    assert response.status_code == 200 and "Say why" in response.content.decode()
    assert Action.objects.get(pk=action.pk).status == Action.Status.OPEN
    client.post(url, {f"a{action.pk}-status": "not_possible", f"a{action.pk}-reason": "My supervisor is on leave."})
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_POSSIBLE and action.not_possible_reason == "My supervisor is on leave."
    client.force_login(org.manager.user)
    assert "My supervisor is on leave." in client.get(reverse("cases:detail", args=[action.case_id])).content.decode()


def test_the_service_refuses_anyone_but_the_owner_and_anything_no_longer_to_do(org, action):
    with pytest.raises(services.CaseError, match="owns"):
        services.action_owner_mark(action=action, actor=org.manager.user, status=Action.Status.DONE)
    with pytest.raises(services.CaseError, match="done or not possible"):
        services.action_owner_mark(action=action, actor=org.colleague.user, status=Action.Status.CANCELLED)
    services.action_owner_mark(action=action, actor=org.colleague.user, status=Action.Status.DONE)
    with pytest.raises(services.CaseError, match="no longer to do"):
        services.action_owner_mark(action=action, actor=org.colleague.user, status=Action.Status.DONE)


def test_a_not_possible_action_always_has_its_reason(org, action):
    action.status = Action.Status.NOT_POSSIBLE
    with pytest.raises(ValidationError):
        action.full_clean()


def test_the_menu_and_the_dashboard_count_them(client, org, action):
    client.force_login(org.colleague.user)
    body = client.get(reverse("dashboard")).content.decode()
    assert "1 action of yours to do" in body
    assert reverse("actions:list") in body
    services.action_owner_mark(action=action, actor=org.colleague.user, status=Action.Status.DONE)
    assert "action of yours to do" not in client.get(reverse("dashboard")).content.decode()


def test_the_daily_digest_counts_the_owners_due_actions_even_on_a_case_they_may_not_open(org, action):
    import datetime

    from cases.selectors import digest_counts_for

    later = action.due_date + datetime.timedelta(days=1)
    assert digest_counts_for(user=org.colleague.user, today=later).actions_due == 1
    services.action_owner_mark(action=action, actor=org.colleague.user, status=Action.Status.DONE)
    assert digest_counts_for(user=org.colleague.user, today=later).actions_due == 0
