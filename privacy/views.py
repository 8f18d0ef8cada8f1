"""The DPO's pages (privacy.permissions: only the Auditor / DPO role; 404 for everyone else)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from audit.permissions import can_read_audit_trail
from audit.selectors import HIDDEN_ACTOR_LABEL, audit_event_list_for
from privacy.forms import RevealForm
from privacy.permissions import can_use_privacy
from privacy.services import audit_actor_reveal as reveal


@require_http_methods(["GET", "POST"])
def audit_actor_reveal(request, pk):
    """Who caused one event shown as "the person who raised it": only with a reason, audited, and the
    speak-up guardian is told (privacy.services.audit_actor_reveal)."""
    if not (can_use_privacy(request.user) and can_read_audit_trail(request.user)):
        raise Http404
    event = get_object_or_404(audit_event_list_for(request.user).filter(actor_hidden=True), pk=pk)
    form = RevealForm(request.POST or None)
    actor = None
    if request.method == "POST" and form.is_valid():
        try:
            reveal(event=event, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            actor = event.actor
    context = {"event": event, "form": form, "actor": actor, "hidden_actor_label": HIDDEN_ACTOR_LABEL}
    return render(request, "privacy/audit_actor_reveal.html", context)
