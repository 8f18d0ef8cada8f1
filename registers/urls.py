"""The registers (docs/registers.md). Ids only in paths, never content (CP-03)."""

from django.urls import path

from registers import views

app_name = "registers"

urlpatterns = [
    path("gifts/", views.gift_register, name="gifts"),
    path("gifts/export.csv", views.gift_register_export, name="gifts_export"),
    path("gifts/givers/service-user/<int:pk>/", views.giver_service_user, name="giver_service_user"),
    path("gifts/givers/carer/<int:pk>/", views.giver_carer, name="giver_carer"),
    path("relationships/", views.relationship_register, name="relationships"),
]
