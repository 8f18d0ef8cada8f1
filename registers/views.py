"""The register pages (docs/registers.md). Thin views: the permission (404 for everyone else), the selector,
the filter, one page of 25 rows sorted by the database; every view and export is audited."""

import csv
import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.services import audit_record
from cases.selectors import case_list_for, gift_needs_decision, gift_threshold
from core.spreadsheets import spreadsheet_safe
from registers.filters import GiftRegisterFilter
from registers.permissions import can_view_gift_register, can_view_relationship_register
from registers.selectors import (
    RESPONSES,
    decision_label,
    gift_register_for,
    gifts_from_giver,
    gifts_with_running_total,
    giver_of,
    giver_summary,
    relationship_counterpart_label,
    relationship_entry_notices,
    relationship_register_for,
)

PAGE_SIZE = 25
CSV_COLUMNS = ["date", "disclosure", "item", "value_gbp", "giver", "worker", "team", "worker_response", "decision"]


def _gift_filter_or_404(request) -> GiftRegisterFilter:
    if not can_view_gift_register(request.user):
        raise Http404
    return GiftRegisterFilter(request.GET, queryset=gift_register_for(request.user))


def _rows(request, gifts) -> list[dict]:
    """One row per gift, with the giver in words and the case linked only for someone who may open it."""
    gifts = list(gifts)
    openable = set(case_list_for(request.user).filter(pk__in={g.case_id for g in gifts}).values_list("pk", flat=True))
    return [
        {
            "gift": g,
            "giver": giver_of(g),
            "response": RESPONSES.get(g.response, ""),
            "decision": decision_label(g.decision),
            "waiting": g.decision is None and gift_needs_decision({"approx_value": g.value, "response": g.response}),
            "case": g.case if g.case_id in openable else None,
        }
        for g in gifts
    ]


@require_GET
def gift_register(request):
    """Every gift, hospitality, bequest or offer of money declared that this viewer may see (docs/registers.md)."""
    gifts = _gift_filter_or_404(request)
    page, rows = None, []
    if gifts.is_valid():
        page = Paginator(gifts.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = _rows(request, page)
    audit_record(
        action="registers.gifts.viewed",
        actor=request.user,
        detail={"filters": gifts.applied() if gifts.is_valid() else {}, "page": page.number if page else None},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": gifts,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "threshold": gift_threshold(),
    }
    return render(request, "registers/gift_register.html", context)


@require_GET
def gift_register_export(request):
    """The filtered gifts as CSV: formula-looking cells neutralised (core.spreadsheets), audited."""
    gifts = _gift_filter_or_404(request)
    if not gifts.is_valid():
        return HttpResponseBadRequest("The filters are not valid; correct them on the gift register page.")
    # Re-authentication hook (later): ask for the password again before an export of personal data leaves
    # the site, e.g. `if not recently_reauthenticated(request): return redirect_to_reauth(request)`.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # a BOM, so Excel reads UTF-8
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for gift in gifts.qs:
        count += 1
        row = [
            gift.gift_date.isoformat() if gift.gift_date else "",
            gift.reference,
            gift.item,
            "" if gift.value is None else str(gift.value),
            giver_of(gift).label,
            gift.reporter.full_name,
            gift.reporter.team.name,
            RESPONSES.get(gift.response, ""),
            decision_label(gift.decision),
        ]
        writer.writerow([spreadsheet_safe(value) for value in row])
    audit_record(
        action="registers.gifts.exported", actor=request.user, detail={"filters": gifts.applied(), "rows": count}
    )
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="gift-register-{stamp}.csv"'
    return response


def _giver(request, kind: str, pk: int):
    """One giver's gifts with the running total and the workers involved; 404 when the viewer sees none."""
    if not can_view_gift_register(request.user):
        raise Http404
    gifts = gifts_from_giver(gift_register_for(request.user), kind=kind, pk=pk)
    ordered = list(gifts_with_running_total(gifts))
    if not ordered:
        raise Http404
    audit_record(action="registers.gifts.giver_viewed", actor=request.user, object_type=kind, object_id=pk)
    context = {
        "giver": giver_of(ordered[0]),
        "rows": _rows(request, ordered),
        "summary": giver_summary(gifts),
        "threshold": gift_threshold(),
    }
    return render(request, "registers/giver.html", context)


@require_GET
def giver_service_user(request, pk):
    return _giver(request, "service_user", pk)


@require_GET
def giver_carer(request, pk):
    return _giver(request, "carer", pk)


@require_GET
def relationship_register(request):
    """The declared-relationships register for those who manage it (docs/registers.md)."""
    if not can_view_relationship_register(request.user):
        raise Http404
    include_ended = request.GET.get("ended") == "yes"
    overdue_only = request.GET.get("overdue") == "yes"
    today = timezone.localdate()
    entries = relationship_register_for(request.user, include_ended=include_ended)
    overdue_count = sum(e.is_overdue(today) for e in entries)
    if overdue_only:
        entries = [e for e in entries if e.is_overdue(today)]
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": e,
            "with": [relationship_counterpart_label(r) for r in e.entries],
            "overdue": e.is_overdue(today),
            **relationship_entry_notices(e),
        }
        for e in page
    ]
    audit_record(
        action="registers.relationships.viewed",
        actor=request.user,
        detail={"ended": include_ended, "overdue": overdue_only, "page": page.number},
    )
    context = {
        "page": page,
        "rows": rows,
        "overdue_count": overdue_count,
        "include_ended": include_ended,
        "overdue_only": overdue_only,
        "today": today,
    }
    return render(request, "registers/relationship_register.html", context)
