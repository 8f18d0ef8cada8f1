import uuid

from audit.context import request_id_var
from audit.refusals import STATUSES, flush_repeats, record_refusal


class RequestIdMiddleware:
    """Give every request an id, echoed in X-Request-ID and written on its audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = str(uuid.uuid4())
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreMiddleware:
    """Signed-in pages are never cached by browsers or proxies (CP-04, HT-05)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class RefusalAuditMiddleware:
    """A signed-in person's request to a named route answered 404 or 403 is an audit event (AU-03),
    at most one a minute per route; the minute's repeats follow as one event (audit/refusals.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.status_code in STATUSES and getattr(request, "resolver_match", None) is not None:
                record_refusal(request, response.status_code)
            flush_repeats(user)
        return response
