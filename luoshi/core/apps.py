from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "luoshi.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.urls import register_converter

        from luoshi.core import checks  # noqa: F401  (registers the policy checks)
        from luoshi.core.converters import IdConverter

        register_converter(IdConverter, "id")  # bounded ids in URLs: <id:pk>
