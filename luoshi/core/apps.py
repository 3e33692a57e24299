from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "luoshi.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from luoshi.core import checks  # noqa: F401  (registers the policy checks)
