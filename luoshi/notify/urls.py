from django.urls import path

from luoshi.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.notices, name="notices"),
    path("read/", views.read, name="read"),
    path("channels/", views.channels_page, name="channels"),
    path("webhooks/<int:org_id>/", views.webhooks_page, name="webhooks"),
    path("webhooks/remove/<int:pk>/", views.webhook_remove, name="webhook_remove"),
    path("failures/", views.failures, name="failures"),
    path("failures/<int:pk>/retry/", views.retry, name="retry"),
]
