from django.urls import path

from luoshi.work import views

app_name = "work"
urlpatterns = [
    path("my/", views.my_work, name="my_work"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/accept/", views.review_bulk, name="review_bulk"),
    path("calendar/", views.calendar_admin, name="calendar"),
    path("occurrences/<id:pk>/", views.occurrence_detail, name="occurrence"),
    path("occurrences/<id:pk>/report/", views.report_submit, name="report_submit"),
    path("reports/<id:pk>/review/", views.report_review, name="report_review"),
    path("reports/<id:pk>/edit/", views.report_edit, name="report_edit"),
    path("evidence/<id:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<id:pk>/preview/", views.evidence_preview, name="evidence_preview"),
]
