from django.contrib import admin
from django.urls import path

from bare import views

urlpatterns = [
    path("plain", views.plain),
    path("list", views.case_list),
    path("detail/<int:pk>", views.case_detail),
    path("admin/", admin.site.urls),
]
