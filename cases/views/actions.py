"""My actions: every action a person owns, with what to do and by when, and a way to mark it done or not
possible, without the case it belongs to (docs/cases.md "My actions")."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases import forms as f
from cases import services
from cases.models import Action
from cases.permissions import can_mark_action, can_see_my_actions
from cases.selectors import action_list_for, action_open_list_for, action_recent_list_for
from cases.services import CaseError


def _render_my_actions(request, *, bound=None, status=200):
    """Each action shows its own words (title, what it involves, details, due date) and who agreed it; never
    the case it belongs to (docs/cases.md "My actions")."""
    open_actions = action_open_list_for(request.user)
    # The dashboard's two counts link here with ?show=overdue or ?show=to_do: each lists exactly what it counted.
    show = request.GET.get("show", "")
    overdue = Action.overdue_q(timezone.localdate())
    if show == "overdue":
        open_actions = open_actions.filter(overdue)
    elif show == "to_do":
        open_actions = open_actions.exclude(overdue)
    open_actions = list(open_actions)
    rows = [(a, bound[1] if bound and bound[0] == a.pk else f.ActionOwnerForm(prefix=f"a{a.pk}")) for a in open_actions]
    context = {
        "rows": rows,
        "recent": list(action_recent_list_for(request.user)),
        "today": timezone.localdate(),
        "show": show if show in ("overdue", "to_do") else "",
    }
    return render(request, "cases/my_actions.html", context, status=status)


@require_GET
def my_actions(request):
    """Every action the user owns, with what to do and by when; 404 for someone who owns none."""
    if not can_see_my_actions(request.user):
        raise Http404
    return _render_my_actions(request)


@require_POST
def my_action_mark(request, pk):
    """The owner marks one action done or not possible (with a reason). Anyone else: 404."""
    action = get_object_or_404(action_list_for(request.user), pk=pk)
    if not can_mark_action(request.user, action):  # action_list_for gives only the user's own; said twice
        raise Http404
    form = f.ActionOwnerForm(request.POST, prefix=f"a{action.pk}")
    if not form.is_valid():
        return _render_my_actions(request, bound=(action.pk, form))
    try:
        services.action_owner_mark(
            action=action, actor=request.user, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"]
        )
    except CaseError as exc:
        form.add_error(None, str(exc))
        return _render_my_actions(request, bound=(action.pk, form))
    messages.success(request, "Thank you. The manager who agreed it has been told.")
    return redirect("actions:list")
