"""A real task through a real Celery worker and Redis (runs whenever REDIS_URL is set; required in CI)."""

import re
import time

import pytest
from django.test import Client

from people.tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.integration


def wait_for_mail(mail_dir, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.log"))
        if files:
            time.sleep(0.2)  # let the worker finish writing
            return [f.read_text() for f in files]
        time.sleep(0.2)
    return []


def test_a_password_reset_is_sent_by_the_worker_and_its_link_sets_a_new_password(celery_worker_process):
    user = UserFactory(username="newstarter", email="new.starter@example.org", password=None)
    user.set_unusable_password()
    user.save()
    StaffMemberFactory(user=user)
    client = Client()

    response = client.post("/accounts/password_reset/", {"email": "new.starter@example.org"})
    assert response.status_code == 302

    mails = wait_for_mail(celery_worker_process.mail_dir)
    assert len(mails) == 1, celery_worker_process.log_path.read_text()
    assert "new.starter@example.org" in mails[0]
    link = re.search(r"http://\S+/accounts/reset/(\S+)/(\S+)/", mails[0])
    assert link, mails[0]

    page = client.get(f"/accounts/reset/{link[1]}/{link[2]}/", follow=True)
    assert page.status_code == 200
    new_password = "a long walk by the river"
    done = client.post(page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert Client().login(username="newstarter", password=new_password)
