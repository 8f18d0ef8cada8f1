"""Input parsing for the case review pages. Forms only parse and validate what was typed;
every rule (may this move happen now? is the date allowed?) lives in cases.services, which raises
CaseError with a message the page shows.

No form takes status, reviewer, case or actor from the request (IN-05): the view passes the case,
the signed-in user is the actor, and the case version travels in a hidden field so a stale form is
refused with CaseConflict instead of overwriting someone else's change.
"""

from django import forms

from cases.models import (
    Action,
    ActionCheck,
    ActionTemplate,
    GiftDecision,
    Outcome,
    PatternAlert,
    RiskAssessment,
    RiskScaleLabel,
    VariationDecision,
)
from cases.roles import REVIEWING_ROLES
from cases.selectors import person_label, risk_scale_labels, staff_concerned
from core.dates import DateKind
from core.forms import BoundedDateField, PeoplePicker, StyledFormMixin, team_first
from people.models import StaffMember
from policies.models import Part, StatutoryPrompt

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class StaffChoiceField(forms.ModelChoiceField):
    """Colleagues by name and team, never by staff number."""

    def label_from_instance(self, obj: StaffMember) -> str:
        return f"{obj.full_name} – {obj.team.name}"


def active_staff():
    return StaffMember.objects.active().select_related("user", "team")


def reviewing_staff():
    """People who may be given a case to review or an escalation: line and senior managers, safeguarding leads.
    Whether this person may take this case (DESIGN §5 exclusions) is the service's decision."""
    return active_staff().filter(user__groups__name__in=[r.value for r in REVIEWING_ROLES]).distinct()


class CaseFormMixin(StyledFormMixin):
    """The shared form styling; a non-field error in the summary links to the case form."""

    error_summary_anchor = "case-form"

    def visible_fields_except_version(self):
        return [f for f in self.visible_fields() if f.name != "version"]


# A form posted without the version of the case it was shown with (or with something that is not one):
# an old page, or a page changed by hand. Refused like a conflict, never saved unchecked.
OUT_OF_DATE = "This page is out of date. What you typed is below: check the case, then save again."


class CaseForm(CaseFormMixin, forms.Form):
    """Every case form: the case it is about, and the version the user saw (optimistic locking). The version
    is required: without it a save could overwrite a change the user never saw."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), OUT_OF_DATE),
    )

    def __init__(self, *args, case, **kwargs):
        self.case = case
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", case.version)
        super().__init__(*args, **kwargs)
        self.setup()
        self._style()

    def setup(self):
        """Add fields that depend on the case."""

    def _post_clean(self):
        """A missing or broken version is said at the top of the form (the field is hidden), and the form now
        carries the case's current version, so that saving again after checking the case works."""
        super()._post_clean()
        if "version" in self._errors:
            del self._errors["version"]
            self.add_error(None, OUT_OF_DATE)
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = self.case.version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class ConfirmForm(CaseForm):
    """A move with nothing to type: acknowledge, start the action plan, start monitoring, sign off."""


class ReasonForm(CaseForm):
    required_messages = {"reason": "Say why, in a sentence or two"}

    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 4}))


def _scale_field(label: str, labels: list[RiskScaleLabel], help_text: str) -> forms.TypedChoiceField:
    choices = [(str(s.value), f"{s.value} – {s.label}") for s in labels]
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, widget=forms.RadioSelect, help_text=help_text
    )


class AssessForm(CaseForm):
    """The 5×5 matrix: likelihood and consequence now, and the residual risk once the mitigation is in place."""

    required_messages = {
        "likelihood": "Choose how likely it is to happen or happen again",
        "consequence": "Choose how bad it would be if it did",
        "residual_likelihood": "Choose how likely it is once the mitigation is in place",
        "residual_consequence": "Choose how bad it would be once the mitigation is in place",
    }

    TEXTS = ("risk_to_service_user", "risk_to_worker", "risk_to_organisation", "mitigation")

    def setup(self):
        labels = risk_scale_labels()
        self.scale_descriptions = {(s.axis, s.value): s.description for s in labels}
        likelihood = [s for s in labels if s.axis == RiskScaleLabel.Axis.LIKELIHOOD]
        consequence = [s for s in labels if s.axis == RiskScaleLabel.Axis.CONSEQUENCE]
        self.fields["likelihood"] = _scale_field("Likelihood", likelihood, "How likely is harm to happen or recur?")
        self.fields["consequence"] = _scale_field("Consequence", consequence, "How bad would it be if it did?")
        for name in RiskAssessment.FACTOR_FIELDS:
            model_field = RiskAssessment._meta.get_field(name)
            self.fields[name] = forms.BooleanField(label=str(model_field.verbose_name).capitalize(), required=False)
        labels_for_text = {
            "risk_to_service_user": "Risk to the service user",
            "risk_to_worker": "Risk to the worker",
            "risk_to_organisation": "Risk to the organisation",
            "mitigation": "What reduces the risk (mitigation)",
        }
        for name in self.TEXTS:
            self.fields[name] = forms.CharField(
                label=labels_for_text[name], required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        self.fields["residual_likelihood"] = _scale_field(
            "Likelihood once the mitigation is in place", likelihood, "The residual risk."
        )
        self.fields["residual_consequence"] = _scale_field(
            "Consequence once the mitigation is in place", consequence, "The residual risk."
        )

    def factor_fields(self):
        return [self[name] for name in RiskAssessment.FACTOR_FIELDS]

    def text_fields(self):
        return [self[name] for name in self.TEXTS]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "likelihood": data["likelihood"],
            "consequence": data["consequence"],
            "residual_likelihood": data["residual_likelihood"],
            "residual_consequence": data["residual_consequence"],
            "factors": {name: bool(data.get(name)) for name in RiskAssessment.FACTOR_FIELDS},
            **{name: data.get(name, "") for name in self.TEXTS},
        }


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ReviewDateForm(CaseForm):
    required_messages = {"next_review_date": "Enter the date of the next review"}

    next_review_date = BoundedDateField(
        kind=DateKind.FUTURE,
        what="The next review date",
        label="Next review date",
        widget=DateInput,
        help_text="When the arrangements are next reviewed.",
    )


class PromptAnswerForm(CaseForm):
    """One statutory prompt considered: was the referral made, and why (seed 002 §5.6, §6.4, §7.5–7.6)."""

    required_messages = {
        "prompt": "Choose which duty you considered",
        "referral_made": "Choose yes if the referral or report was made, or no if it was not",
        "reason": "Say why the referral was or was not made",
    }

    prompt = forms.ChoiceField(label="Which duty", choices=StatutoryPrompt.choices)
    referral_made = forms.ChoiceField(
        label="Was the referral or report made?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Yes if it was made or is being made.",
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}), help_text="A sentence or two.")

    def __init__(self, *args, prompts=None, **kwargs):
        self.prompts = prompts
        super().__init__(*args, **kwargs)

    def setup(self):
        if self.prompts:
            self.fields["prompt"].choices = [(code, StatutoryPrompt(code).label) for code in self.prompts]

    def clean_referral_made(self):
        return _yes_no(self.cleaned_data["referral_made"])


class ActionAddForm(CaseForm):
    required_messages = {
        "template": "Choose an action from the library",
        "owner": "Choose who will do it",
    }

    template = forms.ModelChoiceField(
        label="Action",
        queryset=ActionTemplate.objects.none(),
        help_text="Choose from the action library; what each one involves is listed below.",
    )
    owner = StaffChoiceField(
        label="Who will do it",
        queryset=StaffMember.objects.none(),
        widget=PeoplePicker,
        help_text="Type part of their name; the case's team comes first.",
    )
    due_date = BoundedDateField(
        kind=DateKind.FUTURE,
        what="The due date",
        label="Due date",
        required=False,
        widget=DateInput,
        help_text="Leave blank to use the action's usual time.",
    )
    details = forms.CharField(
        label="What exactly will be done", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def setup(self):
        self.fields["template"].queryset = ActionTemplate.objects.filter(is_active=True)
        self.fields["owner"].queryset = team_first(active_staff(), self.case.team)
        if not self.is_bound and self.case.reviewer_id:
            self.initial.setdefault("owner", self.case.reviewer_id)


class ActionStatusForm(CaseForm):
    required_messages = {"status": "Choose the action's status"}

    status = forms.ChoiceField(
        label="Status", choices=[(s.value, s.label) for s in Action.REVIEWER_STATUSES]
    )  # "not possible" is the owner's, with their reason (My actions)


class GiftDecisionForm(CaseForm):
    """The reviewer's decision on a gift over the threshold (cases.services.case_gift_decide)."""

    required_messages = {
        "disclosure_reference": "Choose the gift you are deciding about",
        "decision": "Choose what happens to the gift",
        "note": "Say why, and what happens next",
    }

    disclosure_reference = forms.ChoiceField(label="Which gift", choices=())
    decision = forms.ChoiceField(
        label="What happens to it", choices=GiftDecision.Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), help_text="Why, and what happens next."
    )

    def __init__(self, *args, gifts=(), **kwargs):
        self.gifts = list(gifts)
        super().__init__(*args, **kwargs)

    def setup(self):
        self.fields["disclosure_reference"].choices = [
            (g.reference, f"{g.reference}: {g.item or 'a gift'}, £{g.value}") for g in self.gifts
        ]
        if len(self.gifts) == 1:
            self.fields["disclosure_reference"].initial = self.gifts[0].reference


class ReviewForm(CaseForm):
    """A scheduled review (seed 002 §10.3): for every open action, still needed? working? and a note."""

    required_messages = {
        "notes": "Write what the review found",
        "next_review_date": "Enter the date of the next review",
    }

    notes = forms.CharField(label="Review notes", widget=forms.Textarea(attrs={"rows": 4}))
    next_review_date = BoundedDateField(
        kind=DateKind.FUTURE, what="The next review date", label="Next review date", widget=DateInput
    )

    def __init__(self, *args, actions=(), **kwargs):
        self.actions = list(actions)
        super().__init__(*args, **kwargs)

    def setup(self):
        for action in self.actions:
            title = action.template.title
            self.fields[f"still_needed_{action.pk}"] = forms.ChoiceField(
                label="Still needed?",
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether “{title}” is still needed"},
            )
            self.fields[f"working_{action.pk}"] = forms.ChoiceField(
                label="Is it working?",
                choices=ActionCheck.Working.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether “{title}” is working"},
            )
            self.fields[f"note_{action.pk}"] = forms.CharField(
                label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def action_rows(self):
        return [
            (action, self[f"still_needed_{action.pk}"], self[f"working_{action.pk}"], self[f"note_{action.pk}"])
            for action in self.actions
        ]

    def checks(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "action": action,
                "still_needed": _yes_no(data[f"still_needed_{action.pk}"]),
                "working": data[f"working_{action.pk}"],
                "note": data.get(f"note_{action.pk}", ""),
            }
            for action in self.actions
        ]


class SubjectNoticeForm(CaseForm):
    required_messages = {
        "subject": "Choose who was told",
        "told": "Write what they were told",
    }

    subject = StaffChoiceField(label="Who was told", queryset=StaffMember.objects.none())
    told = forms.CharField(
        label="What they were told",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="They will read exactly this text. Do not name the person who raised it, nor anyone who "
        "would give them away.",
    )
    told_date = BoundedDateField(
        kind=DateKind.PAST,
        what="The date they were told",
        label="When",
        required=False,
        widget=DateInput,
        help_text="Leave blank for today.",
    )
    names_checked = forms.BooleanField(
        label="The names may stay",
        required=False,
        help_text="Tick only if the text names colleagues and none of them tells who raised the concern.",
    )

    def setup(self):
        self.fields["subject"].queryset = staff_concerned(case=self.case).select_related("user", "team")


class NoticeReplyForm(CaseFormMixin, forms.Form):
    required_messages = {"response": "Write your reply"}

    response = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Your side of it, in your own words. The manager reviewing it will read this.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class EscalateForm(CaseForm):
    required_messages = {
        "to": "Choose who to escalate the case to",
        "reason": "Say why you are escalating the case",
        "reassign": "Choose whether they take the case over or you keep reviewing it",
    }

    to = StaffChoiceField(label="Escalate to", queryset=StaffMember.objects.none())
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 4}))
    reassign = forms.ChoiceField(
        label="What should happen",
        choices=[("share", "Share the case with them; I keep reviewing it"), ("reassign", "They take the case over")],
        widget=forms.RadioSelect,
        initial="share",
    )

    def __init__(self, *args, targets=(), **kwargs):
        self.targets = list(targets)
        super().__init__(*args, **kwargs)

    def setup(self):
        # Who the actor may escalate to is the service's answer (cases.services.escalation_targets_for).
        self.fields["to"].queryset = active_staff().filter(pk__in=[t.pk for t in self.targets])

    def clean_reassign(self):
        return self.cleaned_data["reassign"] == "reassign"


class ReassignForm(CaseForm):
    required_messages = {
        "reviewer": "Choose the new reviewer",
        "reason": "Say why the case is reassigned",
    }

    reviewer = StaffChoiceField(
        label="New reviewer",
        queryset=StaffMember.objects.none(),
        widget=PeoplePicker,
        help_text="Line managers, senior managers and safeguarding leads; the case's team comes first.",
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))

    def setup(self):
        # Whether this person may take this case (DESIGN §5 exclusions) is the service's answer, with its reason.
        self.fields["reviewer"].queryset = team_first(reviewing_staff(), self.case.team)


class KeyWorkerForm(CaseForm):
    required_messages = {
        "service_user": "Choose the service user whose key worker changes",
        "new_key_worker": "Choose the new key worker",
    }

    service_user = forms.ModelChoiceField(label="Service user", queryset=None)
    new_key_worker = StaffChoiceField(
        label="New key worker",
        queryset=StaffMember.objects.none(),
        widget=PeoplePicker,
        help_text="Type part of their name; the case's team comes first. The people the case is about are not listed.",
    )

    def setup(self):
        self.fields["service_user"].queryset = self.case.service_users.all()
        self.fields["service_user"].label_from_instance = lambda su: f"{su.reference} · {su.initials}"
        # The subject of the case is never offered as the new key worker; a declared relationship
        # with the service user is still refused by the service with its own message.
        self.fields["new_key_worker"].queryset = team_first(
            active_staff().exclude(pk__in=self.case.subjects.values("pk")), self.case.team
        )


class ArrangementForm(CaseForm):
    required_messages = {
        "arrangement": "Describe the arrangement agreed",
        "next_review_date": "Enter the date the arrangement is next reviewed",
    }

    arrangement = forms.CharField(
        label="The arrangement agreed",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded in the relationships register.",
    )
    next_review_date = BoundedDateField(
        kind=DateKind.FUTURE, what="The review date", label="Review it on", widget=DateInput
    )


class CloseForm(CaseForm):
    required_messages = {
        "outcome": "Choose the outcome of the case",
        "outcome_notes": "Give the reasons for the outcome",
        "summary_for_reporter": "Write a summary for the person who raised it",
    }

    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect)
    outcome_notes = forms.CharField(label="Reasons for the outcome", widget=forms.Textarea(attrs={"rows": 4}))
    summary_for_reporter = forms.CharField(
        label="Summary for the person who raised it",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They will read this. Say what was done in general terms, without details about anyone.",
    )
    lessons = forms.CharField(
        label="Lessons for training",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="No names. The safeguarding lead reviews these before they reach a quarterly report.",
    )


class NoteForm(CaseForm):
    required_messages = {"text": "Write the note"}

    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))


class SupportForm(CaseForm):
    """Support offered to a member of staff harmed or affected (seed 001 "Sexualised behaviour")."""

    required_messages = {
        "staff": "Choose who was offered support",
        "what": "Say what support was offered",
        "offered_by": "Choose who offered it",
    }

    staff = StaffChoiceField(label="Who was offered support", queryset=StaffMember.objects.none())
    what = forms.CharField(
        label="What support was offered",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example a debrief, occupational health, counselling, a change of rota.",
    )
    offered_by = StaffChoiceField(label="Offered by", queryset=StaffMember.objects.none())
    offered_date = BoundedDateField(
        kind=DateKind.PAST,
        what="The date it was offered",
        label="When",
        required=False,
        widget=DateInput,
        help_text="Leave blank for today.",
    )

    def setup(self):
        harmed = self.case.involvements.filter(part=Part.HARMED, staff__isnull=False).values("staff")
        self.fields["staff"].queryset = StaffMember.objects.filter(pk__in=harmed).select_related("user", "team")
        self.fields["offered_by"].queryset = active_staff()


class ChangePartForm(CaseForm):
    """The reviewer corrects the part someone plays, with a reason."""

    required_messages = {
        "involvement": "Choose whose part you are correcting",
        "part": "Choose the part they play",
        "reason": "Say why the part is changed",
    }

    involvement = forms.ModelChoiceField(label="Who", queryset=None, widget=forms.RadioSelect)
    part = forms.ChoiceField(
        label="Their part",
        choices=[(v, label) for v, label in Part.choices if v != Part.RAISED],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))

    def setup(self):
        self.fields["involvement"].queryset = (
            self.case.involvements.exclude(part=Part.RAISED)
            .select_related("staff__user", "staff__team", "service_user", "carer__service_user")
            .order_by("pk")
        )
        self.fields["involvement"].label_from_instance = lambda i: f"{person_label(i)} – {i.get_part_display()}"


class VariationDecisionForm(CaseForm):
    """A decision on a plan that stretches a boundary, before its date (seed 000 §5.7–5.8)."""

    required_messages = {
        "decision": "Choose whether the plan is agreed",
        "reason": "Say why, in words the worker will read",
    }

    decision = forms.ChoiceField(
        label="Your decision", choices=VariationDecision.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Why", widget=forms.Textarea(attrs={"rows": 3}), help_text="The worker will read this."
    )
    conditions = forms.CharField(
        label="Conditions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if agreed with conditions: one a line. Each becomes an action for the worker, due on the day.",
    )


class PatternStateForm(StyledFormMixin, forms.Form):
    """The safeguarding lead records what happened with a pattern across cases."""

    state = forms.ChoiceField(label="What has happened", choices=PatternAlert.State.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActionOwnerForm(StyledFormMixin, forms.Form):
    """ "My actions": the owner says it is done, or not possible and why (no case, no version: the service
    locks the case and checks the action is still to do)."""

    status = forms.ChoiceField(choices=[(s.value, s.label) for s in Action.OWNER_OUTCOMES], widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is it not possible?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if it is not possible: the manager reads this and plans what happens next.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
