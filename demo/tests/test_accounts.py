"""seed_demo's second-factor step: each demo login gets an authenticator-app secret, printed, kept."""

import re

import pytest
from allauth.mfa.models import Authenticator

from demo.accounts import seed_totp


@pytest.mark.django_db
def test_each_demo_login_gets_a_printed_secret_that_stays_the_same(org):
    first = seed_totp(None)
    lines = re.findall(r"^\s+(\w+)\s+([A-Z2-7]{32})$", first, flags=re.MULTILINE)
    usernames = [username for username, _ in lines]
    in_org = ["worker", "manager", "senior", "safeguarding", "hr", "guardian", "committee", "auditor"]
    assert usernames == sorted(in_org)  # the org personas that share a demo login's name
    assert seed_totp(None) == first  # a second run changes nothing
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == len(lines)
