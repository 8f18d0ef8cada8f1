from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("import/", views.import_policy, name="import"),
    path("compliance/", views.compliance, name="compliance"),
    path("reviews/", views.review_due, name="review_due"),
    path("rules/", views.rules, name="rules"),
    path("categories/<int:pk>/guidance/", views.category_guidance, name="category_guidance"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("versions/<int:pk>/publish/", views.publish, name="publish"),
]
