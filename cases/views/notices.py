"""The subject's own page: notices about them, and their reply."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases import forms as f
from cases import services
from cases.permissions import can_see_notices
from cases.selectors import (
    notice_list_for,
)
from cases.services import CaseError

# The subject's own page --------------------------------------------------------------------


def _notices_or_404(request):
    if not can_see_notices(request.user):
        raise Http404
    notices = notice_list_for(request.user)
    if request.GET.get("unanswered") == "yes":  # the dashboard's count links here: exactly what it counted
        notices = notices.filter(response="")
    return list(notices)


def _render_notices(request, notices, *, bound=None, status=200):
    """Each notice shows only what the subject was told (never the case, its reference or who raised it)."""
    rows = [(n, bound[1] if bound and bound[0] == n.pk else f.NoticeReplyForm(prefix=f"n{n.pk}")) for n in notices]
    return render(request, "cases/notices.html", {"rows": rows}, status=status)


@require_GET
def notice_list(request):
    """Notices about you: what you were told about a concern, with a reply form."""
    notices = _notices_or_404(request)
    return _render_notices(request, notices)


@require_POST
def notice_reply(request, pk):
    notices = _notices_or_404(request)
    notice = next((n for n in notices if n.pk == pk), None)
    if notice is None:
        raise Http404
    form = f.NoticeReplyForm(request.POST, prefix=f"n{notice.pk}")
    if not form.is_valid():
        return _render_notices(request, notices, bound=(notice.pk, form))
    try:
        services.subject_notice_reply(notice=notice, actor=request.user, response=form.cleaned_data["response"])
    except CaseError as exc:
        form.add_error(None, str(exc))
        return _render_notices(request, notices, bound=(notice.pk, form))
    messages.success(request, "Thank you. Your reply has been sent to the manager reviewing it.")
    return redirect("cases:notices")
