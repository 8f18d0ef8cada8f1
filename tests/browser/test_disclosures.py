"""The demo worker files a gift disclosure on a phone: kind → category →
details → send, sees the reference, then finds it in their list. axe finds no serious or critical
problem on any page of the journey, and nothing is fetched from another origin (CP-05).
"""

import pytest

from people.tests.factories import ServiceUserFactory


@pytest.mark.django_db(transaction=True)
def test_the_worker_files_a_gift_disclosure_on_a_phone(phone_page, org, login, assert_accessible, assert_same_origin):
    page = phone_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ServiceUserFactory(reference="SU-00042", initials="JB", team=org.north_a)
    login(page, "worker")

    page.goto("/disclosures/new/")
    assert_accessible(page)
    # Continuing without a choice shows the error summary, focused, and stays accessible.
    page.get_by_role("button", name="Continue").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)

    page.get_by_label("Something about me").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Which of these is closest?").wait_for()
    assert_accessible(page)

    page.get_by_label("Gifts, money, bequests or financial dealings").check()
    # Progressive enhancement: "what the policy says" for the category is fetched from our own origin.
    page.locator("#category-guidance:not([hidden])").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Tell us the details").wait_for()
    assert page.get_by_text("not in itself a disciplinary matter").is_visible()
    assert page.get_by_label("What was offered or given?").is_visible()
    assert_accessible(page)

    page.get_by_label("What was offered or given?").fill("A box of chocolates")
    page.get_by_label("Roughly how much is it worth, in pounds?").fill("12")
    page.get_by_label("The service user", exact=True).check()
    page.get_by_label("I declined it").check()
    # The people picker (accessible-autocomplete): type, then choose with the arrow keys and Enter.
    page.get_by_label("Service users involved", exact=True).fill("SU-00042")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Remove SU-00042 · JB").is_visible()
    page.get_by_label("Tell us about it in your own words").fill("JB offered me chocolates after my shift.")
    page.get_by_role("button", name="Send it now").click()

    page.get_by_role("heading", name="Thank you. It has been sent.").wait_for()
    reference = page.locator("#disclosure-reference").inner_text()
    assert reference.startswith("D-")
    assert page.get_by_text("They will acknowledge it by").is_visible()
    assert_accessible(page)

    page.goto("/disclosures/")
    assert page.get_by_role("link", name=f"{reference}: Something about me").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=f"{reference}: Something about me").click()
    page.get_by_role("heading", name="Your statement").wait_for()
    assert page.get_by_text("JB offered me chocolates after my shift.").is_visible()
    assert_accessible(page)

    assert_same_origin(page)
    assert not dialogs
    # CP-06: nothing typed is kept in the browser's storage.
    storage = page.evaluate("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert "chocolates" not in storage
