"""The case review pages. Ids only in paths, never content (CP-03). Every URL here is in
tests/test_case_access.py's access table; its completeness test fails when one is missing."""

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("notices/", views.notice_list, name="notices"),
    path("patterns/", views.pattern_list, name="patterns"),
    path("patterns/<int:pk>/state/", views.pattern_state, name="pattern_state"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/history/", views.case_history_view, name="history"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/acknowledge/", views.case_acknowledge, name="acknowledge"),
    path("<int:pk>/assess/", views.case_assess, name="assess"),
    path("<int:pk>/action-plan/", views.case_action_plan, name="action_plan"),
    path("<int:pk>/review-date/", views.case_review_date, name="review_date"),
    path("<int:pk>/monitoring/", views.case_monitoring, name="monitoring"),
    path("<int:pk>/prompts/", views.case_prompt_answer, name="prompt_answer"),
    path("<int:pk>/actions/add/", views.case_action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_id>/status/", views.case_action_status, name="action_status"),
    path("<int:pk>/reviews/add/", views.case_review, name="review"),
    path("<int:pk>/notices/add/", views.case_subject_notice, name="subject_notice"),
    path("<int:pk>/escalate/", views.case_escalate, name="escalate"),
    path("<int:pk>/reassign/", views.case_reassign, name="reassign"),
    path("<int:pk>/key-worker/", views.case_key_worker, name="key_worker"),
    path("<int:pk>/arrangement/", views.case_arrangement, name="arrangement"),
    path("<int:pk>/relationship-ended/", views.case_relationship_end, name="relationship_end"),
    path("<int:pk>/support/", views.case_record_support, name="record_support"),
    path("<int:pk>/parts/", views.case_change_part, name="change_part"),
    path("<int:pk>/decision/", views.case_decide_variation, name="decide_variation"),
    path("<int:pk>/gift-decision/", views.case_gift_decision, name="gift_decision"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/sign-off/", views.case_sign_off, name="sign_off"),
    path("<int:pk>/send-back/", views.case_send_back, name="send_back"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/notes/", views.case_note, name="note"),
]
