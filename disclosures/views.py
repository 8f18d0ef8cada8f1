"""The worker's pages: file a disclosure (three short steps), finish a draft, see one's own
disclosures, add information, download one's own attachments.

Every page starts from the worker's own records (disclosures.selectors); anything else is a 404,
never a 403, so a page never reveals that someone else's disclosure exists (AC-03, DESIGN §6).
URLs carry ids only, never a category or any content (CP-03): the steps post to the same URL.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import audit_record
from cases.models import Case, VariationDecision
from cases.selectors import case_who_can_see
from core.roles import Role
from core.storage import file_download
from disclosures import services
from disclosures.forms import (
    KIND_HELP,
    SECTION_FIELDS,
    CategoryForm,
    DisclosureForm,
    FollowUpForm,
    KindForm,
    PersonChoices,
    details_display,
    section_for,
)
from disclosures.models import Attachment, Disclosure
from disclosures.permissions import can_file_disclosure
from disclosures.selectors import disclosure_list_for
from people.models import StaffMember
from policies.models import DisclosureKind

# What a case's status means to the worker who filed it (plain words; no case content).
STATUS_FOR_REPORTER = {
    Case.Status.NEW: "Sent – waiting to be picked up",
    Case.Status.FACT_FINDING: "Being looked into",
    Case.Status.ACTION_PLAN: "Being looked into – a plan is being agreed",
    Case.Status.MONITORING: "Arrangements in place and being reviewed",
    Case.Status.CLOSURE_REVIEW: "Being looked into – nearly finished",
    Case.Status.CLOSED: "Closed",
}


def status_for_reporter(disclosure: Disclosure) -> str:
    if disclosure.is_draft:
        return "Draft – not sent yet"
    return STATUS_FOR_REPORTER.get(disclosure.case.status, "Sent") if disclosure.case else "Sent"


def _reporter_or_404(request):
    """The signed-in worker's staff record; people without one have no worker pages here."""
    if not can_file_disclosure(request.user):
        raise Http404
    return request.user.staff


def _own_disclosure_or_404(request, pk):
    _reporter_or_404(request)
    return get_object_or_404(disclosure_list_for(request.user), pk=pk)


def _support_for(reporter: StaffMember) -> dict:
    """Who the worker can talk to: their line manager and the speak-up guardians, by name."""
    guardians = (
        StaffMember.objects.active().filter(user__groups__name=Role.SPEAK_UP_GUARDIAN.value).select_related("user")
    )
    manager = reporter.line_manager
    return {
        "line_manager": manager.full_name if manager else "",
        "guardians": [g.full_name for g in guardians],
    }


def _guidance_urls(categories) -> dict[int, str]:
    """Where the policies app serves "what the policy says" for each category (loaded by JS)."""
    try:
        return {c.pk: reverse("policies:category_guidance", args=[c.pk]) for c in categories}
    except NoReverseMatch:  # the policies page is optional: the form works without it
        return {}


# Lists and pages ---------------------------------------------------------------------------


@require_http_methods(["GET"])
def disclosure_list(request):
    _reporter_or_404(request)
    rows = [(d, status_for_reporter(d)) for d in disclosure_list_for(request.user).select_related("category", "case")]
    return render(request, "disclosures/disclosure_list.html", {"rows": rows})


@require_http_methods(["GET"])
def disclosure_detail(request, pk):
    disclosure = _own_disclosure_or_404(request, pk)
    if disclosure.is_draft:
        return redirect("disclosures:edit", pk=disclosure.pk)
    return _render_detail(request, disclosure, FollowUpForm())


def _render_detail(request, disclosure, follow_up_form, status=200):
    case = disclosure.case
    context = {
        "disclosure": disclosure,
        "status_text": status_for_reporter(disclosure),
        "follow_ups": disclosure.follow_ups.select_related("author__user").prefetch_related("attachments"),
        "attachments": disclosure.attachments.filter(follow_up__isnull=True),
        "form": follow_up_form,
        "outcome_summary": case.outcome_summary_for_reporter if case and case.status == Case.Status.CLOSED else "",
        "is_closed": bool(case and case.status == Case.Status.CLOSED),
        "details": details_display(disclosure),
        "people": [PersonChoices.colleague(s) for s in disclosure.subjects.select_related("user", "team")]
        + [PersonChoices.service_user(s) for s in disclosure.service_users.all()]
        + [PersonChoices.carer(c) for c in disclosure.carers.select_related("service_user")],
        "support": _support_for(request.user.staff),
        # The decision on a plan and its conditions are the worker's to read (seed 000 §5.7–5.8).
        "variation_decision": VariationDecision.objects.filter(case=case).first() if case else None,
        "who_can_see": case_who_can_see(case=case) if case else [],
    }
    return render(request, "disclosures/disclosure_detail.html", context, status=status)


@require_http_methods(["GET"])
def disclosure_submitted(request, pk):
    disclosure = _own_disclosure_or_404(request, pk)
    if disclosure.is_draft:
        return redirect("disclosures:edit", pk=disclosure.pk)
    case = disclosure.case
    context = {
        "disclosure": disclosure,
        "case": case,
        "support": _support_for(request.user.staff),
        "who_can_see": case_who_can_see(case=case),
        "alerted": case.is_urgent or case.is_safeguarding,
    }
    return render(request, "disclosures/disclosure_submitted.html", context)


# Filing ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def disclosure_new(request):
    """Step 1 (kind), step 2 (category), step 3 (details), all posted to this one URL."""
    reporter = _reporter_or_404(request)
    step = request.POST.get("step") if request.method == "POST" else None
    if step is None:
        return _render_kind(request, KindForm())
    kind_form = KindForm(request.POST)
    if not kind_form.is_valid():
        return _render_kind(request, kind_form)
    kind = kind_form.cleaned_data["kind"]
    if step == "kind":
        return _render_category(request, CategoryForm(kind=kind), kind)
    if step == "category":
        category_form = CategoryForm(request.POST, kind=kind)
        if not category_form.is_valid():
            return _render_category(request, category_form, kind)
        form = DisclosureForm(
            kind=kind, reporter=reporter, initial={"category": category_form.cleaned_data["category"]}
        )
        return _render_details(request, form, kind)
    return _save_details(request, reporter=reporter, kind=kind, disclosure=None)


@require_http_methods(["GET", "POST"])
def disclosure_edit(request, pk):
    """Finish a draft. A submitted statement is never edited: it shows its page instead."""
    disclosure = _own_disclosure_or_404(request, pk)
    if not disclosure.is_draft:
        return redirect("disclosures:detail", pk=disclosure.pk)
    reporter = request.user.staff
    if request.method == "GET":
        form = DisclosureForm(kind=disclosure.kind, reporter=reporter, initial=DisclosureForm.initial_from(disclosure))
        return _render_details(request, form, disclosure.kind, disclosure=disclosure)
    # The kind of a draft is fixed; a posted "kind" is ignored (IN-05).
    return _save_details(request, reporter=reporter, kind=disclosure.kind, disclosure=disclosure)


def _save_details(request, *, reporter, kind, disclosure):
    action = request.POST.get("action")
    if action not in ("draft", "submit", "refresh"):
        action = "submit"
    form = DisclosureForm(request.POST, request.FILES, kind=kind, reporter=reporter, submitting=action == "submit")
    if action == "refresh" or not form.is_valid():
        # Nothing is saved; everything typed comes back (except a file: browsers cannot refill one).
        if action != "refresh" and request.FILES.get("attachment") and "attachment" not in form.errors:
            form.add_error("attachment", "Your file has not been saved yet. Please choose the file again.")
        return _render_details(request, form, kind, disclosure=disclosure, refreshed=action == "refresh")
    disclosure = services.disclosure_draft_save(reporter=reporter, disclosure=disclosure, **form.service_data())
    upload = form.cleaned_data.get("attachment")
    if upload:
        services.attachment_add(disclosure=disclosure, uploaded_by=reporter, uploaded_file=upload)
    if action == "draft":
        messages.success(request, "Saved as a draft. Nobody else can see it. You can finish it from “My disclosures”.")
        return redirect("disclosures:list")
    try:
        disclosure = services.disclosure_submit(disclosure=disclosure, actor=request.user)
    except ValidationError as exc:
        # The service has the last word on completeness; its reasons go back on the form.
        for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
            form.add_error(field if field in form.fields else None, errors)
        messages.info(request, "Your draft has been saved, so nothing is lost.")
        return _render_details(request, form, kind, disclosure=disclosure)
    return redirect("disclosures:submitted", pk=disclosure.pk)


def _render_kind(request, form):
    options = [(radio, KIND_HELP[radio.data["value"]]) for radio in form["kind"]]
    return render(request, "disclosures/new_kind.html", {"form": form, "options": options, "step": 1})


def _render_category(request, form, kind):
    by_pk = {c.pk: c for c in form.fields["category"].queryset}
    context = {
        "form": form,
        "kind": kind,
        "kind_label": DisclosureKind(kind).label,
        "options": [(radio, by_pk[int(str(radio.data["value"]))]) for radio in form["category"]],
        "guidance_urls": _guidance_urls(by_pk.values()),
        "step": 2,
    }
    return render(request, "disclosures/new_category.html", context)


def _render_details(request, form, kind, *, disclosure=None, refreshed=False):
    categories = form.fields["category"].queryset
    guidance = _guidance_urls(categories)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": DisclosureKind(kind).label,
        "is_self_declaration": kind == DisclosureKind.SELF_DECLARATION,
        "is_concern": kind == DisclosureKind.CONCERN,
        "is_variation": kind == DisclosureKind.VARIATION,
        "category": form.current_category,
        # For disclosure-form.js: which questions and which description go with each category.
        "category_info": {
            c.pk: {
                "section": section_for(kind, c) or "",
                "description": c.description,
                "guidance": guidance.get(c.pk, ""),
                "confidential": c.offers_confidentiality(kind),
            }
            for c in categories
        },
        "sections": {name: form.section_fields(name) for name in SECTION_FIELDS},
        "disclosure": disclosure,
        "existing_attachments": disclosure.attachments.all() if disclosure else [],
        "step": 3,
        "refreshed": refreshed,
        "action_url": reverse("disclosures:edit", args=[disclosure.pk]) if disclosure else reverse("disclosures:new"),
    }
    return render(request, "disclosures/new_details.html", context)


# After submission ---------------------------------------------------------------------------


@require_POST
def followup_add(request, pk):
    disclosure = _own_disclosure_or_404(request, pk)
    if disclosure.is_draft:
        raise Http404  # a draft is simply edited
    form = FollowUpForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, disclosure, form)
    services.followup_add(
        disclosure=disclosure,
        author=request.user.staff,
        text=form.cleaned_data["text"],
        uploaded_file=form.cleaned_data.get("attachment"),
    )
    messages.success(request, "Thank you. Your information has been added.")
    return redirect("disclosures:detail", pk=disclosure.pk)


@require_http_methods(["GET"])
def attachment_download(request, pk):
    """Only the worker who filed may download (the case-review pages will add reviewers). IN-09."""
    _reporter_or_404(request)
    attachment = get_object_or_404(Attachment.objects.filter(disclosure__in=disclosure_list_for(request.user)), pk=pk)
    audit_record(action="disclosures.attachment.downloaded", actor=request.user, obj=attachment)
    return file_download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)
