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
    path("occurrences/<id:pk>/extension/", views.extension_request, name="extension_request"),
    path("occurrences/<id:pk>/reassign/", views.occurrence_reassign, name="reassign"),
    path("occurrences/<id:pk>/withdraw/", views.occurrence_withdraw, name="withdraw"),
    path("occurrences/<id:pk>/reschedule/", views.occurrence_reschedule, name="reschedule"),
    path("occurrences/<id:pk>/add-org/", views.duty_add_org, name="add_org"),
    path("extensions/", views.extension_list, name="extensions"),
    path("extensions/<id:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("reports/<id:pk>/review/", views.report_review, name="report_review"),
    path("reports/<id:pk>/edit/", views.report_edit, name="report_edit"),
    path("evidence/<id:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<id:pk>/preview/", views.evidence_preview, name="evidence_preview"),
]
