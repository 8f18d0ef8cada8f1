"""Every write to a case, by concern; the public names are re-exported here."""

from cases.services.actions import action_add, action_owner_mark, action_set_status
from cases.services.assessment import case_assess, prompt_answer
from cases.services.assignment import case_escalate, case_reassign, case_reassign_key_worker
from cases.services.base import CaseConflict, CaseError, TransitionNotAllowed, timeline_add
from cases.services.closure import case_close, case_reopen, case_send_back, case_sign_off
from cases.services.gifts import case_gift_decide
from cases.services.moves import (
    case_acknowledge,
    case_follow_up_add,
    case_note_add,
    case_set_review_date,
    case_start_action_plan,
    case_start_monitoring,
)
from cases.services.notices import subject_notice_record, subject_notice_reply
from cases.services.patterns import pattern_alert_set_state, patterns_check
from cases.services.people import involvement_change_part, involvements_add_for, support_offered_record
from cases.services.references import acknowledge_by_date_for, reference_next, working_days_after, working_days_before
from cases.services.relationships import case_record_arrangement, case_relationship_end
from cases.services.reminders import cases_daily_reminders_send, digest_queue
from cases.services.rerouting import cases_reroute_for, cases_reroute_leavers
from cases.services.reviews import review_record
from cases.services.routing import Routing, RoutingError, case_open_for, reviewer_choose
from cases.services.variations import variation_dates, variation_decide

__all__ = [
    "CaseConflict",
    "CaseError",
    "Routing",
    "RoutingError",
    "TransitionNotAllowed",
    "acknowledge_by_date_for",
    "action_add",
    "action_owner_mark",
    "action_set_status",
    "case_acknowledge",
    "case_assess",
    "case_close",
    "case_escalate",
    "case_follow_up_add",
    "case_gift_decide",
    "case_note_add",
    "case_open_for",
    "case_reassign",
    "case_reassign_key_worker",
    "case_record_arrangement",
    "case_relationship_end",
    "case_reopen",
    "case_send_back",
    "case_set_review_date",
    "case_sign_off",
    "case_start_action_plan",
    "case_start_monitoring",
    "cases_daily_reminders_send",
    "cases_reroute_for",
    "cases_reroute_leavers",
    "digest_queue",
    "involvement_change_part",
    "involvements_add_for",
    "pattern_alert_set_state",
    "patterns_check",
    "prompt_answer",
    "reference_next",
    "review_record",
    "reviewer_choose",
    "subject_notice_record",
    "subject_notice_reply",
    "support_offered_record",
    "timeline_add",
    "variation_dates",
    "variation_decide",
    "working_days_after",
    "working_days_before",
]
