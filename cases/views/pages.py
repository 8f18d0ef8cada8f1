"""The review queue, everything about one case on one page, its change history and its files."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.services import audit_record
from cases import forms as f
from cases.filters import CaseQueueFilter
from cases.models import Action, Case, RiskBand, VariationDecision
from cases.permissions import Who, can_open_case_queue, moves_for, moves_waiting
from cases.selectors import (
    case_around,
    case_current_assessment,
    case_gifts,
    case_history,
    case_patterns_for,
    case_people,
    case_prompts_raised,
    case_queue_for,
    case_timeline,
    gift_threshold,
    risk_bands,
    risk_scale_labels,
)
from cases.views.common import People, S, _band_for, _case_or_404
from core.storage import file_download
from policies.models import StatutoryPrompt
from policies.selectors import category_guidance_sections

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
    if case.is_open and case.decision_due_date:
        deadlines.append((case.decision_due_date, "Decide the plan"))
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
    if case.is_decision_overdue(today):
        overdue.append("Decision overdue")
    if case.overdue_actions:
        overdue.append(f"{case.overdue_actions} action{'s' if case.overdue_actions != 1 else ''} overdue")
    age_days = (today - timezone.localtime(case.opened_at).date()).days
    return QueueRow(case, _band_for(case.current_score, bands), next_deadline, label, overdue, age_days)


QUEUE_PAGE_SIZE = 25


@transaction.non_atomic_requests  # it only reads: no BEGIN and COMMIT round trips
@require_GET
def case_list(request):
    """The review queue: the cases this user may see, filtered; a fixed number of queries."""
    if not can_open_case_queue(request.user):
        raise PermissionDenied
    queue = CaseQueueFilter(request.GET, queryset=case_queue_for(request.user), user=request.user)
    bands = risk_bands()
    today = timezone.localdate()
    cases = queue.qs if queue.is_valid() else Case.objects.none()
    # The page's ids first, in the queue's order; then those 25 cases with what the rows show. Asking for
    # everything at once would work out the per-row subqueries for every row skipped before a deep page.
    page = Paginator(cases.values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    by_pk = {case.pk: case for case in cases.filter(pk__in=ids)} if ids else {}
    rows = [_queue_row(by_pk[pk], bands, today) for pk in ids]
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
    "decide_variation",
    "assess",
    "start_action_plan",
    "add_action",
    "set_review_date",
    "start_monitoring",
    "record_review",
    "answer_prompt",
    "record_notice",
    "record_support",
    "decide_gift",
    "change_key_worker",
    "record_arrangement",
    "end_relationship",
    "close",
    "send_back",
    "reopen",
    "change_part",
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
    "record_notice": ("Record what the person concerned was told", "subject_notice", False),
    "record_support": ("Record support offered", "record_support", False),
    "decide_gift": ("Decide about a gift", "gift_decision", False),
    "decide_variation": ("Decide on the plan", "decide_variation", False),
    "change_part": ("Correct someone's part", "change_part", False),
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


# The case page shows the latest TIMELINE_FOLD entries unless asked for the whole timeline, so its
# size stays bounded however long a case runs (docs/performance.md).
TIMELINE_FOLD = 50


def _timeline(request, case: Case, people) -> dict:
    entries = case_timeline(case=case)
    if request.GET.get("timeline") == "all":
        shown, total = list(entries), None
    else:
        shown = list(entries.reverse()[: TIMELINE_FOLD + 1])[::-1]
        total = entries.count() if len(shown) > TIMELINE_FOLD else None
        shown = shown[-TIMELINE_FOLD:]
    return {
        "timeline": [(entry, people.user(entry.actor)) for entry in shown],
        "timeline_folded": total is not None,
        "timeline_total": total,
    }


def _detail_context(request, case: Case) -> dict:
    user = request.user
    disclosures = list(
        case.disclosures.select_related("category", "reporter__user")
        .prefetch_related("subjects__user", "subjects__team", "service_users", "carers", "attachments")
        .prefetch_related("follow_ups__author__user", "follow_ups__attachments")
        .order_by("submitted_at", "pk")
    )
    people = People(user, case, disclosures)
    bands = risk_bands()
    scale = {(s.axis, s.value): s for s in risk_scale_labels()}
    assessments = list(case.assessments.select_related("assessed_by__user"))
    current = case_current_assessment(case=case)
    raised = case_prompts_raised(case=case)
    answers_by_prompt = {a.prompt: a for a in case.prompt_answers.select_related("answered_by__user")}
    actions = list(case.actions.select_related("template", "owner__user"))
    who = Who(user, case)  # what the rules ask about this user and case, asked once for the whole page
    moves = moves_for(user, case, who=who)
    primary, one_click, forms = _move_entries(case, moves, current)
    return {
        "case": case,
        "moves": moves,
        "primary_move": primary,
        "one_click_moves": one_click,
        "form_moves": forms,
        "waiting": moves_waiting(user, case, who=who),
        "people": people,
        "disclosures": [
            {
                "disclosure": d,
                "reporter": people.staff(d.reporter),
                "attachments": [a for a in d.attachments.all() if a.follow_up_id is None],
                "follow_ups": [(fu, people.staff(fu.author)) for fu in d.follow_ups.all()],
                "details": d.details_display(),
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
        "gifts": case_gifts(case=case),
        "gift_threshold": gift_threshold(),
        "people_involved": case_people(case=case, user=user),
        "around": case_around(case=case, user=user),
        "around_months": settings.AROUND_CASE_MONTHS,
        "patterns": case_patterns_for(case=case, user=user),
        "support": list(case.support_offered.select_related("staff__user", "offered_by__user")),
        "variation_decision": VariationDecision.objects.filter(case=case).select_related("decided_by__user").first(),
        **_timeline(request, case, people),
        "guidance_sections": list(category_guidance_sections(category=case.category)),
        "note_form": f.NoteForm(case=case),
        "confirm_form": f.ConfirmForm(case=case),
        "action_status_choices": [(s.value, s.label) for s in Action.REVIEWER_STATUSES],
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
    return file_download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)
