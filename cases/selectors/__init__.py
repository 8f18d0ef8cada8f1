"""Every read of "what may this user see" and the reads the case pages and services share, by concern."""

from cases.selectors.actions import action_list_for, action_open_list_for, action_recent_list_for
from cases.selectors.closure import case_closure_problems, case_needs_sign_off
from cases.selectors.gifts import (
    CaseGift,
    case_gifts,
    case_gifts_undecided,
    gift_needs_decision,
    gift_threshold,
    gift_value,
)
from cases.selectors.history import HistoryLine, case_history
from cases.selectors.people import (
    case_exclusions,
    escalation_targets_for,
    exclusions_for,
    first_free_holder,
    reviewer_refusal,
    role_holders,
    sign_off_candidates,
    why_not_reviewer,
)
from cases.selectors.prompts import PROMPT_RULES, PromptRule, case_prompts_raised, case_prompts_unanswered
from cases.selectors.reminders import DigestCounts, digest_context, digest_counts_for, digest_recipient_ids
from cases.selectors.risk import case_current_assessment, case_current_band, risk_band_for
from cases.selectors.visibility import (
    case_is_visible_to,
    case_list_for,
    case_queue_for,
    case_timeline,
    notice_list_for,
    staff_close_colleagues,
)

__all__ = [
    "action_list_for",
    "action_open_list_for",
    "action_recent_list_for",
    "CaseGift",
    "DigestCounts",
    "HistoryLine",
    "PROMPT_RULES",
    "PromptRule",
    "case_closure_problems",
    "case_current_assessment",
    "case_current_band",
    "case_exclusions",
    "case_gifts",
    "case_gifts_undecided",
    "case_history",
    "case_is_visible_to",
    "case_list_for",
    "case_needs_sign_off",
    "case_prompts_raised",
    "case_prompts_unanswered",
    "case_queue_for",
    "case_timeline",
    "digest_context",
    "digest_counts_for",
    "digest_recipient_ids",
    "escalation_targets_for",
    "exclusions_for",
    "first_free_holder",
    "gift_needs_decision",
    "gift_threshold",
    "gift_value",
    "notice_list_for",
    "reviewer_refusal",
    "risk_band_for",
    "role_holders",
    "sign_off_candidates",
    "staff_close_colleagues",
    "why_not_reviewer",
]
