"""Refused attempts on the product's routes become audit events (AU-03), at most one a minute each.

A signed-in person whose request to a named route is answered 404 or 403 (a case, a disclosure,
an attachment, a history, a notice, a report, the audit trail, an admin page…) leaves an
`audit.access.refused` event: the actor, the route's name, the object id tried (never the content,
never a token) and the status.

A crawler must not flood the table, and events are append-only, so the count cannot be kept on the
first event. For each actor, route and UTC minute:

- the first refusal writes `audit.access.refused` at once (one probe is always recorded, whatever
  happens next);
- the later ones only increment a counter in the cache and remember up to `MAX_IDS` distinct ids;
- once the minute is over, the next request by the same person (of any kind), or their log-out,
  writes the minute's repeats as one `audit.access.refused_repeated` event with their count and ids.

So a crawler costs at most two rows per route per minute. The counters live in Django's cache: with
the default per-process cache each web process counts its own requests (still bounded: two rows
per route, minute and process); with a shared cache (Redis) the bound is across processes.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.core.cache import cache
from django.urls import Resolver404, resolve

from audit.services import audit_record

REFUSED = "audit.access.refused"
REPEATED = "audit.access.refused_repeated"
STATUSES = (403, 404)
MAX_IDS = 20
# Keyword arguments of the URLconf that carry an object's id (never tokens: the password-reset
# link's `uidb64` and `token` are left out on purpose).
ID_KWARGS = ("pk", "object_id", "attachment_id", "action_id")
# What the id of a route is, where it is not the case its path starts with.
OBJECT_TYPES = {
    "cases:attachment_download": ("cases.attachment", "attachment_id"),
    "cases:action_status": ("cases.action", "action_id"),
    "cases:notice_reply": ("cases.subjectnotice", "pk"),
    "cases:pattern_state": ("cases.patternalert", "pk"),
    "actions:mark": ("cases.action", "pk"),
    "disclosures:attachment_download": ("disclosures.attachment", "pk"),
    "registers:giver_service_user": ("people.serviceuser", "pk"),
    "registers:giver_carer": ("people.carerorrelative", "pk"),
    "accounts:mfa_reset_decide": ("accounts.mfareset", "pk"),
    "policies:category_guidance": ("policies.boundarycategory", "pk"),
    "policies:version": ("policies.policyversion", "pk"),
    "policies:acknowledge": ("policies.policyversion", "pk"),
    "policies:publish": ("policies.policyversion", "pk"),
}
NAMESPACE_TYPES = {
    "cases": "cases.case",
    "disclosures": "disclosures.disclosure",
    "reporting": "reporting.report",
    "policies": "policies.policy",
}
TTL = 60 * 60  # counters outlive their minute long enough to be written out


def _minute() -> int:
    return int(time.time() // 60)


def _object(route: str, ids: dict) -> tuple[str, str]:
    if route in OBJECT_TYPES:
        object_type, kwarg = OBJECT_TYPES[route]
        return object_type, ids.get(kwarg, "")
    if route.startswith("admin:"):
        return _admin_model(route), ids.get("object_id", "")
    namespace = route.split(":", 1)[0]
    return NAMESPACE_TYPES.get(namespace, ""), ids.get("pk", ids.get("object_id", ""))


def _admin_model(route: str) -> str:
    """The model an admin route (admin:<app label>_<model name>_<view>) is about, if any."""
    from django.contrib import admin

    name = route.split(":", 1)[1]
    for model in admin.site._registry:
        if name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model._meta.label_lower
    return ""


def _attempted(request):
    """The route tried. The admin sends a signed-in person without the role from the page they asked
    for to its log-in page (which refuses them); that page's `next` names what was tried."""
    match = request.resolver_match
    if match.view_name == "admin:login" and request.GET.get("next"):
        try:
            return resolve(urlsplit(request.GET["next"]).path)
        except Resolver404:
            pass
    return match


def _pending_key(user_id) -> str:
    return f"audit:refused:pending:{user_id}"


def record_refusal(request, status: int) -> None:
    """Count one refused request; write the minute's first refusal as an event."""
    match = _attempted(request)
    route = match.view_name
    ids = {name: str(match.kwargs[name])[:64] for name in ID_KWARGS if name in match.kwargs}
    user = request.user
    minute = _minute()
    key = f"audit:refused:{user.pk}:{route}:{minute}"
    cache.add(key, 0, TTL)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted in between
        cache.set(key, 1, TTL)
        count = 1
    object_type, object_id = _object(route, ids)
    if count == 1:
        pending = cache.get(_pending_key(user.pk)) or []
        cache.set(_pending_key(user.pk), [*pending, (route, minute)][-100:], TTL)
        audit_record(
            action=REFUSED,
            actor=user,
            object_type=object_type,
            object_id=object_id,
            detail={"route": route, "status": status, "method": request.method, "ids": ids},
        )
        return
    seen = cache.get(f"{key}:ids") or []
    tried = object_id or ",".join(ids.values())
    if tried and tried not in seen and len(seen) < MAX_IDS:
        cache.set(f"{key}:ids", [*seen, tried], TTL)


def flush_repeats(user, *, everything: bool = False) -> None:
    """Write the repeats of each finished minute as one event (called on every signed-in request);
    `everything`: the current minute's too (at log-out)."""
    pending = cache.get(_pending_key(user.pk))
    if not pending:
        return
    now = _minute() + (1 if everything else 0)
    finished = [(route, minute) for route, minute in pending if minute < now]
    if not finished:
        return
    cache.set(_pending_key(user.pk), [item for item in pending if item[1] >= now], TTL)
    for route, minute in finished:
        key = f"audit:refused:{user.pk}:{route}:{minute}"
        count = cache.get(key) or 0
        ids = cache.get(f"{key}:ids") or []
        cache.delete_many([key, f"{key}:ids"])
        if count > 1:
            audit_record(
                action=REPEATED,
                actor=user,
                object_type=_object(route, {})[0],
                detail={
                    "route": route,
                    "minute_utc": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(minute * 60)),
                    "repeats": count - 1,
                    "ids": ids,
                },
            )
