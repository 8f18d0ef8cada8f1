"""Admin for the case-review reference data: the 5×5 risk matrix's words and bands, and the action
library (DESIGN §3: "the matrix and its bands are data, editable"). Who may use it:
core/admin_access.py. Cases themselves are never here: administrators see no case content.
"""

from django import forms
from django.contrib import admin

from cases.models import ActionTemplate, RiskBand, RiskScaleLabel
from core.admin_access import AdministratorAdminMixin


@admin.register(RiskScaleLabel)
class RiskScaleLabelAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["axis", "value", "label", "description"]
    list_filter = ["axis"]
    readonly_fields = ["axis", "value"]

    def has_add_permission(self, request):
        return False  # the matrix is 5×5: change the words, not the shape

    def has_delete_permission(self, request, obj=None):
        return False


class RiskBandForm(forms.ModelForm):
    class Meta:
        model = RiskBand
        fields = ["code", "label", "min_score", "max_score", "is_high", "colour"]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_score"), cleaned.get("max_score")
        if low is None or high is None:
            return cleaned
        if not 1 <= low <= high <= 25:
            raise forms.ValidationError("A band runs from a lower to a higher score, within 1 to 25.")
        others = RiskBand.objects.exclude(pk=self.instance.pk)
        overlap = others.filter(min_score__lte=high, max_score__gte=low).first()
        if overlap is not None:
            raise forms.ValidationError(f"These scores overlap the band “{overlap}”; change that one first.")
        return cleaned


@admin.register(RiskBand)
class RiskBandAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    form = RiskBandForm
    list_display = ["label", "min_score", "max_score", "is_high", "colour"]

    def has_delete_permission(self, request, obj=None):
        return False  # a score must always fall in some band


@admin.register(ActionTemplate)
class ActionTemplateAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["title", "policy_refs", "default_days", "refers_to", "order", "is_active"]
    list_filter = ["is_active", "refers_to"]
    search_fields = ["title", "description", "policy_refs"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []  # the demo and the rules find templates by code

    def has_delete_permission(self, request, obj=None):
        return False  # actions keep their template: make it inactive instead
