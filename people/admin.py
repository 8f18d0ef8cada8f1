"""The admin for the organisation's people (DESIGN §1 "Administrator": accounts, teams, service-user
references; no case content). Who may use it is decided in core/admin_access.py. Accounts and their
roles are in accounts/admin.py.

Staff, service users, assignments and relationships are never deleted here: leavers are made
inactive (their history stays), assignments are ended, and the relationships register belongs to the
case workflow, so administrators may look it up but not change it (docs/imports.md "Admin").
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone as dj_timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join

from audit.services import audit_record
from core.admin_access import AdministratorAdminMixin, ReadOnlyAdministratorAdminMixin
from people.imports import (
    SERVICE_USER_COLUMNS,
    STAFF_COLUMNS,
    ImportRejected,
    service_user_import,
    staff_import,
)
from people.models import (
    Assignment,
    CarerOrRelative,
    Relationship,
    ServiceUser,
    StaffMember,
    Team,
)
from people.services import assignment_create, assignment_end, assignment_refusal, staff_line_manager_error, staff_save


class NoDeleteMixin:
    """Leavers are deactivated and assignments ended, never deleted: their history must stay."""

    def has_delete_permission(self, request, obj=None):
        return False


# --- CSV import pages -----------------------------------------------------------------------------


class CsvImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV with the columns in the guide; line 1 is the header.")
    create_teams = forms.BooleanField(
        label="Create teams that do not exist yet",
        required=False,
        help_text="Leave unticked to have a misspelt team name reported instead of created.",
    )


class CsvImportMixin:
    """An "Import from CSV" page beside the changelist, using the same service as the command."""

    importer = None
    import_title = ""
    import_columns: tuple[str, ...] = ()

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=name),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors = []
        form = CsvImportForm(request.POST, request.FILES) if request.method == "POST" else CsvImportForm()
        if request.method == "POST" and form.is_valid():
            try:
                result = type(self).importer(
                    file=form.cleaned_data["file"], actor=request.user, create_teams=form.cleaned_data["create_teams"]
                )
            except ImportRejected as exc:
                errors = exc.errors
            else:
                messages.success(request, f"Imported {form.cleaned_data['file'].name}: {result.summary()}")
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.import_title,
            "form": form,
            "errors": errors,
            "columns": self.import_columns,
        }
        return TemplateResponse(request, "admin/people/import.html", context)


# --- teams and staff ------------------------------------------------------------------------------


@admin.register(Team)
class TeamAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["name", "service_area", "parent", "staff_count"]
    list_filter = ["service_area"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").annotate(_staff_count=Count("staff"))

    @admin.display(description="Staff", ordering="_staff_count")
    def staff_count(self, team):
        return team._staff_count

    def save_model(self, request, obj, form, change):
        obj._change_reason = "people.team.saved"
        super().save_model(request, obj, form, change)


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = [
            "user",
            "staff_number",
            "employment_type",
            "job_title",
            "team",
            "line_manager",
            "registration_body",
            "registration_number",
            "start_date",
            "end_date",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        manager = cleaned.get("line_manager")
        error = staff_line_manager_error(staff=self.instance, manager=manager)
        if error:
            self.add_error("line_manager", error)
        return cleaned


@admin.register(StaffMember)
class StaffMemberAdmin(CsvImportMixin, NoDeleteMixin, AdministratorAdminMixin, admin.ModelAdmin):
    form = StaffMemberForm
    importer = staff_import
    import_title = "Import staff from CSV"
    import_columns = STAFF_COLUMNS
    list_display = ["staff_number", "full_name", "job_title", "team", "line_manager", "employment_type", "is_active"]
    list_filter = ["is_active", "employment_type", "team", "registration_body"]
    search_fields = [
        "staff_number",
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "job_title",
    ]
    autocomplete_fields = ["user", "team", "line_manager"]
    list_select_related = ["user", "team", "line_manager__user"]
    readonly_fields = ["corrections"]
    fieldsets = [
        (None, {"fields": ["user", "staff_number", "employment_type", "job_title", "team", "line_manager"]}),
        ("Professional registration", {"fields": ["registration_body", "registration_number"]}),
        (
            "Employment",
            {
                "fields": ["start_date", "end_date", "is_active"],
                "description": "A leaver is made inactive, which also switches off their log-in. "
                "Staff are never deleted: their history stays.",
            },
        ),
        (
            "Corrections attached by the data protection officer",
            {
                "fields": ["corrections"],
                "description": "What the person said is wrong in this record, with the data protection officer's "
                "decision (UK GDPR Article 16). The record is never changed by it: correct it above if accepted.",
            },
        ),
    ]

    @admin.display(description="Corrections")
    def corrections(self, staff):
        notes = list(staff.correction_notes.all()) if staff.pk else []
        if not notes:
            return "None"
        dated = ((n.text, date_format(dj_timezone.localtime(n.added_at), "j F Y")) for n in notes)
        return format_html_join("\n", "<p>{} ({})</p>", dated)

    @admin.display(description="Name", ordering="user__last_name")
    def full_name(self, staff):
        return staff.full_name

    def save_model(self, request, obj, form, change):
        staff_save(staff=obj, actor=request.user, reason="people.staff.saved")


# --- service users and carers ---------------------------------------------------------------------


class CarerInline(AdministratorAdminMixin, admin.TabularInline):
    model = CarerOrRelative
    extra = 0
    fields = ["initials", "relationship_to_service_user"]


@admin.register(ServiceUser)
class ServiceUserAdmin(CsvImportMixin, NoDeleteMixin, AdministratorAdminMixin, admin.ModelAdmin):
    importer = service_user_import
    import_title = "Import service users from CSV"
    import_columns = SERVICE_USER_COLUMNS
    list_display = ["reference", "initials", "team", "status", "left_date", "is_child", "is_adult_at_risk"]
    list_filter = ["status", "team", "is_child", "is_adult_at_risk", "lacks_capacity"]
    search_fields = ["reference", "initials"]
    autocomplete_fields = ["team"]
    list_select_related = ["team"]
    inlines = [CarerInline]


@admin.register(CarerOrRelative)
class CarerOrRelativeAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["initials", "relationship_to_service_user", "service_user"]
    search_fields = ["initials", "service_user__reference", "service_user__initials"]
    list_filter = ["service_user__team"]
    autocomplete_fields = ["service_user"]
    list_select_related = ["service_user"]


# --- assignments and the relationships register ---------------------------------------------------


class AssignmentForm(forms.ModelForm):
    """New assignments go through people.services.assignment_create (the relationship check);
    an existing one can only be ended."""

    class Meta:
        model = Assignment
        fields = ["staff", "service_user", "role", "start_date", "end_date"]

    def clean(self):
        cleaned = super().clean()
        staff, service_user, role = cleaned.get("staff"), cleaned.get("service_user"), cleaned.get("role")
        if self.instance.pk is None and staff and service_user and role:
            refusal = assignment_refusal(staff=staff, service_user=service_user, role=role)
            if refusal:
                raise ValidationError(refusal)
        return cleaned

    def _get_validation_exclusions(self):
        # A second open key worker is not an error when adding: assignment_create hands over from the
        # current one. Leaving service_user out of the model's checks skips only that constraint here.
        exclude = super()._get_validation_exclusions()
        if self.instance.pk is None:
            exclude.add("service_user")
        return exclude


@admin.register(Assignment)
class AssignmentAdmin(NoDeleteMixin, AdministratorAdminMixin, admin.ModelAdmin):
    form = AssignmentForm
    list_display = ["service_user", "role", "staff", "start_date", "end_date"]
    list_filter = ["role", "service_user__team"]
    search_fields = [
        "service_user__reference",
        "service_user__initials",
        "staff__staff_number",
        "staff__user__last_name",
    ]
    autocomplete_fields = ["staff", "service_user"]
    list_select_related = ["service_user", "staff__user"]

    def get_readonly_fields(self, request, obj=None):
        return ["staff", "service_user", "role", "start_date"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            if "end_date" in form.changed_data and obj.end_date:
                assignment_end(assignment=obj, end_date=obj.end_date, actor=request.user)
            return
        form.instance = assignment_create(
            staff=obj.staff,
            service_user=obj.service_user,
            role=obj.role,
            start_date=obj.start_date,
            actor=request.user,
        )
        obj.pk = form.instance.pk


@admin.register(Relationship)
class RelationshipAdmin(ReadOnlyAdministratorAdminMixin, admin.ModelAdmin):
    """What the key-worker check needs and nothing more (people.selectors.relationship_blocking_assignment):
    which worker has an open declared relationship with which service user or carer, enough to explain a
    refused assignment. Relationships between colleagues are never shown here (nor a closed one): they
    play no part in assignments, and they are often the content of a restricted case (seed 002 §10.4).
    The kind, when it began, the arrangement and the dates are case content, so they are not shown either
    (DESIGN §1, AC-07). Each look at the list or at one entry is an audit event; the case workflow writes
    this register."""

    fields = ["staff", "counterpart", "service_user", "carer", "status"]
    readonly_fields = fields
    list_display = ["staff", "counterpart", "counterpart_label", "status"]
    list_filter = ["counterpart"]
    search_fields = [
        "staff__staff_number",
        "staff__user__last_name",
        "service_user__reference",
        "carer__service_user__reference",
    ]
    list_select_related = ["staff__user", "service_user", "carer__service_user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status__in=Relationship.OPEN_STATUSES)
            .filter(Q(service_user__isnull=False) | Q(carer__isnull=False))
        )

    @admin.display(description="With")
    def counterpart_label(self, relationship):
        return relationship.counterpart_label

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        audit_record(
            action="people.relationships.viewed",
            actor=request.user,
            detail={"where": "admin", "search": request.GET.get("q", "")[:100]},
        )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            audit_record(
                action="people.relationship.viewed",
                actor=request.user,
                object_type="people.relationship",
                object_id=object_id,
                detail={"where": "admin"},
            )
        return response
