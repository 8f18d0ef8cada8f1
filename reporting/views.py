"""Thin views: access check → one service call or selector → response.

Anyone who may not see reports gets 404 on every page and file here (DESIGN §6, AC-11); a senior
manager, who may see them but not ask for one, gets 403 on the request and retry buttons."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from audit.services import audit_record
from cases.models import Case
from reporting.forms import LessonPeriodForm, LessonReviewForm, ReportRequestForm
from reporting.models import QuarterlyReport
from reporting.permissions import (
    can_check_reports,
    can_open_reports_page,
    can_request_report,
    can_review_lessons,
    can_view_reports,
)
from reporting.selectors import (
    lessons_for_review,
    lessons_sha256,
    report_checkable_for,
    report_get_file_for,
    report_list_for,
    report_periods_with_new_lessons,
)
from reporting.services import lesson_review_save, report_check, report_download, report_request, report_retry


def _require_viewer(user) -> None:
    if not can_view_reports(user):
        raise Http404


@require_GET
def report_list(request):
    """Every report with its status and downloads; the request form for those who may ask; the
    disclosure check for the DPO and the safeguarding lead (the DPO sees no download)."""
    if not can_open_reports_page(request.user):
        raise Http404
    if can_view_reports(request.user):
        reports = list(report_list_for(request.user).select_related(None))
    else:
        reports = list(report_checkable_for(request.user).defer("snapshot"))
    return render(
        request,
        "reporting/report_list.html",
        {
            "reports": reports,
            "form": ReportRequestForm(),
            "can_download": can_view_reports(request.user),
            "can_check": can_check_reports(request.user),
            "can_request": can_request_report(request.user),
            "can_review_lessons": can_review_lessons(request.user),
            "new_lessons": report_periods_with_new_lessons() if can_review_lessons(request.user) else [],
            "refresh": any(report.is_active for report in reports),
        },
    )


@require_POST
def report_check_view(request, pk):
    """Run the disclosure check on one ready report (DPO, safeguarding lead); audited."""
    if not can_open_reports_page(request.user):
        raise Http404
    if not can_check_reports(request.user):
        raise PermissionDenied
    report = get_object_or_404(report_checkable_for(request.user), pk=pk)
    report = report_check(report=report, actor=request.user)
    if report.exposed_cells == 0:
        messages.success(request, f"{report} passed the check: nothing hidden in it can be worked out. It is released.")
    else:
        messages.error(
            request,
            f"{report} is held back: {report.exposed_cells} hidden figure{'s' if report.exposed_cells != 1 else ''} "
            "could be worked out with the reports already released. Ask for a new revision.",
        )
    return redirect("reporting:list")


@require_POST
def report_request_view(request):
    _require_viewer(request.user)
    if not can_request_report(request.user):
        raise PermissionDenied
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a quarter that has ended.")
        return redirect("reporting:list")
    report, created = report_request(
        quarter=form.cleaned_data["period"], trigger=QuarterlyReport.Trigger.PERSON, requested_by=request.user
    )
    if created:
        messages.success(
            request, f"The report for {report.period} has been asked for. This page shows when it is ready."
        )
    else:
        messages.info(request, f"A report for {report.period} is already being compiled.")
    return redirect("reporting:list")


@require_POST
def report_retry_view(request, pk):
    _require_viewer(request.user)
    report = get_object_or_404(report_list_for(request.user), pk=pk)
    if not can_request_report(request.user):
        raise PermissionDenied
    report = report_retry(report=report, actor=request.user)
    messages.info(request, f"The report for {report.period} will be compiled again.")
    return redirect("reporting:list")


def _download(request, pk, file_format):
    _require_viewer(request.user)
    try:
        report = report_get_file_for(request.user, pk=pk)
        data, content_type, name = report_download(report=report, file_format=file_format, actor=request.user)
    except (QuarterlyReport.DoesNotExist, LookupError):
        raise Http404 from None
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(len(data))
    return response


@require_GET
def download_pdf(request, pk):
    return _download(request, pk, "pdf")


@require_GET
def download_csv(request, pk):
    return _download(request, pk, "csv")


@require_GET
def download_xlsx(request, pk):
    return _download(request, pk, "xlsx")


@require_GET
def lessons(request):
    """The safeguarding lead's review of a quarter's lessons for training (case content: audited)."""
    if not can_review_lessons(request.user):
        raise Http404
    period_form = LessonPeriodForm(request.GET or None)
    quarter = period_form.quarter()
    cases = list(lessons_for_review(quarter=quarter))
    items = []
    for case in cases:  # the closed cases of one quarter that have lessons: a short list
        review = getattr(case, "lesson_review", None)
        current = review is not None and review.source_sha256 == lessons_sha256(case.lessons)
        items.append(
            {"case": case, "review": review if current else None, "changed": review is not None and not current}
        )
    audit_record(
        action="reporting.lessons.viewed", actor=request.user, detail={"period": str(quarter), "cases": len(cases)}
    )
    stale = [r for r in report_periods_with_new_lessons() if r.period == str(quarter)]
    return render(
        request,
        "reporting/lessons.html",
        {
            "period_form": period_form,
            "quarter": quarter,
            "items": items,
            "decisions": LessonReviewForm().fields["decision"].choices,
            "stale_report": stale[0] if stale else None,
        },
    )


@require_POST
def lesson_review(request):
    if not can_review_lessons(request.user):
        raise Http404
    form = LessonReviewForm(request.POST)
    back = reverse("reporting:lessons") + "?" + urlencode({"period": str(LessonPeriodForm(request.POST).quarter())})
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    case = get_object_or_404(
        Case.objects.filter(status=Case.Status.CLOSED, is_restricted=False, is_confidential=False).exclude(lessons=""),
        pk=form.cleaned_data["case"],
    )
    lesson_review_save(
        case=case, decision=form.cleaned_data["decision"], text=form.cleaned_data["text"], actor=request.user
    )
    messages.success(request, "Your decision has been saved.")
    return redirect(back)
