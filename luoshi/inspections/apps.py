from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "luoshi.inspections"
    label = "inspections"
    verbose_name = "巡察整改"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.inspections.api import router

        registry.add_api_router("", router)
        registry.add_menu_entry(
            "inspections:home",
            "巡察整改",
            order=35,
            visible=lambda user: (
                user.role in (Role.DISCIPLINE, Role.PLAN_OFFICE, Role.LEADER, Role.ORG_STAFF)
            ),
        )
