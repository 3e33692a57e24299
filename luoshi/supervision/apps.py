from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "luoshi.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.supervision.api import router

        registry.add_api_router("", router)
        business = {Role.PLAN_OFFICE, Role.DISCIPLINE, Role.LEADER, Role.ORG_STAFF}
        registry.add_menu_entry(
            "supervision:orders", "督办", order=40, visible=lambda user: user.role in business
        )
        registry.add_menu_entry(
            "supervision:lights",
            "红黄绿灯",
            order=41,
            visible=lambda user: user.role in (Role.PLAN_OFFICE, Role.DISCIPLINE, Role.LEADER),
        )
        registry.add_menu_entry(
            "supervision:draws", "随机抽取", order=42, visible=lambda user: user.role in business
        )
