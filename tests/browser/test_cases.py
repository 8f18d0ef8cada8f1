"""Browser: the demo-style line manager works their queue: acknowledges a case,
records a risk assessment, adds two actions, sets a review date, and closes another case with an
outcome. axe finds no serious or critical problem on any page of the journey (including a page
showing the error summary), and nothing is fetched from another origin (CP-05).
"""

import datetime

import pytest
from django.utils import timezone

from cases.models import Action, Case, Outcome, RiskAssessment
from cases.tests.factories import answer_all_prompts, gift_case
from disclosures.tests.factories import disclosure_file


@pytest.mark.django_db(transaction=True)
def test_the_manager_reviews_one_case_and_closes_another(
    page, phone_page, org, login, assert_accessible, assert_same_origin
):
    # One test, two browser contexts: pytest-django's serialized rollback does not survive a second
    # transactional browser test in the same run (the same happens to the existing browser tests).
    first = gift_case(org)
    second = disclosure_file(reporter=org.colleague, category_code="social-media").case
    assert first.pk != second.pk
    answer_all_prompts(second, org.manager.user, Outcome.NO_FURTHER_ACTION)

    # On a phone first: the queue and the case page, one column.
    login(phone_page, "manager")
    phone_page.goto("/cases/")
    assert_accessible(phone_page)
    phone_page.get_by_role("link", name=first.reference).click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_role("button", name="Acknowledge the case").is_visible()
    assert_accessible(phone_page)

    login(page, "manager")
    page.get_by_role("link", name="Cases", exact=True).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Cases", level=1).is_visible()
    assert page.get_by_role("link", name=first.reference).is_visible()
    assert_accessible(page)

    # Acknowledge.
    page.get_by_role("link", name=first.reference).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="What the policy says about", exact=False).is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge the case").click()
    page.wait_for_load_state()
    assert page.get_by_text("Case acknowledged").is_visible()
    assert Case.objects.get(pk=first.pk).status == Case.Status.FACT_FINDING

    # Risk assessment: first without a choice (error summary), then properly.
    page.get_by_role("link", name="Record a risk assessment").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("What reduces the risk (mitigation)").fill("Gifts declined and recorded in the register")
    page.get_by_role("button", name="Save the risk assessment").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("What reduces the risk (mitigation)").input_value().startswith("Gifts declined")
    assert_accessible(page)
    page.get_by_role("group", name="Likelihood", exact=True).get_by_label("3 – Possible").check()
    page.get_by_role("group", name="Consequence", exact=True).get_by_label("2 – Minor").check()
    page.get_by_label("Financial element").check()
    page.get_by_role("group", name="Likelihood once the mitigation is in place").get_by_label("1 – Rare").check()
    page.get_by_role("group", name="Consequence once the mitigation is in place").get_by_label("2 – Minor").check()
    page.get_by_role("button", name="Save the risk assessment").click()
    page.wait_for_load_state()
    assert page.get_by_text("Risk assessment recorded.").is_visible()
    assessment = RiskAssessment.objects.get(case=first)
    assert (assessment.likelihood, assessment.consequence, assessment.factor_financial) == (3, 2, True)
    assert_accessible(page)

    # Two actions from the library.
    for title, details in (("Return or donate a gift", "Return the chocolates"), ("Extra supervision", "Monthly")):
        page.get_by_role("link", name="Add an action").click()
        page.wait_for_load_state()
        assert_accessible(page)
        page.get_by_label("Action", exact=True).select_option(label=title)
        page.get_by_label("What exactly will be done").fill(details)
        page.get_by_role("button", name="Add the action").click()
        page.wait_for_load_state()
        assert page.get_by_text("Action added.").is_visible()
    assert Action.objects.filter(case=first).count() == 2

    # A review date.
    page.get_by_role("link", name="Set the review date").click()
    page.wait_for_load_state()
    assert_accessible(page)
    review_on = timezone.localdate() + datetime.timedelta(days=28)
    page.get_by_label("Next review date").fill(review_on.isoformat())
    page.get_by_role("button", name="Save date").click()
    page.wait_for_load_state()
    assert page.get_by_text("Review date saved.").is_visible()
    assert Case.objects.get(pk=first.pk).next_review_date == review_on
    assert_accessible(page)

    # Close the other case with an outcome.
    page.goto(f"/cases/{second.pk}/")
    page.get_by_role("link", name="Close the case").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("No further action").check()
    page.get_by_label("Reasons for the outcome").fill("Contact declined; privacy settings checked.")
    page.get_by_label("Summary for the person who raised it").fill("Thank you for telling us; it is dealt with.")
    page.get_by_role("button", name="Close the case").click()
    page.wait_for_load_state()
    assert page.get_by_text("The case is closed.").is_visible()
    second.refresh_from_db()
    assert second.status == Case.Status.CLOSED and second.outcome == Outcome.NO_FURTHER_ACTION
    assert_accessible(page)

    page.get_by_role("link", name="Change history").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert_same_origin(page)
