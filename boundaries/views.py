from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from boundaries.navigation import nav_items_for, roles_for, waiting_for, welcome_lines_for


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    """Public liveness check: 200 when the database answers, 503 when it does not. No detail."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


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
        },
    )
