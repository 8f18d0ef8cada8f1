import json
import logging
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import MfaResetRequestForm, PasswordChangeForm, SetPasswordForm
from accounts.models import MfaReset, RoleGrant
from accounts.permissions import can_decide_role_grant, can_handle_mfa_resets, can_see_role_grants
from accounts.policy import mfa_enrolled
from audit.services import audit_record

csp_log = logging.getLogger("accounts.csp")
CSP_REPORTS_PER_MINUTE = 30


def mfa_required(request):
    """The page a reviewer, lead, auditor or administrator sees until they set up a second factor."""
    if mfa_enrolled(request.user):
        return redirect("dashboard")
    return render(request, "accounts/mfa_required.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action="accounts.password.changed",
            actor=self.request.user,
            obj=self.request.user,
            ip_address=self.request.META.get("REMOTE_ADDR"),
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action="accounts.password.reset",
            actor=form.user,
            obj=form.user,
            ip_address=self.request.META.get("REMOTE_ADDR"),
        )
        return response


@login_not_required
@csrf_exempt
@require_POST
def csp_report(request):
    """Browsers report Content-Security-Policy violations here (HT-03). We log which rule and which
    origin was blocked, and the page's path; never the query string, the sample, or the address."""
    address = request.META.get("REMOTE_ADDR", "")
    key = f"csp-report:{address}"
    count = cache.get_or_set(key, 0, timeout=60)
    if count >= CSP_REPORTS_PER_MINUTE:
        return HttpResponse(status=429)
    try:
        cache.incr(key)
    except ValueError:  # the minute ran out in between
        cache.set(key, 1, timeout=60)
    if len(request.body) > 16_384:
        return HttpResponse(status=413)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    reports = payload if isinstance(payload, list) else [payload]
    for item in reports[:10]:
        if not isinstance(item, dict):
            continue
        report = item.get("csp-report") or item.get("body") or {}
        if not isinstance(report, dict):
            continue
        directive = report.get("effective-directive") or report.get("effectiveDirective")
        csp_log.warning(
            "CSP violation: directive=%s blocked=%s page=%s",
            _short(directive or report.get("violated-directive")),
            _origin(report.get("blocked-uri") or report.get("blockedURL")),
            _path(report.get("document-uri") or report.get("documentURL")),
        )
    return HttpResponse(status=204)


def _short(value) -> str:
    return str(value or "")[:60]


def _origin(value) -> str:
    """Keep only the scheme and host of what was blocked ("inline", "eval" as they are)."""
    value = str(value or "")
    parts = urlsplit(value)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}"[:100]
    return value.split(":", 1)[0][:20]


def _path(value) -> str:
    return urlsplit(str(value or "")).path[:200]


def mfa_resets(request):
    """Safeguarding leads and administrators: ask for a lost second factor to be reset, and approve
    someone else's request (a second person, always)."""
    if not can_handle_mfa_resets(request.user):
        raise Http404
    form = MfaResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mfa_reset_request(
                user=form.cleaned_data["username"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Request recorded. A second person must now approve it.")
            return redirect("accounts:mfa_resets")
    pending = MfaReset.objects.filter(status=MfaReset.Status.REQUESTED).select_related("user", "requested_by")
    recent = MfaReset.objects.exclude(status=MfaReset.Status.REQUESTED).select_related(
        "user", "requested_by", "decided_by"
    )[:20]
    return render(request, "accounts/mfa_resets.html", {"form": form, "pending": pending, "recent": recent})


@require_POST
def mfa_reset_decide(request, pk):
    if not can_handle_mfa_resets(request.user):
        raise Http404
    reset = get_object_or_404(MfaReset, pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            services.mfa_reset_approve(reset=reset, actor=request.user)
            messages.success(request, f"{reset.user.username}'s second factor was removed and they were e-mailed.")
        else:
            services.mfa_reset_cancel(reset=reset, actor=request.user)
            messages.success(request, "Request cancelled.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:mfa_resets")


def role_grants(request):
    """Roles waiting for a second person (core.roles.GRANT_APPROVER): a safeguarding lead approves, or a
    second administrator for the Administrator role. Administrators ask for them in the admin."""
    if not can_see_role_grants(request.user):
        raise Http404
    pending = [
        (grant, can_decide_role_grant(request.user, grant))
        for grant in RoleGrant.objects.filter(status=RoleGrant.Status.REQUESTED).select_related("user", "requested_by")
    ]
    decided = RoleGrant.objects.exclude(status=RoleGrant.Status.REQUESTED).select_related(
        "user", "requested_by", "decided_by"
    )[:30]
    return render(request, "accounts/role_grants.html", {"pending": pending, "decided": decided})


@require_POST
def role_grant_decide(request, pk):
    if not can_see_role_grants(request.user):
        raise Http404
    grant = get_object_or_404(RoleGrant, pk=pk)
    who = grant.user.get_full_name() or grant.user.username
    try:
        if request.POST.get("decision") == "approve":
            services.role_grant_approve(grant=grant, actor=request.user)
            messages.success(request, f"{who} now has the {grant.role_label} role; they have been e-mailed.")
        else:
            services.role_grant_refuse(grant=grant, actor=request.user)
            messages.success(request, f"The request for {who} to have the {grant.role_label} role was turned down.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:role_grants")
