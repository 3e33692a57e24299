from django.urls import path

from luoshi.tasks import views

app_name = "tasks"
urlpatterns = [
    path("my/", views.my_work, name="my_work"),
    path("ledger/", views.ledger, name="ledger"),
    path("calendar/", views.calendar_admin, name="calendar"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/fire/", views.task_fire, name="task_fire"),
    path("occurrences/<int:pk>/", views.occurrence_detail, name="occurrence"),
    path("occurrences/<int:pk>/report/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
