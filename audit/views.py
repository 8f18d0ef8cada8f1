"""The audit-trail viewer (DESIGN §1 Auditor / DPO: "read the audit trail"; §6: only the auditor).

Everyone without the Auditor role gets 404 – superusers and administrators too (AC-07): the audit
trail is not theirs to see. Every view of the list and every export is itself an audit event (AU-08).
"""

import csv
import datetime
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.filters import AuditEventFilter
from audit.permissions import can_read_audit_trail
from audit.selectors import HIDDEN_ACTOR_LABEL, audit_chain_status, audit_event_list_for
from audit.services import audit_record
from core.spreadsheets import spreadsheet_safe

PAGE_SIZE = 50
CSV_COLUMNS = ["occurred_at_utc", "occurred_at_london", "actor", "action", "object_type", "object_id",
               "request_id", "detail"]  # fmt: skip


def _detail_text(detail) -> str:
    """The JSON detail on one line, keys sorted; empty when there is none."""
    if not detail:
        return ""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def _filter_or_404(request) -> AuditEventFilter:
    if not can_read_audit_trail(request.user):
        raise Http404
    return AuditEventFilter(request.GET, queryset=audit_event_list_for(request.user))


@require_GET
def event_list(request):
    """The audit trail, newest first, 50 a page, filtered; a fixed number of queries; audited (AU-08)."""
    events = _filter_or_404(request)
    page = None
    rows = []
    if events.is_valid():
        page = Paginator(events.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(event, _detail_text(event.detail)) for event in page]
    # Written after the page is read, so the page shows the trail as it was when the auditor asked.
    audit_record(
        action="audit.events.viewed",
        actor=request.user,
        detail={"filters": events.applied(), "page": page.number if page else None},
    )
    context = {
        "filter": events,
        "page": page,
        "rows": rows,
        "export_query": request.GET.urlencode(),
        "hidden_actor_label": HIDDEN_ACTOR_LABEL,
        "chain": audit_chain_status(),
    }
    return render(request, "audit/event_list.html", context)


@require_GET
def event_export(request):
    """The filtered events as CSV, formula-looking cells neutralised (CSV injection); audited (AU-08)."""
    events = _filter_or_404(request)
    if not events.is_valid():
        return HttpResponseBadRequest("The filters are not valid; correct them on the audit trail page.")
    london = timezone.get_default_timezone()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # a BOM, so Excel reads UTF-8
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for event in events.qs.iterator(chunk_size=2000):
        count += 1
        row = [
            event.occurred_at.astimezone(datetime.UTC).isoformat(),
            event.occurred_at.astimezone(london).isoformat(),
            HIDDEN_ACTOR_LABEL if event.actor_hidden else (event.actor.username if event.actor else ""),
            event.action,
            event.object_type,
            event.object_id,
            event.request_id,
            _detail_text(event.detail),
        ]
        writer.writerow([spreadsheet_safe(value) for value in row])
    audit_record(
        action="audit.events.exported",
        actor=request.user,
        detail={"filters": events.applied(), "rows": count},
    )
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    return response
