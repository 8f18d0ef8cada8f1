"""My actions (/actions/): the actions a person owns, without the case they belong to. Ids only in paths."""

from django.urls import path

from cases import views

app_name = "actions"

urlpatterns = [
    path("", views.my_actions, name="list"),
    path("<int:pk>/", views.my_action_mark, name="mark"),
]
