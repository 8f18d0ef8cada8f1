"""Browser: the demo-style worker acknowledges a new policy version; axe on the policy pages."""

import pytest

from core.roles import Role
from people.tests.factories import StaffMemberFactory, TeamFactory, UserFactory
from policies.models import Acknowledgement
from policies.tests.factories import GIFTS_V1, GIFTS_V2, import_and_publish


@pytest.mark.django_db(transaction=True)
def test_the_worker_acknowledges_a_new_policy_version(page, login, assert_accessible, assert_same_origin):
    administrator = UserFactory(username="administrator", roles=[Role.ADMINISTRATOR])
    worker = StaffMemberFactory(
        user=UserFactory(username="worker", roles=[Role.WORKER]), team=TeamFactory(name="North A")
    ).user
    first = import_and_publish(title="Professional boundaries", source=GIFTS_V1, label="1.0", actor=administrator)
    Acknowledgement.objects.create(version=first, user=worker)  # they read the old one
    new = import_and_publish(title="Professional boundaries", source=GIFTS_V2, label="2.0", actor=administrator)

    login(page, "worker")
    page.get_by_role("link", name="Policies", exact=True).first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Waiting for you to read and acknowledge").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Professional boundaries").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Professional boundaries", level=1).is_visible()
    assert_accessible(page)
    page.get_by_label("I have read and understood this policy").check()
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert page.get_by_text("You confirmed that you have read and understood this version on").is_visible()
    assert Acknowledgement.objects.filter(version=new, user=worker).exists()
    assert_accessible(page)

    page.get_by_role("link", name="Compare versions").click()
    page.wait_for_load_state()
    assert page.get_by_text("Version 1.0 → version 2.0").is_visible()
    assert_accessible(page)
    assert_same_origin(page)
