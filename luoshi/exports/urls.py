from django.urls import path

from luoshi.exports import views

app_name = "exports"
urlpatterns = [
    path("format/", views.profile_page, name="profile"),
    path("format/sample.docx", views.sample, name="sample"),
]
