"""The rules table as the organisation sees it: /policies/rules/ in plain English for every member of staff, the
admin for the safeguarding lead and administrators (with history), and the per-process copy of the rules."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEvent
from policies.models import BoundaryCategory, Rule, Situation
from policies.selectors import rule_sentences, rules_active, rules_effects
from policies.services import rule_policy_sections_set
from policies.tests.factories import GIFTS_V2, import_and_publish

pytestmark = pytest.mark.django_db


def _situation(code: str, **kwargs) -> Situation:
    return Situation(category_id=BoundaryCategory.objects.get(code=code).pk, **kwargs)


@pytest.mark.parametrize("persona", ["worker", "manager", "senior", "safeguarding", "hr", "guardian"])
def test_every_member_of_staff_reads_every_active_rule_in_plain_english(client, org, persona):
    client.force_login(getattr(org, persona).user)
    response = client.get(reverse("policies:rules"))
    assert response.status_code == 200
    page = response.text
    rules = list(Rule.objects.filter(is_active=True))
    assert len(rules) >= 20
    for rule in rules:
        assert f'id="rule-{rule.pk}"' in page
        assert escape(rule.name) in page
        assert escape(rule.reason) in page
        assert "seed 0" not in page and rule.source not in page  # the record of where it came from stays off pages
    for code in ("safeguarding_referral", "hr_investigation", "self_declaration", "service_user_sexualised"):
        assert code not in page  # labels, never stored codes


def test_a_rule_reads_when_then_because(org):
    sentence = next(s for s in rule_sentences() if s.rule.name == "Sexualised behaviour")
    assert sentence.when == ["it is about “Sexual boundaries” or “Sexualised behaviour towards a worker”"]
    assert sentence.then == [
        "it is urgent",
        "the safeguarding lead is told at once",
        "the manager must consider: Safeguarding referral to the local authority",
    ]
    hr = next(s for s in rule_sentences() if s.rule.name == "Disciplinary: a member of staff's conduct is in question")
    assert "what you tell us is something that happened or a worry about a colleague" in hr.when
    assert "a member of staff is the person concerned" in hr.when
    assert hr.then == ["the manager must consider: HR disciplinary investigation"]
    assert hr.because.endswith("Telling us about yourself is never in itself a disciplinary matter.")


def test_the_page_links_each_rule_to_the_organisations_policy_clause(client, org):
    version = import_and_publish(actor=org.administrator)
    rule = Rule.objects.get(name="A financial element")
    section = version.sections.get(number="1.2")
    rule_policy_sections_set(rule=rule, sections=[section], actor=org.administrator)
    client.force_login(org.worker.user)
    page = client.get(reverse("policies:rules")).text
    link = reverse("policies:detail", args=[version.policy_id]) + "#s-1-2"
    assert f'href="{link}"' in page
    assert "Gifts and contact, 1.2" in page
    assert AuditEvent.objects.filter(action="policies.rule.sections_linked").exists()


def test_a_new_policy_version_carries_the_rule_links_over(org):
    version = import_and_publish(actor=org.administrator)
    rule = Rule.objects.get(name="A financial element")
    rule_policy_sections_set(rule=rule, sections=[version.sections.get(number="1.2")], actor=org.administrator)
    new = import_and_publish(source=GIFTS_V2, label="2.0", actor=org.administrator)
    sentence = next(s for s in rule_sentences() if s.rule.pk == rule.pk)
    assert [s.version_id for s in sentence.sections] == [new.pk]


def test_the_policies_page_and_the_disclosure_form_link_to_the_rules(client, org):
    client.force_login(org.worker.user)
    rules_url = reverse("policies:rules")
    assert f'href="{rules_url}"' in client.get(reverse("policies:list")).text
    response = client.post(
        reverse("disclosures:new"),
        {
            "step": "category",
            "kind": "self_declaration",
            "category": BoundaryCategory.objects.get(code="gifts-money").pk,
        },
    )
    assert f'href="{rules_url}"' in response.text
    assert "What happens when you tell us" in response.text


def test_an_inactive_rule_is_neither_shown_nor_applied(client, org):
    rule = Rule.objects.get(name="Sexualised behaviour")
    assert rules_effects(situation=_situation("sexual-boundaries")).alert
    rule.is_active = False
    rule.save()
    assert not rules_effects(situation=_situation("sexual-boundaries")).alert
    client.force_login(org.worker.user)
    assert f'id="rule-{rule.pk}"' not in client.get(reverse("policies:rules")).text


def test_effects_add_up_the_highest_priority_wins_and_prompts_keep_one_order(org):
    effects = rules_effects(
        situation=_situation(
            "sexual-boundaries", kinds=frozenset({"concern"}), staff_parts=frozenset({"concerned"}), vulnerable=True
        )
    )
    assert effects.priority == "urgent" and effects.alert and effects.safeguarding
    assert effects.prompts == ["safeguarding_referral", "lado_pipot", "police", "dbs", "serious_incident",
                               "hr_investigation"]  # fmt: skip


def test_the_rules_are_read_once_per_process_until_one_changes(org, django_assert_num_queries):
    rules_active()
    with django_assert_num_queries(1):  # the stamp only
        rules_active()
    rule = Rule.objects.get(name="Sexualised behaviour")
    rule.categories.remove(BoundaryCategory.objects.get(code="sexual-boundaries"))
    assert not rules_effects(situation=_situation("sexual-boundaries")).alert
    # Another process saves a rule: no signal reaches this one, but the row's stamp moves.
    Rule.objects.filter(pk=rule.pk).update(priority="high", updated_at=timezone.now())
    assert rules_effects(situation=_situation("service-user-sexualised-behaviour")).priority == "high"


# --- the admin -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["safeguarding", "administrator"])
def test_the_safeguarding_lead_and_administrators_change_a_rule_with_history(client, org, persona):
    """AC-07: only these two roles edit the rules; every change is in the rule's history and the audit trail."""
    user = getattr(org, persona)
    user = getattr(user, "user", user)
    client.force_login(user)
    rule = Rule.objects.get(name="A financial element")
    url = reverse("admin:policies_rule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": rule.name,
        "order": rule.order,
        "is_active": "on",
        "categories": [],
        "kinds": [],
        "staff_part": "",
        "risk": "financial",
        "answer": "",
        "decision": "",
        "priority": "high",
        "prompts": ["safeguarding_referral", "police"],
        "reason": "Financial abuse is a crime.",
        "policy_sections": [],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:2000]
    rule.refresh_from_db()
    assert rule.prompts == ["safeguarding_referral", "police"] and rule.priority == "high"
    assert rule.history.latest().history_user == user
    assert AuditEvent.objects.filter(action="policies.rule.changed", actor=user).exists()


def test_the_safeguarding_lead_sees_nothing_else_in_the_admin(client, org):
    client.force_login(org.safeguarding.user)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:policies_rule_changelist") in index.text
    assert reverse("admin:people_staffmember_changelist") not in index.text
    for name in ("admin:people_staffmember_changelist", "admin:policies_boundarycategory_changelist",
                 "admin:auth_user_changelist"):  # fmt: skip
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("persona", ["worker", "manager", "senior", "hr", "superuser"])
def test_nobody_else_may_change_the_rules(client, org, persona):
    user = getattr(org, persona)
    client.force_login(getattr(user, "user", user))
    response = client.get(reverse("admin:policies_rule_changelist"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 403


def test_a_rule_without_any_effect_is_refused_in_the_admin(client, org):
    client.force_login(org.administrator)
    response = client.post(
        reverse("admin:policies_rule_add"),
        {"name": "Does nothing", "order": 5, "is_active": "on", "reason": "None", "prompts": []},
    )
    assert response.status_code == 200
    assert "A rule must do something" in response.text
    assert not Rule.objects.filter(name="Does nothing").exists()
