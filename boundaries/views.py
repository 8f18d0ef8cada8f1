from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from boundaries.navigation import (
    nav_items_for,
    policies_to_read,
    roles_for,
    safety_net_for,
    waiting_for,
    welcome_lines_for,
    who_to_ask,
)
from core.storage import private_storage


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return False
    return True


def _broker_answers() -> bool:
    """Redis, when one is configured (without REDIS_URL tasks run in-process: nothing to ask)."""
    if not settings.REDIS_URL:
        return True
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


def _storage_answers() -> bool:
    """The private storage answers a lookup (a folder or the object store; core/storage.py)."""
    try:
        private_storage().exists("readiness-probe")
    except Exception:  # noqa: BLE001 - any storage failure means "not ready"
        return False
    return True


def _status(ok: bool) -> HttpResponse:
    if ok:
        return HttpResponse("ok\n", content_type="text/plain")
    return HttpResponse("unavailable\n", status=503, content_type="text/plain")


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    """Public liveness check: 200 when the database answers, 503 when it does not. No detail."""
    return _status(_database_answers())


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_GET
def readyz(request):
    """Public readiness check for a load balancer: the database, Redis and the private storage all
    answer (200), or not (503). No detail of which, to anyone."""
    return _status(_database_answers() and _broker_answers() and _storage_answers())


def dashboard(request):
    """What each role can do here; only links to things that exist (boundaries/navigation.py)."""
    return render(
        request,
        "dashboard.html",
        {
            "items": nav_items_for(request.user),
            "roles": roles_for(request.user),
            "welcome_lines": welcome_lines_for(request.user),
            "waiting": waiting_for(request.user),
            "safety_net": safety_net_for(request.user),
            "policies_to_read": policies_to_read(request.user),
            "who_to_ask": who_to_ask(request.user),
        },
    )
