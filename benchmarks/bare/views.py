"""The bare pages: what a framework page doing the same database work costs."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from bare.models import Case


def plain(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def case_list(request):
    """25 rows of 100k with select_related, and the COUNT."""
    cases = Case.objects.select_related("category", "team", "reviewer").order_by("-opened_at", "-id")
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    return render(request, "bare/list.html", {"page": page})


@login_required
def case_detail(request, pk):
    """One case and its related rows (10 in the benchmark)."""
    case = get_object_or_404(Case.objects.select_related("category", "team", "reviewer"), pk=pk)
    actions = case.actions.select_related("owner").order_by("due_date", "id")
    return render(request, "bare/detail.html", {"case": case, "actions": actions})
