"""Every read of "what may this user see" and the reads the case pages and services share, by concern."""

from cases.selectors.closure import case_closure_problems, case_needs_sign_off
from cases.selectors.history import HistoryLine, case_history
from cases.selectors.involvement import (
    AroundRow,
    PatternRow,
    PatternView,
    PersonRow,
    case_around,
    case_patterns_for,
    case_people,
    months_before,
    pattern_rows_for,
    person_label,
)
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
from cases.selectors.prompts import (
    PROMPT_RULES,
    STAFF_PROMPTS,
    PromptRule,
    case_prompts_raised,
    case_prompts_unanswered,
    staff_concerned,
)
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
    "AroundRow",
    "PatternRow",
    "PatternView",
    "PersonRow",
    "case_around",
    "case_patterns_for",
    "case_people",
    "months_before",
    "pattern_rows_for",
    "person_label",
    "DigestCounts",
    "HistoryLine",
    "PROMPT_RULES",
    "PromptRule",
    "STAFF_PROMPTS",
    "case_closure_problems",
    "case_current_assessment",
    "case_current_band",
    "case_exclusions",
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
    "notice_list_for",
    "reviewer_refusal",
    "risk_band_for",
    "role_holders",
    "sign_off_candidates",
    "staff_close_colleagues",
    "staff_concerned",
    "why_not_reviewer",
]
