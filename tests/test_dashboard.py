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
