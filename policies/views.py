"""Thin views: access check → one service call or selector → response.

404 when the user may not see the policy or version (drafts are for administrators only); 403 when
they may see it but not act (publish, import, compliance, reviews)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.admin_access import is_rules_editor
from policies.diff import policy_version_diff
from policies.forms import AcknowledgeForm, CompareForm, PolicyImportForm
from policies.models import BoundaryCategory, PolicyVersion
from policies.permissions import can_acknowledge_version, can_manage_policies, can_view_compliance
from policies.selectors import (
    COMPLIANCE_DEFINITION,
    acknowledgement_compliance,
    acknowledgement_get,
    category_guidance_sections,
    compliance_staff_for,
    policy_list_for,
    policy_version_active,
    policy_version_list_for,
    policy_version_visible_to,
    policy_versions_awaiting_acknowledgement,
    policy_versions_review_due,
    rule_sentences,
    staff_not_acknowledged,
)
from policies.services import (
    PolicyError,
    PolicyParseError,
    policy_acknowledge,
    policy_version_import,
    policy_version_publish,
)


@require_GET
def policy_list(request):
    """Active policies, and which of them wait for the user's acknowledgement."""
    policies = list(policy_list_for(request.user))
    return render(
        request,
        "policies/policy_list.html",
        {
            "policies": policies,
            "awaiting": list(policy_versions_awaiting_acknowledgement(user=request.user)),
            "can_manage": can_manage_policies(request.user),
        },
    )


@require_GET
def rules(request):
    """What happens when you tell us: every active rule in plain English, for every signed-in user."""
    return render(
        request,
        "policies/rules.html",
        {"sentences": rule_sentences(), "can_edit": is_rules_editor(request.user)},
    )


@require_GET
def policy_detail(request, pk):
    """The current version, with its contents, the user's acknowledgement and the version history."""
    policy = get_object_or_404(policy_list_for(request.user), pk=pk)
    version = policy_version_active(policy=policy) or policy_version_list_for(request.user, policy=policy).first()
    if version is None:
        raise Http404
    return _render_version(request, version)


@require_GET
def version_detail(request, pk):
    """A given version (an old one for the record, or a draft for administrators)."""
    return _render_version(request, get_object_or_404(policy_version_visible_to(request.user), pk=pk))


def _render_version(request, version, *, form=None, status=200):
    policy = version.policy
    versions = list(policy_version_list_for(request.user, policy=policy))
    return render(
        request,
        "policies/policy_detail.html",
        {
            "policy": policy,
            "version": version,
            "sections": list(version.sections.all()),
            "versions": versions,
            "acknowledgement": acknowledgement_get(user=request.user, version=version),
            "can_acknowledge": can_acknowledge_version(request.user, version),
            "can_manage": can_manage_policies(request.user),
            "ack_form": form or AcknowledgeForm(),
            "linked_categories": list(BoundaryCategory.objects.filter(policy_sections__version=version).distinct())
            if can_manage_policies(request.user)
            else [],
        },
        status=status,
    )


@require_POST
def acknowledge(request, pk):
    """Confirm "I have read and understood" (seed 002 §16.1.5)."""
    version = get_object_or_404(policy_version_visible_to(request.user), pk=pk)
    pk = version.policy_id
    if not can_acknowledge_version(request.user, version):
        if version.status == PolicyVersion.Status.SUPERSEDED:
            messages.warning(request, "A newer version of this policy has been published. Please read it first.")
            return redirect("policies:detail", pk=pk)
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _render_version(request, version, form=form, status=400)
    try:
        policy_acknowledge(version=version, user=request.user)
    except PolicyError as error:
        messages.warning(request, str(error))
        return redirect("policies:detail", pk=pk)
    messages.success(request, f"Thank you. You have confirmed that you have read {version.policy.title}.")
    return redirect("policies:detail", pk=pk)


@require_POST
def publish(request, pk):
    """Administrators publish a draft; the previous version is superseded."""
    version = get_object_or_404(policy_version_visible_to(request.user), pk=pk)
    pk = version.policy_id
    if not can_manage_policies(request.user):
        raise PermissionDenied
    try:
        result = policy_version_publish(version=version, actor=request.user)
    except PolicyError as error:
        messages.error(request, str(error))
        return redirect("policies:version", pk=version.pk)
    text = (
        f"Version {version.label} of {version.policy.title} is now the current version. "
        "Staff will be asked to acknowledge it."
    )
    if result.links_carried:
        text += f" {result.links_carried} category link(s) moved to the new version."
    messages.success(request, text)
    if result.links_dropped:
        messages.warning(
            request,
            "These category links had no matching section in the new version; link them again in the administration: "
            + "; ".join(result.links_dropped),
        )
    return redirect("policies:detail", pk=pk)


@require_GET
def compare(request, pk):
    """The difference between two versions, section by section."""
    policy = get_object_or_404(policy_list_for(request.user), pk=pk)
    versions = list(policy_version_list_for(request.user, policy=policy))
    if len(versions) < 2:
        messages.info(request, "This policy has only one version, so there is nothing to compare yet.")
        return redirect("policies:detail", pk=pk)
    data = request.GET if {"old", "new"} <= set(request.GET) else {"old": versions[1].pk, "new": versions[0].pk}
    form = CompareForm(data, versions=versions)
    changes = None
    old = new = None
    if form.is_valid():
        by_pk = {v.pk: v for v in versions}
        old, new = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
        changes = list(policy_version_diff(old=old, new=new))
    return render(
        request,
        "policies/policy_compare.html",
        {
            "policy": policy,
            "form": form,
            "old": old,
            "new": new,
            "changes": changes,
            "changed_count": sum(1 for c in changes or [] if c.kind != "unchanged"),
        },
    )


@require_http_methods(["GET", "POST"])
def import_policy(request):
    """Administrators upload a document; it becomes a draft version to check and publish."""
    if not can_manage_policies(request.user):
        raise PermissionDenied
    form = PolicyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = policy_version_import(
                title=data["title"],
                source=data["file"].read(),
                source_name=data["file"].name,
                actor=request.user,
                label=data["label"],
                approved_by=data["approved_by"],
                approved_date=data["approved_date"],
                next_review_date=data["next_review_date"],
            )
        except (PolicyParseError, PolicyError) as error:
            form.add_error("file" if isinstance(error, PolicyParseError) else None, str(error))
        else:
            version = result.version
            messages.success(
                request,
                f"Imported version {version.label} of {version.policy.title} as a draft with "
                f"{version.sections.count()} sections. Check it, then publish it.",
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("policies:version", pk=version.pk)
    return render(request, "policies/policy_import.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def compliance(request):
    """Who has not acknowledged the active version of each policy, per team."""
    if not can_view_compliance(request.user):
        raise PermissionDenied
    staff_qs = compliance_staff_for(request.user)
    moment = timezone.now()
    rows = acknowledgement_compliance(staff_qs=staff_qs, at=moment)
    outstanding = {}
    for row in rows:
        if row.outstanding_count and row.version_id not in outstanding:
            version = PolicyVersion.objects.get(pk=row.version_id)
            outstanding[row.version_id] = (version, list(staff_not_acknowledged(staff_qs=staff_qs, version=version)))
    return render(
        request,
        "policies/compliance.html",
        {
            "rows": rows,
            "outstanding": list(outstanding.values()),
            "organisation_wide": can_manage_policies(request.user),
            "moment": moment,
            "definition": COMPLIANCE_DEFINITION,
        },
    )


@require_GET
def review_due(request):
    """Administrators: active versions whose review date is past or within 30 days."""
    if not can_manage_policies(request.user):
        raise PermissionDenied
    return render(request, "policies/review_due.html", {"versions": list(policy_versions_review_due(within_days=30))})


@require_GET
def category_guidance(request, pk):
    """HTML fragment for the disclosure form and case pages: what the policy says about a category."""
    category = get_object_or_404(BoundaryCategory.objects.filter(is_active=True), pk=pk)
    return render(
        request,
        "policies/_category_guidance.html",
        {"sections": list(category_guidance_sections(category=category)), "category": category},
    )
