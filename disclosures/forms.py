"""The guided disclosure form: step 1 the kind, step 2 the category, step 3 the details.

Forms only parse and validate input for a screen; every write goes through disclosures.services.
No form takes status, reporter, case or reference from the request (IN-05): those are set by
the services from the signed-in user and the state of the record.
"""

from decimal import Decimal

from django import forms
from django.conf import settings

from core.dates import DateKind
from core.formats import uk_date
from core.forms import (
    STATEMENT_MAX,
    BoundedDateField,
    PeoplePickerMultiple,
    StyledFormMixin,
    rows_as_choices,
    team_first,
)
from people.models import CarerOrRelative, Relationship, ServiceUser, StaffMember
from policies.models import BoundaryCategory, DisclosureKind

K = DisclosureKind

# What each kind means, in the worker's words (step 1).
KIND_HELP = {
    K.SELF_DECLARATION: (
        "Something in your own situation that your manager should know about – for example you knew a "
        "service user before, you were offered a gift, you had a friend request, or you have feelings "
        "or a relationship that might affect your work."
    ),
    K.INCIDENT: (
        "A boundary was blurred or crossed – by you, or while you were there – and it needs a written record."
    ),
    K.CONCERN: "You are worried that a colleague may be crossing a professional boundary.",
    K.VARIATION: (
        "Something you would like to do with a service user that goes beyond the usual boundaries, "
        "so it can be risk-assessed and agreed before it happens."
    ),
}

# Which extra questions a category needs is data on the category (BoundaryCategory.questions); these
# are its values (the keys of Disclosure.details; docs/disclosures.md).
SECTION_GIFT = BoundaryCategory.Questions.GIFT
SECTION_RELATIONSHIP = BoundaryCategory.Questions.RELATIONSHIP
SECTION_SOCIAL = BoundaryCategory.Questions.SOCIAL_MEDIA
SECTION_VARIATION = BoundaryCategory.Questions.VARIATION
# form field name -> key in Disclosure.details, per section
SECTION_FIELDS = {
    SECTION_GIFT: {
        "gift_item": "item",
        "gift_value": "approx_value",
        "gift_from_whom": "from_whom",
        "gift_response": "response",
    },
    SECTION_RELATIONSHIP: {"relationship_kind": "kind", "relationship_since": "since", "relationship_began": "began"},
    SECTION_SOCIAL: {"social_platform": "platform", "social_what_happened": "what_happened"},
    SECTION_VARIATION: {"variation_activity": "planned_activity", "variation_when": "when", "variation_why": "why"},
}
# Required on submit, per section (a draft may leave anything blank).
SECTION_REQUIRED = {
    SECTION_GIFT: ["gift_item", "gift_from_whom", "gift_response"],
    SECTION_RELATIONSHIP: ["relationship_kind", "relationship_began"],
    SECTION_SOCIAL: ["social_platform", "social_what_happened"],
    SECTION_VARIATION: ["variation_activity", "variation_when", "variation_why"],
}


def section_for(kind: str, category: BoundaryCategory | None) -> str | None:
    """The extra questions for this kind and category (a variation request always asks about the plan)."""
    if kind == K.VARIATION:
        return SECTION_VARIATION
    return (category.questions or None) if category else None


def categories_for_kind(kind: str):
    """Active categories that apply to this kind, in taxonomy order."""
    # Filtered in Python: SQLite has no JSON "contains" lookup, and the taxonomy is ~20 rows.
    rows = BoundaryCategory.objects.filter(is_active=True)
    return BoundaryCategory.objects.filter(pk__in=[c.pk for c in rows if c.applies_to(kind)])


class PersonChoices:
    """Labels for the people pickers: service users by reference and initials, colleagues by name and team."""

    @staticmethod
    def colleague(staff: StaffMember) -> str:
        return f"{staff.full_name} – {staff.team.name}"

    # The same labels from plain rows, for the long pickers (core.forms.RowChoiceIterator).
    COLLEAGUE_COLUMNS = ("user__first_name", "user__last_name", "user__username", "team__name")

    @staticmethod
    def colleague_row(first_name: str, last_name: str, username: str, team: str) -> str:
        full_name = f"{first_name} {last_name}".strip() or username  # StaffMember.full_name
        return f"{full_name} – {team}"

    @staticmethod
    def service_user(su: ServiceUser) -> str:
        return PersonChoices.service_user_row(su.reference, su.initials, su.status)

    SERVICE_USER_COLUMNS = ("reference", "initials", "status")

    @staticmethod
    def service_user_row(reference: str, initials: str, status: str) -> str:
        former = " (former)" if status == ServiceUser.Status.FORMER else ""
        return f"{reference} · {initials}{former}"

    @staticmethod
    def carer(carer: CarerOrRelative) -> str:
        return f"{carer.initials}, {carer.relationship_to_service_user} of {carer.service_user.reference}"


# The file picker's hint; the server's allow-list (disclosures.services.ALLOWED_ATTACHMENTS) decides.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.heic,.docx,.txt"
NOT_IN_ORGANISATION = "Choose people from the list. One of the people chosen is not in our organisation."
YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class KindForm(StyledFormMixin, forms.Form):
    """Step 1: what is this about?"""

    kind = forms.ChoiceField(
        label="What would you like to tell us about?",
        choices=K.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what this is about.", "invalid_choice": "Choose what this is about."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CategoryForm(StyledFormMixin, forms.Form):
    """Step 2: which kind of boundary, from the categories that apply to the kind chosen."""

    kind = forms.ChoiceField(choices=K.choices, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label="Which of these is closest?",
        queryset=BoundaryCategory.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the closest match. If you are not sure, pick the nearest one – "
            "your manager can change it.",
            "invalid_choice": "Choose one of the options on this page.",
        },
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_for_kind(kind)
        self.fields["kind"].initial = kind
        self._style()


class DisclosureForm(StyledFormMixin, forms.Form):
    """Step 3: the details. A draft may be incomplete; submitting needs what the kind and category need."""

    category = forms.ModelChoiceField(
        label="Type of boundary issue",
        queryset=BoundaryCategory.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose one of the types in the list."},
    )
    occurred_date = BoundedDateField(
        kind=DateKind.PAST,
        what="The date it happened",
        label="When did it happen?",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date, or your best guess.",
        error_messages={"invalid": "Enter a real date, for example 22/11/2026."},
    )
    location = forms.CharField(
        label="Where did it happen?",
        max_length=200,
        required=False,
        help_text="A place, not a person – for example “the day centre lounge” or “the service user’s home”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    narrative = forms.CharField(
        label="Tell us about it in your own words",
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "true"}),
        help_text="What happened or what the situation is, and anything you think your manager should know. "
        "Use initials, not full names.",
    )
    immediate_action = forms.CharField(
        label="What was done straight away?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="For example “I declined the gift” or “I told the shift leader”. Write “nothing yet” if so.",
    )
    at_risk_now = forms.ChoiceField(
        label="Is anyone at risk of harm now?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        help_text="If someone is in immediate danger, call 999 first, then tell the person in charge.",
    )
    service_users = forms.ModelMultipleChoiceField(
        label="Service users involved",
        queryset=ServiceUser.objects.none(),
        required=False,
        help_text="Type their reference or initials and choose from the list; your team's come first. "
        "You can choose more than one.",
        widget=PeoplePickerMultiple,
        error_messages={"invalid_choice": NOT_IN_ORGANISATION, "invalid_pk_value": NOT_IN_ORGANISATION},
    )
    carers = forms.ModelMultipleChoiceField(
        label="Carers or relatives involved",
        queryset=CarerOrRelative.objects.none(),
        required=False,
        help_text="Only if a carer or relative of a service user is part of this. Type their initials or the "
        "service user's reference.",
        widget=PeoplePickerMultiple,
        error_messages={"invalid_choice": NOT_IN_ORGANISATION, "invalid_pk_value": NOT_IN_ORGANISATION},
    )
    subjects = forms.ModelMultipleChoiceField(
        label="Colleagues involved",
        queryset=StaffMember.objects.none(),
        required=False,
        help_text="Only if a colleague is part of this, for example a relationship with someone you work with. "
        "Type part of their name; your team comes first.",
        widget=PeoplePickerMultiple,
        error_messages={"invalid_choice": NOT_IN_ORGANISATION, "invalid_pk_value": NOT_IN_ORGANISATION},
    )

    # Gifts and money (seed 000 §4.1; 004 §1.2)
    gift_item = forms.CharField(
        label="What was offered or given?",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gift_value = forms.DecimalField(
        label="Roughly how much is it worth, in pounds?",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="Your best guess is fine. Leave it blank if you really do not know.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": "Enter an amount in pounds, for example 20 or 7.50."},
    )
    gift_from_whom = forms.ChoiceField(
        label="Who was it from?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("service_user", "The service user"),
            ("carer", "A carer or relative"),
            ("other", "Someone else connected to the service"),
        ],
    )
    gift_response = forms.ChoiceField(
        label="What happened to it?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("accepted", "I accepted it"), ("declined", "I declined it"), ("returned", "I gave it back")],
    )

    # Relationships (seed 000 §4.2; 002 §6.5, §8, §9–10)
    relationship_kind = forms.ChoiceField(
        label="What kind of relationship is it?",
        required=False,
        choices=[("", "Choose one"), *Relationship.Kind.choices],
    )
    relationship_since = BoundedDateField(
        kind=DateKind.PAST,
        what="The date it began",
        label="Since when, roughly?",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 01/03/2024."},
    )
    relationship_began = forms.ChoiceField(
        label="Did it begin before or during their time with our service?",
        required=False,
        widget=forms.RadioSelect,
        choices=Relationship.Began.choices,
    )

    # Social media (seed 001 "Social networking sites"; 002 §11; 004 §1.13)
    social_platform = forms.ChoiceField(
        label="Which platform or app?",
        required=False,
        choices=[
            ("", "Choose one"),
            ("facebook", "Facebook"),
            ("instagram", "Instagram"),
            ("whatsapp", "WhatsApp"),
            ("tiktok", "TikTok"),
            ("snapchat", "Snapchat"),
            ("x", "X (Twitter)"),
            ("linkedin", "LinkedIn"),
            ("other", "Another app or website"),
        ],
    )
    social_what_happened = forms.ChoiceField(
        label="What was done?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("request_received", "A friend or follow request was received"),
            ("request_sent", "A friend or follow request was sent"),
            ("messages", "Messages were exchanged"),
            ("post", "Something was posted or shared about someone"),
            ("other", "Something else (please describe above)"),
        ],
    )

    # Variation request (seed 000 §5.7–5.8: risk-assessed before it happens)
    variation_activity = forms.CharField(
        label="What would you like to do?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    variation_when = BoundedDateField(
        kind=DateKind.FUTURE,
        what="The date it would happen",
        label="When would it happen?",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 22/11/2026."},
    )
    variation_why = forms.CharField(
        label="Why would it help the service user?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    # Concerns about a colleague (seed 000 §4.4; 002 §7.3)
    speak_up = forms.BooleanField(
        label="Use the speak-up route",
        required=False,
        help_text="Your name will be seen only by the speak-up guardian – not by your manager and not by the "
        "colleague. Choose this if you do not feel able to raise it with your line manager.",
    )
    good_faith_confirmed = forms.BooleanField(
        label="I am raising this in good faith and believe what I have written is true",
        required=False,
    )

    # A personal self-declaration (seed 004 supervision; seed 001 "Disclosure"): only in the categories that allow it
    # (BoundaryCategory.may_be_confidential).
    confidential = forms.BooleanField(
        label="Keep this between me and my line manager",
        required=False,
        help_text="Only your line manager (or whoever reviews it, if they are involved) will see it – not senior "
        "managers. If our safeguarding rules apply, the safeguarding lead will also see it and you will be told why.",
    )

    attachment = forms.FileField(
        label="Add a file (optional)",
        required=False,
        help_text="A photo, PDF, Word document or text file.",
    )

    def __init__(self, *args, kind: str, reporter: StaffMember, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.reporter = reporter
        self.submitting = submitting
        self.fields["category"].queryset = categories_for_kind(kind)
        # Only people in the organisation can be chosen; anything else posted is refused.
        # Each picker lists the reporter's own team first (docs/accessibility.md "Pickers").
        team = reporter.team
        self.fields["subjects"].queryset = team_first(
            StaffMember.objects.active().exclude(pk=reporter.pk).select_related("user", "team"), team
        )
        self.fields["subjects"].label_from_instance = PersonChoices.colleague
        self.fields["service_users"].queryset = team_first(ServiceUser.objects.select_related("team"), team)
        self.fields["service_users"].label_from_instance = PersonChoices.service_user
        # Everyone in the organisation is offered: read as rows, not one model instance each (docs/performance.md).
        for name, columns, label in (
            ("subjects", PersonChoices.COLLEAGUE_COLUMNS, PersonChoices.colleague_row),
            ("service_users", PersonChoices.SERVICE_USER_COLUMNS, PersonChoices.service_user_row),
        ):
            rows_as_choices(self.fields[name], columns=columns, label=label)
        self.fields["carers"].queryset = team_first(
            CarerOrRelative.objects.filter(service_user__status=ServiceUser.Status.CURRENT).select_related(
                "service_user"
            ),
            team,
            "service_user__team",
        )
        self.fields["carers"].label_from_instance = PersonChoices.carer
        self.fields["attachment"].help_text = attachment_help()
        self.fields["attachment"].widget.attrs["accept"] = ACCEPT
        if kind == K.CONCERN:
            self.fields["subjects"].label = "Which colleague are you worried about?"
            self.fields["subjects"].help_text = (
                "Type part of their name and choose them from the list; your team comes first. "
                "You can choose more than one."
            )
        if kind == K.INCIDENT:
            self.fields["narrative"].label = "What happened?"
        if kind == K.VARIATION:
            self.fields["narrative"].label = "Anything else your manager should know (optional)"
            self.fields["service_users"].label = "Which service user is the plan for?"
        self._style()

    # What the template shows -------------------------------------------------------------

    @property
    def current_category(self) -> BoundaryCategory | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix("category"))
            try:
                return self.fields["category"].queryset.get(pk=int(value)) if value else None
            except (ValueError, BoundaryCategory.DoesNotExist):
                return None
        initial = self.initial.get("category")
        if isinstance(initial, BoundaryCategory):
            return initial
        return self.fields["category"].queryset.filter(pk=initial).first() if initial else None

    @property
    def section(self) -> str | None:
        return section_for(self.kind, self.current_category)

    def section_fields(self, section: str):
        return [self[name] for name in SECTION_FIELDS[section]]

    @property
    def shows_when_where(self) -> bool:
        return self.kind in (K.INCIDENT, K.CONCERN, K.SELF_DECLARATION)

    @property
    def offers_confidentiality(self) -> bool:
        category = self.current_category
        return bool(category and category.offers_confidentiality(self.kind))

    @property
    def shows_risk(self) -> bool:
        return self.kind in (K.INCIDENT, K.CONCERN)

    @property
    def is_concern(self) -> bool:
        return self.kind == K.CONCERN

    # Validation ---------------------------------------------------------------------------

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            message = attachment_problem(upload)
            if message:
                # A browser cannot keep a chosen file after an error page (security rule), so say so.
                raise forms.ValidationError(f"{message} Please choose the file again.")
        return upload

    def clean(self):
        data = super().clean()
        # Answers to another category's questions (hidden on the page) are ignored, errors included.
        section = section_for(self.kind, data.get("category"))
        for other, names in SECTION_FIELDS.items():
            if other != section:
                for name in names:
                    self._errors.pop(name, None)
                    data.pop(name, None)
        if not self.submitting:
            return data
        need = {"category": "Choose the type of boundary issue."}
        if self.kind == K.VARIATION:
            need["narrative"] = None
        else:
            need["narrative"] = "Tell us about it in your own words."
        if self.kind == K.INCIDENT:
            need |= {
                "occurred_date": "Enter the date it happened.",
                "location": "Enter where it happened.",
                "immediate_action": "Tell us what was done straight away (write “nothing yet” if so).",
            }
        if self.shows_risk:
            need["at_risk_now"] = "Tell us whether anyone is at risk of harm now."
        if self.kind == K.CONCERN:
            need["subjects"] = "Choose the colleague you are worried about."
            need["good_faith_confirmed"] = "Please confirm you are raising this in good faith."
        for name in SECTION_REQUIRED.get(section, []):
            need[name] = f"Answer “{self.fields[name].label}”"
        for name, message in need.items():
            if message and name not in self.errors and not data.get(name):
                self.add_error(name, message)
        if section == SECTION_RELATIONSHIP and not (
            data.get("service_users") or data.get("carers") or data.get("subjects")
        ):
            self.add_error("service_users", "Choose who the relationship is with: a service user, carer or colleague.")
        if section == SECTION_VARIATION and not data.get("service_users"):
            self.add_error("service_users", "Choose the service user the plan is for.")
        return data

    # For the services -----------------------------------------------------------------------

    def service_data(self) -> dict:
        """Keyword arguments for disclosure_draft_save, from cleaned data only (never the raw POST)."""
        data = self.cleaned_data
        section = section_for(self.kind, data.get("category"))
        details = {}
        for name, key in SECTION_FIELDS.get(section, {}).items():
            value = data.get(name)
            if value in (None, ""):
                continue
            details[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return {
            "kind": self.kind,
            "category": data.get("category"),
            "occurred_date": data.get("occurred_date"),
            "location": data.get("location", ""),
            "narrative": data.get("narrative", ""),
            "immediate_action": data.get("immediate_action", ""),
            "at_risk_now": _yes_no(data.get("at_risk_now")) is True,
            "details": details,
            "subjects": list(data.get("subjects") or []),
            "service_users": list(data.get("service_users") or []),
            "carers": list(data.get("carers") or []),
            "speak_up": bool(data.get("speak_up")) and self.kind == K.CONCERN,
            "good_faith_confirmed": bool(data.get("good_faith_confirmed")) and self.kind == K.CONCERN,
            # Ignored unless the category allows it (disclosures.services.disclosure_draft_save says so too).
            "confidential": bool(data.get("confidential")),
        }

    @classmethod
    def initial_from(cls, disclosure) -> dict:
        """The form's initial values from a saved draft."""
        initial = {
            "category": disclosure.category_id,
            "occurred_date": disclosure.occurred_date,
            "location": disclosure.location,
            "narrative": disclosure.narrative,
            "immediate_action": disclosure.immediate_action,
            "at_risk_now": "yes" if disclosure.at_risk_now else "",
            "subjects": list(disclosure.subjects.all()),
            "service_users": list(disclosure.service_users.all()),
            "carers": list(disclosure.carers.all()),
            "speak_up": disclosure.speak_up,
            "good_faith_confirmed": disclosure.good_faith_confirmed,
            "confidential": disclosure.confidential,
        }
        section = section_for(disclosure.kind, disclosure.category)
        for name, key in SECTION_FIELDS.get(section, {}).items():
            if key in (disclosure.details or {}):
                initial[name] = disclosure.details[key]
        return initial


class FollowUpForm(StyledFormMixin, forms.Form):
    """Add information to a submitted disclosure (the statement itself is never edited)."""

    text = forms.CharField(
        label="What would you like to add?",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text="New facts, something you remembered, or what has happened since. Your statement stays as it was.",
        error_messages={"required": "Write what you would like to add."},
    )
    attachment = forms.FileField(label="Add a file (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].widget.attrs["accept"] = ACCEPT
        self.fields["attachment"].help_text = attachment_help()
        self._style()

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            message = attachment_problem(upload)
            if message:
                raise forms.ValidationError(f"{message} Please choose the file again.")
        return upload


def attachment_help() -> str:
    max_mb = settings.DISCLOSURE_ATTACHMENT_MAX_BYTES // (1024 * 1024)
    return f"A photo (JPG, PNG or HEIC), PDF, Word document (DOCX) or text file, up to {max_mb} MB."


def attachment_problem(upload) -> str | None:
    """Why this file cannot be accepted, in plain words, or None. The rules live with the model (core)."""
    from disclosures import services

    try:
        services.attachment_validate(uploaded_file=upload)
    except forms.ValidationError as exc:
        return " ".join(exc.messages)
    return None


def details_display(disclosure) -> list[tuple[str, str]]:
    """The category-specific answers as (question, answer) in plain words, for the statement page."""
    section = section_for(disclosure.kind, disclosure.category)
    form = DisclosureForm  # labels and choice labels live on the form fields
    rows = []
    for name, key in SECTION_FIELDS.get(section, {}).items():
        value = (disclosure.details or {}).get(key)
        if value in (None, ""):
            continue
        field = form.base_fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        text = (
            str(choices.get(value, value))
            if not isinstance(value, list)
            else ", ".join(str(choices.get(v, v)) for v in value)
        )
        text = uk_date(text)  # a stored date ("2026-07-17") reads "17 July 2026"
        if name == "gift_value":
            text = f"£{value}"
        rows.append((field.label, text))
    return rows
