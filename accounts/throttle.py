"""Failed sign-ins slow down per account name and per client address, never for everyone (AS-04).

After `LOGIN_THROTTLE_ACCOUNT_FAILURES` failures for one account name (or
`LOGIN_THROTTLE_ADDRESS_FAILURES` from one address) the next attempt must wait one minute; every
further failure doubles the wait, up to `LOGIN_THROTTLE_MAX_MINUTES`. A correct password during the
wait is refused too. A successful sign-in clears the account's count (not the address's: an attacker
holding one account must not be able to reset the count of a whole office).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import LoginThrottle

FORGET_AFTER = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Scope:
    name: str  # "account" or "address"
    key: str
    threshold: int


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def scopes_for(*, username: str, address: str | None) -> list[Scope]:
    scopes = [Scope("account", _hash("account", username.strip().lower()), settings.LOGIN_THROTTLE_ACCOUNT_FAILURES)]
    if address:
        scopes.append(Scope("address", _hash("address", address), settings.LOGIN_THROTTLE_ADDRESS_FAILURES))
    return scopes


def wait_for(scopes: list[Scope]) -> tuple[Scope, datetime.timedelta] | None:
    """The scope that is locked and how long is left, or None."""
    now = timezone.now()
    rows = {row.key: row for row in LoginThrottle.objects.filter(key__in=[s.key for s in scopes])}
    for scope in scopes:
        row = rows.get(scope.key)
        if row and row.locked_until and row.locked_until > now:
            return scope, row.locked_until - now
    return None


def _wait_after(failures: int, threshold: int) -> datetime.timedelta | None:
    if failures < threshold:
        return None
    minutes = min(2 ** (failures - threshold), settings.LOGIN_THROTTLE_MAX_MINUTES)
    return datetime.timedelta(minutes=minutes)


@transaction.atomic
def login_failure_record(scopes: list[Scope]) -> None:
    """Count one failed sign-in in every scope; lock a scope that reached its threshold."""
    now = timezone.now()
    for scope in scopes:
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(key=scope.key)
        if row.last_failure_at and now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = _wait_after(row.failures, scope.threshold)
        row.locked_until = now + wait if wait else None
        row.save()


def login_success_record(*, username: str) -> None:
    """A correct sign-in clears the account's count."""
    LoginThrottle.objects.filter(key=_hash("account", username.strip().lower())).delete()


def describe_wait(wait: datetime.timedelta) -> str:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))  # round up
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
