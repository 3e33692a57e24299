from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "luoshi.plans"
    label = "plans"
    verbose_name = "工作要点"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.plans.api import router

        registry.add_api_router("/plans", router)
        registry.add_menu_entry(
            "plans:list",
            "工作要点",
            order=30,
            visible=lambda user: user.scope_kind() != "none" and user.role != Role.SYSADMIN,
        )
