"""The case review pages: the reviewer's queue, everything about one case on one page,
one page per move, the change history, and the subject's own notices.

Every view is thin (STYLE.md): find the case through case_list_for(user) → 404 when it is not
theirs to see (AC-03, AC-05, AC-07); ask cases.permissions.moves_for whether this move is open to
them now → 403 when it is not; call one service, which asks the same table; CaseError → its message
on the page with everything typed kept (409 for CaseConflict); success → back to the case with a
message. Templates get the set of moves (`"close" in moves`) and never re-implement a rule.
"""

from cases.views.actions import my_action_mark, my_actions
from cases.views.moves import (
    PAGES,
    MovePage,
    case_acknowledge,
    case_action_add,
    case_action_plan,
    case_action_status,
    case_arrangement,
    case_assess,
    case_change_part,
    case_close,
    case_decide_variation,
    case_escalate,
    case_gift_decision,
    case_key_worker,
    case_monitoring,
    case_note,
    case_prompt_answer,
    case_reassign,
    case_record_support,
    case_relationship_end,
    case_reopen,
    case_review,
    case_review_date,
    case_send_back,
    case_sign_off,
    case_subject_notice,
)
from cases.views.notices import notice_list, notice_reply
from cases.views.pages import attachment_download, case_detail, case_history_view, case_list
from cases.views.patterns import pattern_list, pattern_state

__all__ = [
    "PAGES",
    "MovePage",
    "case_acknowledge",
    "case_action_add",
    "case_action_plan",
    "case_action_status",
    "case_arrangement",
    "case_assess",
    "case_change_part",
    "case_close",
    "case_decide_variation",
    "case_escalate",
    "case_gift_decision",
    "case_key_worker",
    "case_monitoring",
    "case_note",
    "case_prompt_answer",
    "case_reassign",
    "case_record_support",
    "case_relationship_end",
    "case_reopen",
    "case_review",
    "case_review_date",
    "case_send_back",
    "case_sign_off",
    "case_subject_notice",
    "attachment_download",
    "case_detail",
    "case_history_view",
    "case_list",
    "my_action_mark",
    "my_actions",
    "notice_list",
    "notice_reply",
    "pattern_list",
    "pattern_state",
]
