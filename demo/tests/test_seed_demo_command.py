"""manage.py seed_demo's options and refusals (docs/demo.md). Each test starts from an empty database;
the organisation it builds is tested in test_seed_demo.py."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from demo.context import DEFAULT_PASSWORD
from people.models import Team

User = get_user_model()


def _seed(*args):
    call_command("seed_demo", "--cases", "0", *args, stdout=StringIO())  # the accounts are what these tests need


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    """AS-13: the demo's shared password and `admin` account never reach a live system by accident."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on.*--force"):
        _seed()
    assert not User.objects.exists()
    assert not Team.objects.exists()


@pytest.mark.django_db
def test_seed_demo_runs_with_debug_off_when_forced_and_sets_the_password_given(settings):
    settings.DEBUG = False
    _seed("--force", "--password", "another-long-demo-pass")
    assert authenticate(username="worker", password="another-long-demo-pass") is not None
    assert authenticate(username="admin", password="another-long-demo-pass") is not None
    assert authenticate(username="worker", password=DEFAULT_PASSWORD) is None


@pytest.mark.django_db
def test_seed_demo_refuses_a_weak_password(debug_on):
    """AS-02: even demo accounts get a password the validators accept."""
    with pytest.raises(CommandError, match="at least 12 characters"):
        _seed("--password", "short")
    assert not User.objects.exists()
