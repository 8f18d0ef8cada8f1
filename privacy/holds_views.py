"""Legal holds (/privacy/holds/): the DPO and the safeguarding lead place, list and lift them; everyone
else gets 404. Holds name cases and people by reference only."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from privacy.holds import HoldError, legal_hold_lift, legal_hold_place
from privacy.holds_forms import LegalHoldForm, LegalHoldLiftForm
from privacy.models import LegalHold
from privacy.permissions import can_manage_legal_holds
from privacy.retention import legal_hold_list


def _require(user):
    if not can_manage_legal_holds(user):
        raise Http404


@require_GET
def hold_list(request):
    """Holds in force, the ones due for review first."""
    _require(request.user)
    return render(request, "privacy/hold_list.html", {"holds": legal_hold_list(), "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
def hold_new(request):
    """Place a hold on a case or a person."""
    _require(request.user)
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hold = legal_hold_place(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                review_date=form.cleaned_data["review_date"],
                **form.target_kwargs(),
            )
        except HoldError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The hold on {hold.target_label} is in place.")
            return redirect("privacy:holds")
    return render(request, "privacy/hold_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def hold_lift(request, pk: int):
    """Lift a hold, saying why."""
    _require(request.user)
    hold = get_object_or_404(LegalHold.objects.active(), pk=pk)
    form = LegalHoldLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold_lift(hold=hold, actor=request.user, reason=form.cleaned_data["reason"])
        except HoldError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The hold on {hold.target_label} is lifted.")
            return redirect("privacy:holds")
    return render(request, "privacy/hold_lift.html", {"form": form, "hold": hold})
