from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "luoshi.tasks"
    label = "tasks"
    verbose_name = "任务与落实"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.tasks.api import router

        registry.add_api_router("", router)
        registry.add_menu_entry(
            "tasks:ledger",
            "任务台账",
            order=20,
            visible=lambda user: user.scope_kind() != "none" and user.role != Role.SYSADMIN,
        )
