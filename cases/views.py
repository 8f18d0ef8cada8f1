"""The case review pages (issue 4): the reviewer's queue, everything about one case on one page,
one page per move, the change history, and the subject's own notices.

Every view is thin (STYLE.md): find the case through case_list_for(user) → 404 when it is not
theirs to see (AC-03, AC-05, AC-07); ask cases.permissions.moves_for whether this move is open to
them now → 403 when it is not; call one service, which asks the same table; CaseError → its message
on the page with everything typed kept (409 for CaseConflict); success → back to the case with a
message. Templates get the set of moves (`"close" in moves`) and never re-implement a rule.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_record
from cases import forms as f
from cases import services
from cases.filters import CaseQueueFilter
from cases.models import SPEAK_UP_REPORTER, Action, Case, RiskBand, RiskScaleLabel
from cases.permissions import MOVES, can_open_case_queue, can_see_notices, move_refusal, moves_for, moves_waiting
from cases.selectors import (
    case_closure_problems,
    case_current_assessment,
    case_history,
    case_list_for,
    case_prompts_raised,
    case_queue_for,
    case_timeline,
    escalation_targets_for,
    notice_list_for,
)
from cases.services import CaseConflict, CaseError
from core.roles import Role, has_role
from policies.models import StatutoryPrompt
from policies.selectors import category_guidance_sections

S = Case.Status


def _case_or_404(request, pk) -> Case:
    return get_object_or_404(case_list_for(request.user), pk=pk)


def _band_for(score, bands):
    if score is None:
        return None
    return next((b for b in bands if b.min_score <= score <= b.max_score), None)


class People:
    """How a person is named on a case page. On a speak-up case only the guardian sees who raised it
    (DESIGN §5, §6; AC-04): everyone else reads "the person who raised it" wherever the reporter
    appears – as the filer of a disclosure, the author of a follow-up, or an actor in the timeline."""

    def __init__(self, user, case: Case, disclosures):
        self.hide = case.is_speak_up and not has_role(user, Role.SPEAK_UP_GUARDIAN)
        self.reporter_user_ids = {d.reporter.user_id for d in disclosures}
        self.reporter_staff_ids = {d.reporter_id for d in disclosures}
        # case_history gives names, not ids: the reporter's possible display names.
        self.reporter_names = {n for d in disclosures for n in (d.reporter.full_name, d.reporter.user.username)}

    def name(self, name: str) -> str:
        return SPEAK_UP_REPORTER if self.hide and name in self.reporter_names else name

    def user(self, user) -> str:
        if user is None:
            return "Boundaries"
        if self.hide and user.pk in self.reporter_user_ids:
            return SPEAK_UP_REPORTER
        return user.get_full_name() or user.username

    def staff(self, staff) -> str:
        if staff is None:
            return ""
        if self.hide and staff.pk in self.reporter_staff_ids:
            return SPEAK_UP_REPORTER
        return staff.full_name


# The queue ---------------------------------------------------------------------------------


@dataclass
class QueueRow:
    case: Case
    band: RiskBand | None
    next_deadline: object
    deadline_label: str
    overdue: list[str]
    age_days: int


def _queue_row(case: Case, bands, today) -> QueueRow:
    deadlines = []
    if case.status == S.NEW:
        deadlines.append((case.acknowledge_by_date, "Acknowledge"))
    if case.is_open and case.next_review_date:
        deadlines.append((case.next_review_date, "Review"))
    if case.is_open and case.next_action_due:
        deadlines.append((case.next_action_due, "Action due"))
    next_deadline, label = min(deadlines, key=lambda d: d[0]) if deadlines else (None, "")
    overdue = []
    if case.is_acknowledgement_overdue(today):
        overdue.append("Acknowledgement overdue")
    if case.is_review_overdue(today):
        overdue.append("Review overdue")
    if case.overdue_actions:
        overdue.append(f"{case.overdue_actions} action{'s' if case.overdue_actions != 1 else ''} overdue")
    age_days = (today - timezone.localtime(case.opened_at).date()).days
    return QueueRow(case, _band_for(case.current_score, bands), next_deadline, label, overdue, age_days)


QUEUE_PAGE_SIZE = 25


@require_GET
def case_list(request):
    """The review queue: the cases this user may see, filtered; a fixed number of queries."""
    if not can_open_case_queue(request.user):
        raise PermissionDenied
    queue = CaseQueueFilter(request.GET, queryset=case_queue_for(request.user), user=request.user)
    bands = list(RiskBand.objects.all())
    today = timezone.localdate()
    page = Paginator(queue.qs if queue.is_valid() else Case.objects.none(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [_queue_row(case, bands, today) for case in page.object_list]
    return render(
        request,
        "cases/case_list.html",
        {"filter": queue, "rows": rows, "today": today, "page": page, "active_filters": queue.active_count()},
    )


# One case ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveEntry:
    """One move as the case page offers it: a button that changes the case at once, or a link to its form."""

    move: str
    label: str
    url_name: str
    one_click: bool


# The order the case page lists the moves in; the first one open to the user is the primary next step.
NEXT_STEPS = [
    "acknowledge",
    "sign_off",
    "assess",
    "start_action_plan",
    "add_action",
    "set_review_date",
    "start_monitoring",
    "record_review",
    "answer_prompt",
    "record_notice",
    "change_key_worker",
    "record_arrangement",
    "end_relationship",
    "close",
    "send_back",
    "reopen",
    "escalate",
    "reassign",
]
SIDE_MOVES = ("escalate", "reassign")
_ENTRIES = {
    "acknowledge": ("Acknowledge the case", "acknowledge", True),
    "sign_off": ("Sign off closure", "sign_off", True),
    "assess": ("Record a risk assessment", "assess", False),
    "start_action_plan": ("Start the action plan", "action_plan", True),
    "add_action": ("Add an action", "action_add", False),
    "set_review_date": ("Set the review date", "review_date", False),
    "start_monitoring": ("Start monitoring", "monitoring", True),
    "record_review": ("Record a review", "review", False),
    "answer_prompt": ("Answer a statutory prompt", "prompt_answer", False),
    "record_notice": ("Record what the subject was told", "subject_notice", False),
    "change_key_worker": ("Change a key worker", "key_worker", False),
    "record_arrangement": ("Record the arrangement", "arrangement", False),
    "end_relationship": ("Record that the relationship ended", "relationship_end", False),
    "close": ("Close the case", "close", False),
    "send_back": ("Send back to the reviewer", "send_back", False),
    "reopen": ("Reopen the case", "reopen", False),
    "escalate": ("Escalate", "escalate", False),
    "reassign": ("Reassign", "reassign", False),
}


def _move_entries(case: Case, moves, current) -> tuple[MoveEntry | None, list[MoveEntry], list[MoveEntry]]:
    """The primary next step, the other one-click moves, and the moves that open a form (in NEXT_STEPS order)."""
    entries = []
    for name in NEXT_STEPS:
        if name not in moves:
            continue
        label, url_name, one_click = _ENTRIES[name]
        if name == "assess" and current:
            label = "Reassess the risk"
        if name == "start_action_plan" and case.status == S.MONITORING:
            label = "Back to the action plan"
        entries.append(MoveEntry(name, label, url_name, one_click))
    # Escalating or handing the case over is never "the next step": it is there when needed, not suggested.
    primary = next((e for e in entries if e.move not in SIDE_MOVES), None)
    rest = [e for e in entries if e is not primary]
    return primary, [e for e in rest if e.one_click], [e for e in rest if not e.one_click]


def _detail_context(request, case: Case) -> dict:
    user = request.user
    disclosures = list(
        case.disclosures.select_related("category", "reporter__user")
        .prefetch_related("subjects__user", "subjects__team", "service_users", "carers", "attachments")
        .prefetch_related("follow_ups__author__user", "follow_ups__attachments")
        .order_by("submitted_at", "pk")
    )
    people = People(user, case, disclosures)
    bands = list(RiskBand.objects.all())
    scale = {(s.axis, s.value): s for s in RiskScaleLabel.objects.all()}
    assessments = list(case.assessments.select_related("assessed_by__user"))
    current = case_current_assessment(case=case)
    raised = case_prompts_raised(case=case)
    answers_by_prompt = {a.prompt: a for a in case.prompt_answers.select_related("answered_by__user")}
    actions = list(case.actions.select_related("template", "owner__user"))
    moves = moves_for(user, case)
    primary, one_click, forms = _move_entries(case, moves, current)
    return {
        "case": case,
        "moves": moves,
        "primary_move": primary,
        "one_click_moves": one_click,
        "form_moves": forms,
        "waiting": moves_waiting(user, case),
        "people": people,
        "disclosures": [
            {
                "disclosure": d,
                "reporter": people.staff(d.reporter),
                "attachments": [a for a in d.attachments.all() if a.follow_up_id is None],
                "follow_ups": [(fu, people.staff(fu.author)) for fu in d.follow_ups.all()],
                "details": [(key.replace("_", " ").capitalize(), value) for key, value in (d.details or {}).items()],
            }
            for d in disclosures
        ],
        "subjects": list(case.subjects.select_related("user", "team")),
        "service_users": list(case.service_users.all()),
        "current": current,
        "current_band": _band_for(current.score, bands) if current else None,
        "residual_band": _band_for(current.residual_score, bands) if current else None,
        "current_labels": {
            "likelihood": scale.get(("likelihood", current.likelihood)),
            "consequence": scale.get(("consequence", current.consequence)),
            "residual_likelihood": scale.get(("likelihood", current.residual_likelihood)),
            "residual_consequence": scale.get(("consequence", current.residual_consequence)),
        }
        if current
        else {},
        "current_factors": [
            str(current._meta.get_field(name).verbose_name) for name in current.FACTOR_FIELDS if getattr(current, name)
        ]
        if current
        else [],
        "assessments": [(a, _band_for(a.score, bands), _band_for(a.residual_score, bands)) for a in assessments],
        "prompts": [(code, StatutoryPrompt(code).label, answers_by_prompt.get(code)) for code in raised],
        "other_answers": [a for code, a in answers_by_prompt.items() if code not in raised],
        "actions": actions,
        "today": timezone.localdate(),
        "reviews": list(
            case.reviews.select_related("reviewed_by__user").prefetch_related("action_checks__action__template")
        ),
        "notices": list(case.subject_notices.select_related("subject__user", "told_by__user")),
        "timeline": [(entry, people.user(entry.actor)) for entry in case_timeline(case=case)],
        "guidance_sections": list(category_guidance_sections(category=case.category)),
        "note_form": f.NoteForm(case=case),
        "confirm_form": f.ConfirmForm(case=case),
        "action_status_choices": Action.Status.choices,
    }


@require_GET
def case_detail(request, pk):
    """Everything about a case on one page; every view is audited (AU-01)."""
    case = _case_or_404(request, pk)
    audit_record(action="cases.case.viewed", actor=request.user, obj=case)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@require_GET
def case_history_view(request, pk):
    """Who changed what and when, in plain words (core's case_history, from simple-history)."""
    case = _case_or_404(request, pk)
    disclosures = list(case.disclosures.select_related("reporter__user"))
    people = People(request.user, case, disclosures)
    audit_record(action="cases.case.history_viewed", actor=request.user, obj=case)
    rows = [(line, people.name(line.who)) for line in case_history(case=case)]
    return render(request, "cases/case_history.html", {"case": case, "rows": rows})


@require_GET
def attachment_download(request, pk, attachment_id):
    """A file from one of the case's disclosures, for those who may see the case (IN-09; audited)."""
    case = _case_or_404(request, pk)
    # cases never imports disclosures (DESIGN §2): reach the attachment model through the reverse relation.
    attachment_model = case.disclosures.model.attachments.rel.related_model
    attachment = get_object_or_404(attachment_model.objects.filter(disclosure__case=case), pk=attachment_id)
    audit_record(action="cases.attachment.downloaded", actor=request.user, obj=attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Moves -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovePage:
    """The page of one move: its title, the move in cases.permissions.MOVES it makes, its form."""

    title: str
    move: str
    form: type
    done: str
    button: str = "Save"
    intro: str = ""
    template: str = "cases/move_form.html"


def _render_move(request, case, move: MovePage, form, *, status=200, extra=None):
    context = {"case": case, "move": move, "form": form}
    context.update(extra or {})
    return render(request, move.template, context, status=status)


def _move(request, pk, move: MovePage, run, *, form_kwargs=None, extra=None, obj_getter=None):
    """GET shows the move's form; POST runs one service. 404 / 403 / CaseError handling as in the module doc."""
    case = _case_or_404(request, pk)
    refusal = move_refusal(request.user, case, move.move)
    if refusal is not None and not (refusal.kind == "guard" and MOVES[move.move].hint):
        raise PermissionDenied
    obj = obj_getter(case) if obj_getter else None
    kwargs = {"case": case, **(form_kwargs(case, request.user) if form_kwargs else {})}
    more = extra(case) if extra else {}
    if obj is not None:
        more["obj"] = obj
    if request.method == "GET":
        if refusal is not None:  # the case page shows this next step instead of the move; say it here too
            more["problems"] = [refusal.message]
        return _render_move(request, case, move, move.form(**kwargs), extra=more)
    form = move.form(request.POST, **kwargs)
    if not form.is_valid():
        return _render_move(request, case, move, form, extra=more)
    try:
        if obj is not None:
            run(request, case, form, obj)
        else:
            run(request, case, form)
    except CaseConflict as exc:
        # Keep every word typed; the next save is checked against the version now on the page.
        case.refresh_from_db()
        form.data = form.data.copy()
        form.data["version"] = case.version
        form.add_error(None, str(exc))
        return _render_move(request, case, move, form, status=409, extra=more | {"conflict": True})
    except CaseError as exc:
        form.add_error(None, str(exc))
        return _render_move(request, case, move, form, extra=more)
    messages.success(request, move.done)
    return redirect("cases:detail", pk=case.pk)


PAGES = {
    "acknowledge": MovePage(
        "Acknowledge the case",
        "acknowledge",
        f.ConfirmForm,
        "Case acknowledged. Fact-finding has started.",
        button="Acknowledge",
        intro="You take the case on and start finding out what happened.",
    ),
    "assess": MovePage(
        "Record a risk assessment",
        "assess",
        f.AssessForm,
        "Risk assessment recorded.",
        button="Save the risk assessment",
        template="cases/assess_form.html",
    ),
    "action_plan": MovePage(
        "Start the action plan",
        "start_action_plan",
        f.ConfirmForm,
        "The action plan has started.",
        button="Start the action plan",
        intro="Agree the actions that manage the risk.",
    ),
    "review_date": MovePage(
        "Set the next review date", "set_review_date", f.ReviewDateForm, "Review date saved.", button="Save date"
    ),
    "monitoring": MovePage(
        "Start monitoring",
        "start_monitoring",
        f.ConfirmForm,
        "The arrangements are now being monitored.",
        button="Start monitoring",
        intro="The actions are in place; review them on the agreed dates.",
    ),
    "prompt_answer": MovePage(
        "Answer a statutory prompt",
        "answer_prompt",
        f.PromptAnswerForm,
        "Answer recorded.",
        button="Save the answer",
        intro="Every duty raised must be considered – yes or no, and why – before the case can be closed.",
    ),
    "action_add": MovePage(
        "Add an action",
        "add_action",
        f.ActionAddForm,
        "Action added.",
        button="Add the action",
        template="cases/action_add_form.html",
    ),  # fmt: skip
    "action_status": MovePage(
        "Change an action's status", "update_action", f.ActionStatusForm, "Action updated.", button="Save"
    ),
    "review": MovePage(
        "Record a review",
        "record_review",
        f.ReviewForm,
        "Review recorded.",
        button="Save the review",
        template="cases/review_form.html",
        intro="For each open action: is it still needed, and is it working? (seed 002 §10.3)",
    ),
    "subject_notice": MovePage(
        "Record what the subject was told",
        "record_notice",
        f.SubjectNoticeForm,
        "Recorded. They can read it and reply under “Notices about you”.",
        button="Save and let them reply",
        intro="Fairness: the person concerned hears what is said about them and can give their side before an "
        "outcome. They will see only the text you write here – never the case or who raised it.",
    ),
    "escalate": MovePage("Escalate the case", "escalate", f.EscalateForm, "Case escalated.", button="Escalate"),
    "reassign": MovePage("Reassign the case", "reassign", f.ReassignForm, "Case reassigned.", button="Reassign"),
    "key_worker": MovePage(
        "Change a key worker",
        "change_key_worker",
        f.KeyWorkerForm,
        "Key worker changed.",
        button="Change the key worker",
        intro="A proper handover, so the service user does not feel they did something wrong.",
    ),
    "arrangement": MovePage(
        "Record the arrangement",
        "record_arrangement",
        f.ArrangementForm,
        "Arrangement recorded in the relationships register.",
        button="Save the arrangement",
    ),
    "close": MovePage(
        "Close the case",
        "close",
        f.CloseForm,
        "Done.",
        button="Close the case",
        intro="High-risk, safeguarding and sexual-boundaries cases go to a second person to sign off.",
    ),
    "sign_off": MovePage(
        "Sign off closure",
        "sign_off",
        f.ConfirmForm,
        "Closure signed off. The case is closed.",
        button="Sign off and close",
    ),
    "send_back": MovePage(
        "Send the case back",
        "send_back",
        f.ReasonForm,
        "Sent back to the reviewer.",
        button="Send back",
        intro="Refuse sign-off and say what is missing.",
    ),
    "relationship_end": MovePage(
        "Record that the relationship ended",
        "end_relationship",
        f.ReasonForm,
        "Recorded: the relationship has ended.",
        button="Save",
        intro="Say how and when the relationship ended. The entry in the relationships register is closed.",
    ),
    "reopen": MovePage("Reopen the case", "reopen", f.ReasonForm, "Case reopened.", button="Reopen"),
    "note": MovePage("Add a note", "note", f.NoteForm, "Note added.", button="Add the note"),
}


def _simple(move_name, run, **options):
    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        return _move(request, pk, PAGES[move_name], run, **options)

    view.__name__ = f"case_{move_name}"
    view.__doc__ = PAGES[move_name].title
    return view


def _v(form) -> dict:
    return {"expected_version": form.expected_version}


def _call(service, *fields):
    """The usual move: one service given the case, the signed-in user, the named form fields and the
    version the user saw."""

    def run(request, case, form):
        data = {name: form.cleaned_data[name] for name in fields}
        return service(case=case, actor=request.user, **data, **_v(form))

    return run


case_acknowledge = _simple("acknowledge", _call(services.case_acknowledge))


def _matrix(case) -> dict:
    """The 5×5 matrix as a table: likelihood rows (5 at the top) × consequence columns, each cell's band."""
    bands = list(RiskBand.objects.all())
    labels = list(RiskScaleLabel.objects.all())
    likelihood = [s for s in labels if s.axis == RiskScaleLabel.Axis.LIKELIHOOD]
    consequence = [s for s in labels if s.axis == RiskScaleLabel.Axis.CONSEQUENCE]
    rows = [
        (lk, [(lk.value * c.value, _band_for(lk.value * c.value, bands)) for c in consequence]) for lk in likelihood
    ]
    return {"matrix": {"consequence": consequence, "rows": list(reversed(rows))}}


case_assess = _simple(
    "assess",
    lambda r, c, form: services.case_assess(case=c, actor=r.user, **form.service_data(), **_v(form)),
    extra=_matrix,
)
case_action_plan = _simple("action_plan", _call(services.case_start_action_plan))
case_review_date = _simple("review_date", _call(services.case_set_review_date, "next_review_date"))
case_monitoring = _simple("monitoring", _call(services.case_start_monitoring))
case_prompt_answer = _simple(
    "prompt_answer",
    _call(services.prompt_answer, "prompt", "referral_made", "reason"),
    form_kwargs=lambda c, u: {"prompts": case_prompts_raised(case=c)},
)
case_action_add = _simple(
    "action_add",
    _call(services.action_add, "template", "owner", "due_date", "details"),
    extra=lambda c: {"templates": list(f.ActionTemplate.objects.filter(is_active=True))},
)
case_review = _simple(
    "review",
    lambda r, c, form: services.review_record(
        case=c,
        actor=r.user,
        notes=form.cleaned_data["notes"],
        next_review_date=form.cleaned_data["next_review_date"],
        checks=form.checks(),
        **_v(form),
    ),
    form_kwargs=lambda c, u: {"actions": c.actions.filter(status=Action.Status.OPEN).select_related("template")},
)
case_subject_notice = _simple("subject_notice", _call(services.subject_notice_record, "subject", "told", "told_date"))
case_escalate = _simple(
    "escalate",
    _call(services.case_escalate, "to", "reason", "reassign"),
    form_kwargs=lambda c, u: {"targets": escalation_targets_for(case=c, actor=u)},
)
case_reassign = _simple("reassign", _call(services.case_reassign, "reviewer", "reason"))
case_key_worker = _simple("key_worker", _call(services.case_reassign_key_worker, "service_user", "new_key_worker"))
case_relationship_end = _simple("relationship_end", _call(services.case_relationship_end, "reason"))
case_arrangement = _simple("arrangement", _call(services.case_record_arrangement, "arrangement", "next_review_date"))


def _close(request, case, form):
    data = form.cleaned_data
    closed = services.case_close(
        case=case,
        actor=request.user,
        outcome=data["outcome"],
        outcome_notes=data["outcome_notes"],
        summary_for_reporter=data["summary_for_reporter"],
        lessons=data["lessons"],
        **_v(form),
    )
    if closed.status == S.CLOSURE_REVIEW:
        messages.info(request, "This case needs a second person: it has gone to a senior manager to sign off.")
    else:
        messages.info(request, "The case is closed. The person who raised it can read your summary.")


case_close = _simple("close", _close, extra=lambda c: {"problems": case_closure_problems(case=c)})
case_sign_off = _simple("sign_off", _call(services.case_sign_off))
case_send_back = _simple("send_back", _call(services.case_send_back, "reason"))
case_reopen = _simple("reopen", _call(services.case_reopen, "reason"))
case_note = _simple("note", _call(services.case_note_add, "text"))


@require_http_methods(["GET", "POST"])
def case_action_status(request, pk, action_id):
    """Change one action's status (to do / done / no longer needed)."""
    return _move(
        request,
        pk,
        PAGES["action_status"],
        lambda r, c, form, action: services.action_set_status(
            action=action, actor=r.user, status=form.cleaned_data["status"], **_v(form)
        ),
        obj_getter=lambda c: get_object_or_404(c.actions.select_related("template"), pk=action_id),
    )


# The subject's own page --------------------------------------------------------------------


def _notices_or_404(request):
    if not can_see_notices(request.user):
        raise Http404
    return list(notice_list_for(request.user))


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
