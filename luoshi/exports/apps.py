from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "luoshi.exports"
    label = "exports"
    verbose_name = "公文与导出"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.exports.api import router

        registry.add_api_router("", router)
        registry.add_menu_entry(
            "exports:profile", "公文格式", order=95, visible=lambda user: user.role == Role.PLAN_OFFICE
        )
