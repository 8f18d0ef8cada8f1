from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("request/", views.report_request_view, name="request"),
    path("<int:pk>/retry/", views.report_retry_view, name="retry"),
    path("<int:pk>/check/", views.report_check_view, name="check"),
    path("<int:pk>/report.pdf", views.download_pdf, name="download_pdf"),
    path("<int:pk>/report.csv", views.download_csv, name="download_csv"),
    path("<int:pk>/report.xlsx", views.download_xlsx, name="download_xlsx"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/review/", views.lesson_review, name="lesson_review"),
]
