from django.urls import path

from luoshi.tasks import views

app_name = "tasks"
urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/fire/", views.task_fire, name="task_fire"),
]
