"""Usability on the case pages (docs/accessibility.md), through the views:
the queue pages 25 at a time and sorts in the database;
the case page offers one primary next step and tells one-click moves from forms; every case form's error
summary says what to do in the field's own words; a page with errors is titled "Error: …"; the key-worker
picker never offers the people the case is about."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import forms as f
from cases.models import Case
from cases.tests.factories import gift_case
from cases.views import PAGES
from disclosures.tests.factories import disclosure_file
from people.tests.factories import StaffMemberFactory


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def reviewer_client(client, org):
    client.force_login(org.manager.user)
    return client


def _many_cases(org, n):
    cases = []
    for i in range(n):
        reporter = StaffMemberFactory(team=org.north_a, line_manager=org.manager)
        cases.append(disclosure_file(reporter=reporter, narrative=f"Gift number {i}.").case)
    return cases


def test_the_queue_shows_25_cases_a_page_and_links_to_the_next(reviewer_client, org):
    _many_cases(org, 27)
    html = body(reviewer_client.get(reverse("cases:list")))
    assert html.count('class="card case-row') == 25
    assert "27 cases" in html and "showing 1 to 25" in html
    assert 'href="?page=2"' in html
    second = body(reviewer_client.get(reverse("cases:list"), {"page": 2}))
    assert second.count('class="card case-row') == 2


def test_the_queue_sorts_newest_oldest_and_by_next_deadline_in_the_database(reviewer_client, org):
    cases = _many_cases(org, 3)
    base = timezone.now() - datetime.timedelta(days=10)
    for i, case in enumerate(cases):  # opened in order: cases[0] oldest
        Case.objects.filter(pk=case.pk).update(
            opened_at=base + datetime.timedelta(days=i),
            acknowledge_by_date=timezone.localdate() + datetime.timedelta(days=10 - 3 * i),
        )
    refs = [c.reference for c in cases]

    def order(sort):
        html = body(reviewer_client.get(reverse("cases:list"), {"sort": sort}))
        return sorted(refs, key=html.index)

    assert order("newest") == list(reversed(refs))
    assert order("oldest") == refs
    assert order("due") == list(reversed(refs))  # the newest must be acknowledged soonest here


def test_the_queue_labels_the_risk_band_and_offers_one_filter_button(reviewer_client, org):
    gift_case(org)
    html = body(reviewer_client.get(reverse("cases:list")))
    assert "Risk: Not assessed" in html
    assert "<summary" in html and "Filter and sort" in html
    assert 'data-collapse-below="768"' in html


def test_the_case_page_has_one_primary_next_step_and_tells_buttons_from_forms(reviewer_client, org):
    case = gift_case(org)
    html = body(reviewer_client.get(reverse("cases:detail", args=[case.pk])))
    assert html.count("btn-primary btn-lg") == 1
    assert "Next step" in html and "Acknowledge the case" in html
    assert "Open a form" in html
    assert '<details open data-collapse-below="992">' in html  # "On this page", closed on a phone


FORMS_WITH_REQUIRED_FIELDS = [name for name, page in PAGES.items() if page.form is not f.ConfirmForm]


@pytest.mark.parametrize("name", FORMS_WITH_REQUIRED_FIELDS)
def test_every_case_form_says_what_to_do_in_its_own_words(reviewer_client, org, name):
    """'This field is required.' never reaches the page; the title starts 'Error: '."""
    case = gift_case(org)
    page = PAGES[name]
    kwargs = {"case": case}
    if name == "prompt_answer":
        kwargs["prompts"] = ["police"]
    if name == "escalate":
        kwargs["targets"] = [org.senior]
    form = page.form({"version": case.version}, **kwargs)
    assert not form.is_valid() or name == "review"
    for _anchor, message in form.error_summary():
        assert message != "This field is required.", (name, message)
        assert not message.startswith("Enter “") and not message.startswith("Choose an answer for"), (name, message)


def test_a_case_form_with_errors_is_titled_error_and_its_summary_is_specific(reviewer_client, org):
    case = gift_case(org)
    from cases import services

    services.case_acknowledge(case=case, actor=org.manager.user)
    case.refresh_from_db()
    response = reviewer_client.post(reverse("cases:assess", args=[case.pk]), {"version": case.version})
    html = body(response)
    assert re.search(r"<title>Error: ", html)
    assert 'id="error-summary"' in html
    assert "Choose how likely it is to happen or happen again" in html
    assert "This field is required." not in html


def test_the_key_worker_picker_never_offers_the_people_the_case_is_about(org):
    case = gift_case(org)
    form = f.KeyWorkerForm(case=case)
    offered = set(form.fields["new_key_worker"].queryset.values_list("pk", flat=True))
    assert offered and not offered & set(case.subjects.values_list("pk", flat=True))
    first = form.fields["new_key_worker"].queryset.first()
    assert first.team_id == case.team_id  # the case's team first
    assert 'data-picker="people"' in str(form["new_key_worker"])
