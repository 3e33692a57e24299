from django.urls import path

from luoshi.tasks import views

app_name = "tasks"
urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("<id:pk>/", views.task_detail, name="task"),
    path("<id:pk>/fire/", views.task_fire, name="task_fire"),
]
