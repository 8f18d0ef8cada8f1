"""The DPO's retention page (/privacy/retention/): what falls due in the next 90 days, what is held and
why, the last runs, and a dry run that shows exactly what would go. Everyone else gets 404."""

import datetime

from django.apps import apps
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from privacy.models import RetentionRun
from privacy.permissions import can_use_privacy
from privacy.retention import legal_hold_list, retention_due_soon, retention_rule_list, retention_run_list
from privacy.retention_removal import retention_run


def _table_name(label: str) -> str:
    """ "disclosures.historicaldisclosure" -> "historical disclosures": words, not table codes."""
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except LookupError:
        return label


def _described(items: list[dict]) -> list[tuple[dict, list[tuple[str, int]]]]:
    described = []
    for item in items:
        item = {**item, "due_date": datetime.date.fromisoformat(item["due"])}
        described.append((item, sorted((_table_name(t), n) for t, n in item["rows"].items())))
    return described


@require_http_methods(["GET", "POST"])
def retention_page(request):
    """GET: the page. POST: a dry run, then back to the page showing it."""
    if not can_use_privacy(request.user):
        raise Http404
    if request.method == "POST":
        run = retention_run(actor=request.user, dry_run=True)
        return redirect(f"{reverse('privacy:retention')}?dry_run={run.pk}#dry-run")
    dry_run = None
    if request.GET.get("dry_run", "").isdigit():
        dry_run = RetentionRun.objects.filter(pk=request.GET["dry_run"], dry_run=True).first()
    audit_record(action="privacy.retention.viewed", actor=request.user)
    return render(
        request,
        "privacy/retention.html",
        {
            "due": retention_due_soon(),
            "holds": legal_hold_list(),
            "runs": retention_run_list(),
            "rules": retention_rule_list(),
            "dry_run": dry_run,
            "dry_items": _described(dry_run.items) if dry_run else [],
            "dry_totals": sorted((_table_name(t), n) for t, n in dry_run.counts.items()) if dry_run else [],
            "batch_size": settings.RETENTION_BATCH_SIZE,
        },
    )
