"""Admin for the taxonomy and the policy library. Who may use it: core/admin_access.py.

Published policy text is read-only here (the service refuses edits too, and PostgreSQL's trigger
refuses them at the database): a change is a new version, imported on /policies/import/. Writes go
through policies.services so they are audited.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from audit.services import audit_record
from core.admin_access import AdministratorAdminMixin, ReadOnlyAdministratorAdminMixin, RulesEditorAdminMixin
from policies.models import (
    Acknowledgement,
    BoundaryCategory,
    DisclosureKind,
    Policy,
    PolicySection,
    PolicyVersion,
    Rule,
    StatutoryPrompt,
)
from policies.services import (
    PolicyError,
    category_policy_sections_set,
    policy_section_update,
    policy_version_delete_draft,
    policy_version_update,
)


@admin.register(BoundaryCategory)
class BoundaryCategoryAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["name", "may_be_confidential", "policy_refs", "linked_sections", "is_active"]
    list_filter = ["is_active", "may_be_confidential"]
    search_fields = ["name", "description", "policy_refs"]
    filter_horizontal = ["policy_sections"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []  # other apps rely on the codes

    def has_delete_permission(self, request, obj=None):
        return False  # cases keep their category: make it inactive instead

    @admin.display(description="Linked sections")
    def linked_sections(self, obj):
        return obj.policy_sections.filter(version__status=PolicyVersion.Status.ACTIVE).count()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "policy_sections":
            # Current and draft versions only; links to superseded versions stay as history.
            kwargs["queryset"] = PolicySection.objects.exclude(
                version__status=PolicyVersion.Status.SUPERSEDED
            ).select_related("version__policy")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        sections = list(form.cleaned_data.pop("policy_sections", []))  # saved by the service below
        # Keep history links to superseded versions, which the form does not show.
        kept = list(form.instance.policy_sections.filter(version__status=PolicyVersion.Status.SUPERSEDED))
        super().save_related(request, form, formsets, change)
        category_policy_sections_set(category=form.instance, sections=kept + sections, actor=request.user)


class PolicyVersionInline(ReadOnlyAdministratorAdminMixin, admin.TabularInline):
    model = PolicyVersion
    fields = ["version_link", "status", "approved_date", "next_review_date", "published_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    @admin.display(description="Version")
    def version_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("policies:version", args=[obj.pk]), obj.label)


@admin.register(Policy)
class PolicyAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["title", "created_at"]
    search_fields = ["title"]
    inlines = [PolicyVersionInline]

    def has_add_permission(self, request, *args, **kwargs):
        return False  # a policy starts with an import: /policies/import/

    def has_delete_permission(self, request, obj=None):
        return False


class PolicySectionInline(AdministratorAdminMixin, admin.TabularInline):
    model = PolicySection
    fields = ["order", "number", "heading", "text"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_draft:
            return ["order", "number"]
        return self.fields


@admin.register(PolicyVersion)
class PolicyVersionAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["policy", "label", "status", "approved_date", "next_review_date", "published_at"]
    list_filter = ["status"]
    search_fields = ["policy__title", "label"]
    inlines = [PolicySectionInline]
    fields = [
        "policy", "label", "status", "approved_by", "approved_date", "next_review_date",
        "source_name", "imported_by", "created_at", "published_at", "published_by", "superseded_at", "body",
    ]  # fmt: skip
    always_read_only = [
        "policy", "status", "source_name", "imported_by", "created_at", "published_at", "published_by",
        "superseded_at", "body",
    ]  # fmt: skip

    def has_add_permission(self, request, *args, **kwargs):
        return False  # imported on /policies/import/ or with manage.py import_policy

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_draft)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            # An active version's text is never edited; only its next review date may move.
            return [f for f in self.fields if f != "next_review_date"]
        return self.always_read_only

    def save_model(self, request, obj, form, change):
        if not form.changed_data:
            return
        try:
            policy_version_update(
                version=obj, actor=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except PolicyError as error:
            messages.error(request, str(error))

    def save_formset(self, request, form, formset, change):
        for section_form in formset.forms:
            if section_form.has_changed():
                section = section_form.instance
                try:
                    policy_section_update(
                        section=section,
                        actor=request.user,
                        heading=section_form.cleaned_data["heading"],
                        text=section_form.cleaned_data["text"],
                    )
                except PolicyError as error:
                    messages.error(request, str(error))

    def delete_model(self, request, obj):
        policy_version_delete_draft(version=obj, actor=request.user)


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["user", "version", "acknowledged_at"]
    list_filter = ["version__policy"]
    search_fields = ["user__username", "user__last_name", "version__policy__title"]


class RuleForm(forms.ModelForm):
    """The kinds and prompts as tick boxes with their labels (stored as lists of codes)."""

    kinds = forms.MultipleChoiceField(
        label="Kinds of report",
        choices=DisclosureKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any kind.",
    )
    prompts = forms.MultipleChoiceField(
        label="Statutory prompts",
        choices=StatutoryPrompt.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The routes the reviewer must consider (yes or no, and why) before closing.",
    )

    class Meta:
        model = Rule
        fields = [
            "name", "order", "is_active", "categories", "kinds", "staff_part", "staff_registered", "vulnerable",
            "risk", "answer", "decision", "priority", "alert", "safeguarding", "prompts", "reason", "policy_sections",
        ]  # fmt: skip


@admin.register(Rule)
class RuleAdmin(RulesEditorAdminMixin, admin.ModelAdmin):
    """The rules table: the safeguarding lead and administrators edit it; every change is in its history."""

    form = RuleForm
    list_display = ["name", "order", "priority", "alert", "safeguarding", "prompt_list", "is_active"]
    list_filter = ["is_active", "priority", "alert", "safeguarding"]
    search_fields = ["name", "reason"]
    filter_horizontal = ["categories", "policy_sections"]
    fieldsets = [
        (None, {"fields": ["name", "order", "is_active"]}),
        (
            "When",
            {
                "fields": [
                    "categories",
                    "kinds",
                    "staff_part",
                    "staff_registered",
                    "vulnerable",
                    "risk",
                    "answer",
                    "decision",
                ]
            },
        ),  # fmt: skip
        ("Then", {"fields": ["priority", "alert", "safeguarding", "prompts"]}),
        ("Because", {"fields": ["reason", "policy_sections"]}),
    ]

    @admin.display(description="Prompts")
    def prompt_list(self, obj):
        return ", ".join(obj.get_prompts_display()) or "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "policy_sections":
            kwargs["queryset"] = PolicySection.objects.filter(
                version__status=PolicyVersion.Status.ACTIVE
            ).select_related("version__policy")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj._change_reason = "policies.rule.changed" if change else "policies.rule.added"
        super().save_model(request, obj, form, change)
        audit_record(action=obj._change_reason, actor=request.user, obj=obj)

    def delete_model(self, request, obj):
        audit_record(action="policies.rule.deleted", actor=request.user, obj=obj, detail={"name": obj.name})
        super().delete_model(request, obj)
