from django.urls import path

from luoshi.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("follow-up-draws/", views.follow_up_draw_new, name="follow_up_draw_new"),
    path("follow-up-draws/<int:pk>/reveal/", views.follow_up_draw_reveal, name="follow_up_draw_reveal"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/order/", views.round_order, name="round_order"),
    path("rounds/<int:pk>/confirm/", views.round_confirm, name="round_confirm"),
    path("rounds/<int:pk>/target/", views.round_target, name="round_target"),
    path("rounds/<int:pk>/findings/", views.finding_new, name="finding_new"),
    path("rounds/<int:pk>/import/", views.finding_import, name="finding_import"),
    path("rounds/<int:pk>/report/", views.report_submit, name="report_submit"),
    path("rounds/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("rounds/<int:pk>/export/<str:which>.xlsx", views.export, name="export"),
    path("rounds/<int:pk>/orgs/<int:org>/<str:which>.docx", views.document, name="document"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/measures/", views.measure_new, name="measure_new"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("measures/<int:pk>/verify/", views.measure_verify, name="measure_verify"),
]
