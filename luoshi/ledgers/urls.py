from django.urls import path

from luoshi.ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export/", views.ledger_export, name="ledger_export"),
    path("export/record.docx", views.branch_record, name="branch_record"),
    path("export/<slug:which>/", views.export_table, name="export_table"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attach/", views.meeting_attach, name="meeting_attach"),
    path("files/<int:pk>/", views.meeting_file, name="file"),
    path("mine/", views.mine, name="mine"),
    path("study/", views.study, name="study"),
    path("rules/", views.meeting_rules, name="rules"),
    path("letters/", views.letters, name="letters"),
    path("letters/<int:pk>/", views.letter_detail, name="letter"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("lists/", views.lists, name="lists"),
    path("practical/", views.practical, name="practical"),
    path("practical/<int:pk>/", views.matter_detail, name="matter"),
    path("practical/files/<int:pk>/", views.matter_file, name="matter_file"),
]
