from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "luoshi.work"
    label = "work"
    verbose_name = "责任事项"
