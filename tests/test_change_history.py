"""Every model of the apps keeps its change history (DI-06), except the few named below."""

import pytest
from django.apps import apps

# Append-only logs that are never changed after they are written, so there is no history to keep.
NOT_TRACKED = {
    "cases.ReferenceSequence": "a counter that hands out references; it holds nothing about anyone",
    "reporting.QuarterlyReport": "a compiled, frozen file; a new revision is made instead of a change",
}

MODELS = [
    model
    for label in ("people", "policies", "disclosures", "cases", "reporting")
    for model in apps.get_app_config(label).get_models()
    if not model.__name__.startswith("Historical")
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_tracked_by_simple_history(model):
    if model._meta.label in NOT_TRACKED:
        assert not hasattr(model, "history")
        return
    assert hasattr(model, "history"), f"{model._meta.label} has no HistoricalRecords()"
