import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, for a module-scoped fixture that seeds the demo once.

    What the fixture writes is seen by every test of the module (each test still runs in its own
    savepoint, rolled back after it) and is rolled back after the module's last test. Seeding takes
    seconds; doing it once per module instead of once per test is most of this suite's time."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def debug_on(settings):
    """seed_demo runs only with DEBUG on (or --force)."""
    settings.DEBUG = True
