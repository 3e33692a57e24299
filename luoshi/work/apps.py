from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "luoshi.work"
    label = "work"
    verbose_name = "责任事项"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.work.api import router

        registry.add_api_router("", router)
        registry.add_menu_entry("home", "工作台", order=0, visible=lambda user: True)
        registry.add_menu_entry(
            "work:my_work",
            "我的待办",
            order=10,
            visible=lambda user: user.scope_kind() != "none" and user.role != Role.SYSADMIN,
        )
        registry.add_menu_entry(
            "work:calendar",
            "工作日历",
            order=80,
            visible=lambda user: user.role in (Role.SYSADMIN, Role.PLAN_OFFICE),
        )
