"""The DPO's forms for requests and for the copy (docs/privacy.md)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import PeoplePicker, StyledFormMixin
from people.models import CarerOrRelative, ServiceUser, StaffMember
from privacy.models import RecordCorrection, Redaction, RightsRequest


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def person_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Everyone a request may come from, grouped, as "staff:3", "service_user:7", "carer:2"."""
    staff = [(f"staff:{s.pk}", f"{s.full_name} · {s.job_title}, {s.team.name}")
             for s in StaffMember.objects.select_related("user", "team")]  # fmt: skip
    service_users = [(f"service_user:{u.pk}", f"{u.reference} · {u.initials}") for u in ServiceUser.objects.all()]
    carers = [
        (f"carer:{c.pk}", f"{c.initials} · {c.relationship_to_service_user} of {c.service_user.reference}")
        for c in CarerOrRelative.objects.select_related("service_user")
    ]
    return [("Staff", staff), ("Service users", service_users), ("Carers and relatives", carers)]


def person_from_key(value: str):
    kind, _, pk = value.partition(":")
    model = {"staff": StaffMember, "service_user": ServiceUser, "carer": CarerOrRelative}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model.objects.filter(pk=pk).first()


class RequestLogForm(StyledFormMixin, forms.Form):
    person = forms.ChoiceField(
        label="Who is asking",
        widget=PeoplePicker,
        help_text="A member of staff, a service user or a carer or relative. Type part of a name or reference.",
    )
    kind = forms.ChoiceField(label="What they ask for", choices=RightsRequest.Kind.choices, widget=forms.RadioSelect)
    received_date = forms.DateField(
        label="Received on", widget=DateInput, help_text="The day the request reached us, working day or not."
    )
    details = forms.CharField(
        label="What they asked for, in their words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: any records or dates they named.",
    )
    required_messages = {
        "person": "Choose who is asking",
        "kind": "Choose what they ask for",
        "received_date": "Enter the day the request was received",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person")] + person_choices()
        self._style()

    def clean_person(self):
        person = person_from_key(self.cleaned_data["person"])
        if person is None:
            raise forms.ValidationError("Choose who is asking from the list.")
        return person

    def clean_received_date(self):
        value = self.cleaned_data["received_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The day received cannot be in the future.")
        return value


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))
    required_messages = {"reason": "Say why, in a sentence or two"}

    def __init__(self, *args, label: str = "Why", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        self._style()


class DecideForm(StyledFormMixin, forms.Form):
    DECISIONS = [
        (RightsRequest.Status.GRANTED, "Granted"),
        (RightsRequest.Status.PARTLY_GRANTED, "Partly granted"),
        (RightsRequest.Status.REFUSED, "Refused"),
    ]
    status = forms.ChoiceField(label="Decision", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="The decision and its legal reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you will tell the person, e.g. the compelling grounds that override an objection "
        "(Article 21(1)).",
    )
    required_messages = {"status": "Choose the decision", "reason": "Give the decision and its legal reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RedactionForm(StyledFormMixin, forms.Form):
    item_key = forms.ChoiceField(label="Where", required=False)
    phrase = forms.CharField(
        label="Words to withhold",
        required=False,
        max_length=300,
        help_text="Leave blank to withhold the whole record chosen above.",
    )
    ground = forms.ChoiceField(label="Exemption", choices=Redaction.Ground.choices)
    reason = forms.CharField(label="Why it applies here", widget=forms.Textarea(attrs={"rows": 2}))
    required_messages = {"ground": "Choose the exemption", "reason": "Say why the exemption applies here"}

    def __init__(self, *args, records: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_key"].choices = [("", "Everywhere in the copy")] + records
        self._style()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("item_key") and not (cleaned.get("phrase") or "").strip():
            self.add_error("phrase", "Type the words to withhold, or choose the record to withhold.")
        return cleaned


class CorrectionForm(StyledFormMixin, forms.Form):
    item_key = forms.ChoiceField(label="The record")
    correction = forms.CharField(label="What the person says, in their words", widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(label="Your decision", choices=RecordCorrection.Decision.choices,
                                 widget=forms.RadioSelect)  # fmt: skip
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))
    required_messages = {
        "item_key": "Choose the record",
        "correction": "Enter the person's correction",
        "decision": "Choose your decision",
        "reason": "Say why",
    }

    def __init__(self, *args, records: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_key"].choices = [("", "Choose a record")] + records
        self._style()


class PersonForm(StyledFormMixin, forms.Form):
    person = forms.ChoiceField(label="Whose records", widget=PeoplePicker,
                               help_text="Type part of a name or reference.")  # fmt: skip
    required_messages = {"person": "Choose whose records"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person")] + person_choices()
        self._style()

    def clean_person(self):
        person = person_from_key(self.cleaned_data["person"])
        if person is None:
            raise forms.ValidationError("Choose a person from the list.")
        return person
