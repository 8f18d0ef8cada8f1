"""One page per move: GET shows its form, POST calls one service (see cases.views)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from cases import forms as f
from cases import services
from cases.models import Action, RiskScaleLabel
from cases.permissions import MOVES, move_refusal
from cases.selectors import (
    case_closure_problems,
    case_gifts_undecided,
    case_prompts_raised,
    escalation_targets_for,
    risk_bands,
    risk_scale_labels,
)
from cases.services import CaseConflict, CaseError
from cases.views.common import S, _band_for, _case_or_404

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
    # Cite the organisation's clauses about relationships (a key worker who knows the service user).
    cites_relationship_clauses: bool = False


def _render_move(request, case, move: MovePage, form, *, status=200, extra=None):
    # The page shows the case's header and details beside the form: a view of the case (AU-01).
    audit_record(action="cases.case.viewed", actor=request.user, obj=case, detail={"page": move.move})
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
        intro="For each open action: is it still needed, and is it working?",  # seed 002 §10.3
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
        cites_relationship_clauses=True,
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
    "record_support": MovePage(
        "Record support offered",
        "record_support",
        f.SupportForm,
        "Support recorded.",
        button="Save",
        intro="Someone harmed or affected is offered support, not told about a concern against them.",
    ),
    "change_part": MovePage(
        "Correct someone's part",
        "change_part",
        f.ChangePartForm,
        "Part corrected.",
        button="Save",
        intro="For example: the worker who received the comments is harmed, not the person concerned.",
    ),
    "decide_variation": MovePage(
        "Decide on the plan",
        "decide_variation",
        f.VariationDecisionForm,
        "Decision recorded. The worker can read it and has been told there is news.",
        button="Save the decision",
        intro="Agree the plan, agree it with conditions, or decline it, before the date it would happen.",
    ),
    "gift_decision": MovePage(
        "Decide about a gift",
        "decide_gift",
        f.GiftDecisionForm,
        "Decision recorded. The gift register shows it.",
        button="Record the decision",
        intro="A gift worth more than the threshold that the worker kept needs your decision: keep it for the "
        "team, return it, donate it or decline it, with a note.",  # seed 004 §1.2
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
    bands = risk_bands()
    labels = risk_scale_labels()
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
case_subject_notice = _simple(
    "subject_notice", _call(services.subject_notice_record, "subject", "told", "told_date", "names_checked")
)
case_escalate = _simple(
    "escalate",
    _call(services.case_escalate, "to", "reason", "reassign"),
    form_kwargs=lambda c, u: {"targets": escalation_targets_for(case=c, actor=u)},
)
case_reassign = _simple("reassign", _call(services.case_reassign, "reviewer", "reason"))
case_key_worker = _simple("key_worker", _call(services.case_reassign_key_worker, "service_user", "new_key_worker"))
case_relationship_end = _simple("relationship_end", _call(services.case_relationship_end, "reason"))
case_gift_decision = _simple(
    "gift_decision",
    _call(services.case_gift_decide, "disclosure_reference", "decision", "note"),
    form_kwargs=lambda c, u: {"gifts": case_gifts_undecided(case=c)},
)
case_record_support = _simple(
    "record_support", _call(services.support_offered_record, "staff", "what", "offered_by", "offered_date")
)
case_change_part = _simple("change_part", _call(services.involvement_change_part, "involvement", "part", "reason"))
case_decide_variation = _simple(
    "decide_variation", _call(services.variation_decide, "decision", "reason", "conditions")
)
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
