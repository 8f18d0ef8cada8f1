"""The DPO's request pages (/privacy/requests/, /privacy/who-looked/). Only the Auditor / DPO role; everyone
else gets 404 (privacy.permissions.can_use_privacy). Views: access check → one service call → response."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_record
from core.formats import uk_date
from privacy.models import RightsRequest
from privacy.permissions import can_use_privacy
from privacy.requests import erasure, services
from privacy.requests.forms import (
    CorrectionForm,
    DecideForm,
    PersonForm,
    ReasonForm,
    RedactionForm,
    RequestLogForm,
)
from privacy.requests.selectors import request_list, request_record_choices, who_looked
from privacy.sar import services as sar
from privacy.sar.collect import LOOKED


def _dpo_only(request) -> None:
    if not can_use_privacy(request.user):
        raise Http404


def _get(request, pk) -> RightsRequest:
    _dpo_only(request)
    return get_object_or_404(request_list(), pk=pk)


@require_GET
def request_list_view(request):
    """Every request with its statutory date; overdue ones first."""
    _dpo_only(request)
    today = timezone.localdate()
    rows = list(request_list())
    open_rows = sorted((r for r in rows if r.is_open), key=lambda r: (not r.is_overdue(today), r.due_date))
    closed_rows = sorted((r for r in rows if not r.is_open), key=lambda r: r.decided_at, reverse=True)
    audit_record(action="privacy.requests.viewed", actor=request.user, detail={"requests": len(rows)})
    return render(request, "privacy/request_list.html",
                  {"open_rows": open_rows, "closed_rows": closed_rows, "today": today})  # fmt: skip


@require_http_methods(["GET", "POST"])
def request_new(request):
    _dpo_only(request)
    form = RequestLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = services.request_log(actor=request.user, kind=form.cleaned_data["kind"],
                                    person=form.cleaned_data["person"],
                                    received_date=form.cleaned_data["received_date"],
                                    details=form.cleaned_data["details"])  # fmt: skip
        messages.success(request, f"Request logged. It is due by {uk_date(made.due_date)}.")
        return redirect("privacy:request", pk=made.pk)
    return render(request, "privacy/request_new.html", {"form": form})


def _detail(request, rr: RightsRequest, status: int = 200, **forms):
    records = request_record_choices(rr) if rr.is_open and rr.kind == RightsRequest.Kind.RECTIFICATION else []
    context = {
        "rr": rr,
        "person_label": sar.person_label(rr),
        "today": timezone.localdate(),
        "extend_form": forms.get("extend_form") or ReasonForm(label="Why the request is complex"),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "correction_form": forms.get("correction_form") or CorrectionForm(records=records),
        "restrict_form": forms.get("restrict_form") or ReasonForm(label="What is restricted, and until when"),
        "corrections": rr.corrections.all(),
        "restriction": erasure.restriction_in_force(rr),
        "lift_form": forms.get("lift_form") or ReasonForm(label="Why the restriction is lifted"),
        "keep_reasons": erasure.erasure_keep_reasons(person_key=rr.person_key)
        if rr.is_open and rr.kind in (RightsRequest.Kind.ERASURE, RightsRequest.Kind.RESTRICTION) else [],
    }  # fmt: skip
    return render(request, "privacy/request_detail.html", context, status=status)


@require_GET
def request_detail(request, pk):
    rr = _get(request, pk)
    audit_record(action="privacy.request.viewed", actor=request.user, obj=rr)
    return _detail(request, rr)


def _done(request, rr, message):
    messages.success(request, message)
    return redirect("privacy:request", pk=rr.pk)


@require_POST
def request_extend(request, pk):
    rr = _get(request, pk)
    form = ReasonForm(request.POST, label="Why the request is complex")
    if form.is_valid():
        try:
            rr = services.request_extend(request=rr, actor=request.user, reason=form.cleaned_data["reason"])
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, rr, f"Extended. It is now due by {uk_date(rr.due_date)}; tell the person why.")
    return _detail(request, rr, status=400, extend_form=form)


@require_POST
def request_decide(request, pk):
    rr = _get(request, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.request_decide(request=rr, actor=request.user, **form.cleaned_data)
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, rr, "Decision recorded.")
    return _detail(request, rr, status=400, decide_form=form)


@require_POST
def request_correct(request, pk):
    rr = _get(request, pk)
    form = CorrectionForm(request.POST, records=request_record_choices(rr))
    if form.is_valid():
        try:
            services.correction_record(request=rr, actor=request.user, **form.cleaned_data)
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, rr, "Correction attached to the record with your decision.")
    return _detail(request, rr, status=400, correction_form=form)


@require_POST
def request_erase(request, pk):
    rr = _get(request, pk)
    if rr.kind != RightsRequest.Kind.ERASURE or not rr.is_open:
        raise Http404
    rr = erasure.apply_erasure(request=rr, actor=request.user)
    return _done(request, rr, f"Erasure {rr.get_status_display().lower()}. The reason is recorded below.")


@require_POST
def request_restrict(request, pk):
    rr = _get(request, pk)
    if rr.kind != RightsRequest.Kind.RESTRICTION or not rr.is_open:
        raise Http404
    form = ReasonForm(request.POST, label="What is restricted, and until when")
    if form.is_valid():
        rr = erasure.apply_restriction(request=rr, actor=request.user, reason=form.cleaned_data["reason"])
        return _done(request, rr, f"Restriction {rr.get_status_display().lower()}. The reason is recorded below.")
    return _detail(request, rr, status=400, restrict_form=form)


@require_POST
def request_lift_restriction(request, pk):
    rr = _get(request, pk)
    if erasure.restriction_in_force(rr) is None:
        raise Http404
    form = ReasonForm(request.POST, label="Why the restriction is lifted")
    if form.is_valid():
        erasure.lift_restriction(request=rr, actor=request.user, reason=form.cleaned_data["reason"])
        return _done(request, rr, "Restriction lifted. The person's records may be used again.")
    return _detail(request, rr, status=400, lift_form=form)


# -- the copy (access requests) ------------------------------------------------------------------------


def _access(request, pk) -> RightsRequest:
    rr = _get(request, pk)
    if rr.kind != RightsRequest.Kind.ACCESS:
        raise Http404
    return rr


def _draft(request, rr, form=None, status=200):
    pack = sar.sar_pack_for(request=rr)
    records = [(item["key"], f"{section['title']}: {item['title']}") for section in pack["sections"]
               for item in section["items"]]  # fmt: skip
    sar.sar_draft_viewed(request=rr, actor=request.user, records=len(records))
    context = {
        "rr": rr,
        "person_label": sar.person_label(rr),
        "pack": pack,
        "redactions": rr.redactions.select_related("added_by"),
        "form": form or RedactionForm(records=records),
    }
    return render(request, "privacy/sar_draft.html", context, status=status)


@require_GET
def sar_draft(request, pk):
    """The draft copy by record title; reading a record's content is its own page (audited per record)."""
    return _draft(request, _access(request, pk))


@require_GET
def sar_record(request, pk, item_key):
    rr = _access(request, pk)
    pack = sar.sar_pack_for(request=rr)
    item = sar.sar_item(pack, item_key)
    if item is None:
        raise Http404
    sar.sar_record_viewed(request=rr, actor=request.user, item=item)
    form = RedactionForm(initial={"item_key": item_key}, records=[(item_key, item["title"])])
    return render(request, "privacy/sar_record.html",
                  {"rr": rr, "item": item, "form": form, "person_label": sar.person_label(rr)})  # fmt: skip


@require_POST
def sar_redact(request, pk):
    rr = _access(request, pk)
    pack = sar.sar_pack_for(request=rr)
    records = [(item["key"], f"{section['title']}: {item['title']}") for section in pack["sections"]
               for item in section["items"]]  # fmt: skip
    form = RedactionForm(request.POST, records=records)
    if form.is_valid():
        try:
            sar.sar_redaction_add(request=rr, actor=request.user, **form.cleaned_data)
        except sar.SarError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Withheld, with the exemption recorded.")
            return redirect("privacy:sar_draft", pk=rr.pk)
    return _draft(request, rr, form=form, status=400)


@require_POST
def sar_release(request, pk):
    rr = _access(request, pk)
    try:
        sar.sar_release(request=rr, actor=request.user)
    except sar.SarError as exc:
        messages.error(request, str(exc))
        return redirect("privacy:sar_draft", pk=rr.pk)
    messages.success(request, "The copy is released. Download the ZIP and send it to the person securely.")
    return redirect("privacy:request", pk=rr.pk)


@require_GET
def sar_download(request, pk):
    rr = _access(request, pk)
    if rr.status != RightsRequest.Status.RELEASED:
        raise Http404
    sar.sar_downloaded(request=rr, actor=request.user)
    response = HttpResponse(bytes(rr.released_zip), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="copy-of-records-request-{rr.pk}.zip"'
    return response


@require_GET
def who_looked_view(request):
    """For a named person: every view and export of records about them, from the audit trail."""
    _dpo_only(request)
    form = PersonForm(request.GET or None)
    events = None
    person = None
    if form.is_bound and form.is_valid():
        person = form.cleaned_data["person"]
        key = (
            "staff" if person._meta.model_name == "staffmember"
            else "service_user" if person._meta.model_name == "serviceuser" else "carer",
            person.pk,
        )  # fmt: skip
        events = [(event, LOOKED.get(event.action, event.action)) for event in who_looked(person_key=key)]
        audit_record(action="privacy.who_looked.viewed", actor=request.user, obj=person, detail={"events": len(events)})
    return render(request, "privacy/who_looked.html", {"form": form, "events": events, "person": person})
