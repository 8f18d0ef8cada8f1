"""The dashboard's "Waiting for you": what each person has to do today, counted through the same
selectors as the pages it links to and the daily digest (DESIGN §4: overdue items show on dashboards)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from cases import services
from cases.selectors import case_prompts_raised
from disclosures.tests.factories import disclosure_file
from policies.models import DisclosureKind
from policies.tests.factories import import_and_publish

pytestmark = pytest.mark.django_db


def waiting(client, user) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    section = page[page.index('id="waiting-for-you"') :].split("</section>")[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def test_a_manager_sees_new_and_overdue_cases_to_acknowledge(client, org):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False):
        disclosure_file(reporter=org.worker)  # acknowledge within 5 working days
    disclosure_file(reporter=org.colleague, category_code="social-media")
    rows = waiting(client, org.manager.user)
    assert rows[:2] == ["Overdue 1 case past its acknowledgement date", "2 new cases to acknowledge"]
    assert 'href="/cases/?waiting=new"' in client.get(reverse("dashboard")).content.decode()


def test_a_worker_sees_a_policy_to_acknowledge_and_a_notice_about_them(client, org):
    import_and_publish(actor=org.administrator)
    case = disclosure_file(
        reporter=org.worker, kind=DisclosureKind.CONCERN, category_code="discrimination", subjects=[org.colleague]
    ).case
    services.case_acknowledge(case=case, actor=org.manager.user)
    services.subject_notice_record(case=case, actor=org.manager.user, subject=org.colleague, told="We need to talk.")
    assert waiting(client, org.colleague.user) == ["1 notice about you to read", "1 policy to read and acknowledge"]
    assert waiting(client, org.worker.user) == ["1 policy to read and acknowledge"]


def test_a_senior_manager_sees_a_closure_waiting_for_their_sign_off(client, org):
    case = disclosure_file(reporter=org.worker, category_code="physical-contact").case  # safeguarding: two people
    reviewer = org.manager.user
    services.case_acknowledge(case=case, actor=reviewer)
    for prompt in case_prompts_raised(case=case, outcome="guidance"):
        services.prompt_answer(case=case, actor=reviewer, prompt=prompt, referral_made=False, reason="Not needed.")
    services.case_close(
        case=case, actor=reviewer, outcome="guidance", outcome_notes="Talked it through.", summary_for_reporter="Done."
    )
    assert "1 case waiting for your closure sign-off" in waiting(client, org.senior.user)
    assert "case waiting for your closure sign-off" not in " ".join(waiting(client, reviewer))


@pytest.mark.parametrize("persona", ["committee", "administrator", "hr"])
def test_people_with_nothing_to_do_are_told_so(client, org, persona):
    person = getattr(org, persona)
    client.force_login(getattr(person, "user", person))
    assert "Nothing is waiting for you today." in client.get(reverse("dashboard")).content.decode()


def _rows_behind(client, url) -> int:
    """How many cases the list behind a dashboard link shows (its heading: "3 cases")."""
    page = client.get(url).content.decode()
    return int(re.search(r'id="results-title">(\d+) case', page).group(1))


def test_the_safeguarding_lead_is_waited_for_on_urgent_and_safeguarding_cases_not_yet_acknowledged(client, org):
    """Whoever reviews them: the lead's first look (seed 001 "Sexualised behaviour"; seed 002 §7.5)."""
    urgent = disclosure_file(reporter=org.worker, at_risk_now=True).case
    seen = disclosure_file(reporter=org.colleague, at_risk_now=True).case
    disclosure_file(reporter=org.worker, category_code="social-media")  # neither urgent nor safeguarding
    services.case_acknowledge(case=seen, actor=org.manager.user)
    assert urgent.reviewer == org.manager  # not the lead's own case
    rows = waiting(client, org.safeguarding.user)
    assert "1 urgent or safeguarding case not yet acknowledged" in rows
    client.force_login(org.safeguarding.user)
    listed = client.get(reverse("cases:list") + "?waiting=not_acknowledged").content.decode()
    assert urgent.reference in listed and seen.reference not in listed
    assert "not yet acknowledged" not in " ".join(waiting(client, org.manager.user))


def test_each_count_links_to_a_list_of_exactly_those_cases(client, org):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False):
        disclosure_file(reporter=org.worker)  # its acknowledgement date has passed
    disclosure_file(reporter=org.colleague, category_code="social-media")
    disclosure_file(reporter=org.worker, at_risk_now=True)
    for person in (org.manager, org.senior, org.safeguarding):
        client.force_login(person.user)
        page = client.get(reverse("dashboard")).content.decode()
        section = page[page.index('id="waiting-for-you"') :].split("</section>")[0]
        links = re.findall(r'<a href="(/cases/\?waiting=[a-z_]+)">(\d+) ', section)
        assert links or person == org.senior
        for url, count in links:
            assert _rows_behind(client, url.replace("&amp;", "&")) == int(count), url


def test_a_person_without_a_role_is_told_whom_to_ask_and_can_still_read_the_policies(client, org):
    version = import_and_publish(actor=org.administrator)
    user = org.worker.user
    user.groups.clear()
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "You do not have a role in Boundaries yet" in page
    assert f"your line manager, {org.manager.full_name}" in page
    assert "(administrator)" in page
    assert f'href="{reverse("policies:detail", args=[version.policy_id])}"' in page
    response = client.post(reverse("policies:acknowledge", args=[version.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert version.acknowledgements.filter(user=user).exists()
    assert (
        f'href="{reverse("policies:detail", args=[version.policy_id])}"'
        not in client.get(reverse("dashboard")).content.decode()
    )
