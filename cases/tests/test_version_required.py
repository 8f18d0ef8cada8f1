"""Every form that changes a case carries the version of the case it was shown with, and a form posted
without it (or with something that is not a version) is refused like a conflict: the page says it is out of
date, keeps what was typed and now carries the current version. Never a save that skips the check.

IN-05, IN-06: the server decides from what it holds, not from what a page chose to send (an old page, a
page changed by hand, a script posting the fields it likes).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.forms import OUT_OF_DATE, CaseForm
from cases.models import Action, Case
from cases.tests.factories import drive_to, gift_case, template
from cases.views.moves import PAGES

TODAY = timezone.localdate


@pytest.fixture
def reviewer_client(client, org):
    client.force_login(org.manager.user)
    return client


def test_every_move_page_asks_for_the_case_version():
    """A new move page whose form is not a CaseForm would save without the conflict check."""
    assert {name for name, page in PAGES.items() if not issubclass(page.form, CaseForm)} == set()


@pytest.fixture
def case(org):
    return gift_case(org)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_move_form_without_a_version_is_out_of_date(case, name):
    """IN-05: every move page's form, posted without a version, is not valid and says why at the top; the
    form then carries the case's current version, so saving again after a check works."""
    form = PAGES[name].form({}, case=case)
    assert not form.is_valid()
    assert OUT_OF_DATE in form.non_field_errors()
    assert "version" not in form.errors  # said at the top, not against a hidden field nobody can see
    assert form["version"].value() == case.version


@pytest.mark.parametrize("version", ["", "seven", "0", "-3", "99999999999999999999", "1.5", "\x00"])
def test_a_version_that_is_not_one_is_out_of_date(case, version):
    form = PAGES["acknowledge"].form({"version": version}, case=case)
    assert not form.is_valid()
    assert OUT_OF_DATE in form.non_field_errors()
    assert "version" not in form.errors  # said at the top, not against a hidden field nobody can see
    assert form["version"].value() == case.version


def test_a_one_click_move_posted_without_a_version_changes_nothing(reviewer_client, org):
    """IN-06: "Acknowledge" has nothing to type, so before the version was required an old page or a bare
    POST made the move unchecked. Now it is refused in the page and the case stays as it was."""
    case = gift_case(org)
    response = reviewer_client.post(reverse("cases:acknowledge", args=[case.pk]), {})
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.NEW
    assert f'name="version" value="{case.version}"' in response.content.decode()


def test_a_note_posted_without_a_version_is_kept_and_saves_once_the_page_is_current(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    url = reverse("cases:note", args=[case.pk])
    response = reviewer_client.post(url, {"text": "Phoned the family on Tuesday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This page is out of date" in html and "Phoned the family on Tuesday" in html
    assert not case.timeline.filter(text__contains="Phoned the family").exists()
    case.refresh_from_db()
    response = reviewer_client.post(url, {"text": "Phoned the family on Tuesday", "version": case.version})
    assert response.status_code == 302


def test_an_action_status_posted_without_a_version_is_refused(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    action = services.action_add(case=case, actor=org.manager.user, template=template("supervision"), owner=org.manager)
    url = reverse("cases:action_status", args=[case.pk, action.pk])
    response = reviewer_client.post(url, {"status": Action.Status.DONE, "version": "not a number"})
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


def test_a_review_date_posted_without_a_version_is_not_saved(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    day = TODAY() + datetime.timedelta(days=30)
    response = reviewer_client.post(reverse("cases:review_date", args=[case.pk]), {"next_review_date": day})
    assert "This page is out of date" in response.content.decode()
    case.refresh_from_db()
    assert case.next_review_date != day


# Posted to the pages themselves: every move the reviewer may make on a case in ACTION_PLAN (the access
# table's case); the form-level test above covers the moves of the other statuses.
from tests.test_case_access import MOVES as ACCESS_MOVES  # noqa: E402
from tests.test_case_access import url_for, world  # noqa: E402, F401

REVIEWER_MOVES = sorted(name for name, who in ACCESS_MOVES.items() if "reviewer" in who)


@pytest.mark.parametrize("name", REVIEWER_MOVES)
def test_each_move_page_posted_without_a_version_changes_nothing(client, world, name):  # noqa: F811
    """IN-05, IN-06: the page says it is out of date, and the case keeps its version (nothing was saved)."""
    client.force_login(world.users["reviewer"])
    before = Case.objects.get(pk=world.case.pk).version
    response = client.post(url_for(name, world), {"text": "Kept", "reason": "Kept", "notes": "Kept"})
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).version == before
