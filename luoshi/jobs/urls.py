from django.urls import path

from luoshi.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<id:pk>/", views.job_detail, name="job"),
    path("<id:pk>/download/", views.job_download, name="download"),
]
