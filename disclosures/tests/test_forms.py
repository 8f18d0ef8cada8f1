"""The guided form on its own: which categories each kind offers, what a draft and a submission
need, and that only people in the organisation can be chosen."""

import pytest

from disclosures.forms import CategoryForm, DisclosureForm, categories_for_kind, section_for
from people.tests.factories import ServiceUserFactory
from policies.models import BoundaryCategory, DisclosureKind


def cat(code):
    return BoundaryCategory.objects.get(code=code)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DisclosureKind.values)
def test_each_kind_offers_only_the_categories_that_apply_to_it(kind):
    offered = set(categories_for_kind(kind))
    assert offered == {c for c in BoundaryCategory.objects.filter(is_active=True) if c.applies_to(kind)}
    assert offered


@pytest.mark.django_db
def test_a_category_that_does_not_apply_to_the_kind_is_refused():
    form = CategoryForm({"kind": "variation", "category": cat("sexual-boundaries").pk}, kind="variation")
    assert not form.is_valid()
    assert form.errors["category"] == ["Choose one of the options on this page."]


@pytest.mark.django_db
def test_an_inactive_category_is_not_offered():
    gifts = cat("gifts-money")
    gifts.is_active = False
    gifts.save()
    assert gifts not in categories_for_kind("self_declaration")


@pytest.mark.django_db
def test_each_category_asks_its_own_questions():
    """The questions are data on the category (policies migration 0007), not a list of codes in the form."""
    assert section_for("self_declaration", cat("gifts-money")) == "gift"
    assert section_for("self_declaration", cat("prior-relationship")) == "relationship"
    assert section_for("self_declaration", cat("friendship")) == "relationship"
    assert section_for("concern", cat("social-media")) == "social_media"
    assert section_for("variation", cat("gifts-money")) == "variation"  # a plan is always about the plan
    assert section_for("incident", cat("discrimination")) is None
    discrimination = cat("discrimination")
    discrimination.questions = BoundaryCategory.Questions.SOCIAL_MEDIA  # an administrator changes it
    assert section_for("incident", discrimination) == "social_media"


def test_a_draft_may_be_almost_empty(org):
    form = DisclosureForm({"narrative": ""}, kind="incident", reporter=org.worker, submitting=False)
    assert form.is_valid(), form.errors


def test_submitting_an_incident_needs_when_where_what_was_done_and_the_risk(org):
    form = DisclosureForm(
        {"category": cat("physical-contact").pk, "narrative": "x"},
        kind="incident",
        reporter=org.worker,
        submitting=True,
    )
    assert not form.is_valid()
    assert {"occurred_date", "location", "immediate_action", "at_risk_now"} <= set(form.errors)


def test_answers_to_another_categorys_questions_are_ignored(org):
    """Hidden questions cannot block the form or leak into the record."""
    form = DisclosureForm(
        {"category": cat("social-media").pk, "narrative": "x", "gift_value": "not money", "gift_item": "left over"},
        kind="self_declaration",
        reporter=org.worker,
        submitting=False,
    )
    assert form.is_valid(), form.errors
    assert form.service_data()["details"] == {}


def test_a_date_in_the_future_is_refused(org):
    form = DisclosureForm({"occurred_date": "2999-01-01"}, kind="incident", reporter=org.worker)
    assert not form.is_valid()
    assert "future" in form.errors["occurred_date"][0]


def test_speak_up_and_good_faith_apply_only_to_concerns(org):
    form = DisclosureForm(
        {"speak_up": "on", "good_faith_confirmed": "on"}, kind="self_declaration", reporter=org.worker
    )
    assert form.is_valid()
    data = form.service_data()
    assert data["speak_up"] is False and data["good_faith_confirmed"] is False


def test_people_are_offered_by_reference_and_initials_or_by_name_and_team_never_the_reporter(org):
    ServiceUserFactory(reference="SU-00077", initials="MT")
    form = DisclosureForm(kind="concern", reporter=org.worker)
    service_users = [label for _, label in form.fields["service_users"].choices]
    colleagues = [label for _, label in form.fields["subjects"].choices]
    assert "SU-00077 · MT" in service_users
    assert f"{org.colleague.full_name} – North A" in colleagues
    assert not any(org.worker.full_name in label for label in colleagues)


def test_free_text_fields_are_not_remembered_by_the_browser(org):
    """CP-06."""
    form = DisclosureForm(kind="incident", reporter=org.worker)
    for name in ("narrative", "immediate_action", "location", "gift_item", "variation_activity", "variation_why"):
        assert form.fields[name].widget.attrs.get("autocomplete") == "off", name


def test_the_statement_shows_labels_and_uk_dates_never_the_stored_answers(org):
    """What was stored ("romantic", "during", "1998-04-01") is shown as the worker chose it."""
    from disclosures.forms import details_display
    from disclosures.models import Disclosure
    from policies.models import BoundaryCategory

    category = BoundaryCategory.objects.filter(questions=BoundaryCategory.Questions.RELATIONSHIP).first()
    disclosure = Disclosure(
        kind="self_declaration",
        category=category,
        details={"kind": "romantic", "since": "1998-04-01", "began": "during"},
    )
    answers = dict(details_display(disclosure))
    assert set(answers.values()) == {"Romantic or sexual", "1 April 1998", "During the service"}
