"""The safeguarding lead's page of patterns across cases (seed 004 §1.2; seed 000 §4.1, §6.2): each
pattern once, its state (new, looked at, acted on) recorded and audited. Everyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.services import audit_record
from cases import forms as f
from cases.models import PatternAlert
from cases.selectors import pattern_alert_list, pattern_rows_for
from cases.services import CaseError, pattern_alert_set_state
from core.roles import Role, has_role

PATTERNS_PAGE_SIZE = 25


def _lead_or_404(request) -> None:
    if not has_role(request.user, Role.SAFEGUARDING_LEAD):
        raise Http404


@require_GET
def pattern_list(request):
    """Every pattern found, newest first, with the cases this lead may open and how many they may not."""
    _lead_or_404(request)
    page = Paginator(pattern_alert_list(), PATTERNS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = pattern_rows_for(user=request.user, alerts=page.object_list)
    audit_record(action="cases.patterns.viewed", actor=request.user, detail={"patterns": len(rows)})
    return render(request, "cases/patterns.html", {"rows": rows, "page": page, "form": f.PatternStateForm()})


@require_POST
def pattern_state(request, pk):
    """Record that a pattern was looked at or acted on."""
    _lead_or_404(request)
    alert = get_object_or_404(PatternAlert, pk=pk)
    form = f.PatternStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what has happened.")
        return redirect("cases:patterns")
    try:
        pattern_alert_set_state(
            alert=alert, actor=request.user, state=form.cleaned_data["state"], note=form.cleaned_data["note"]
        )
    except CaseError as exc:
        messages.error(request, str(exc))
        return redirect("cases:patterns")
    messages.success(request, "Saved.")
    return redirect("cases:patterns")
