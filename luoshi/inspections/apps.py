from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "luoshi.inspections"
    label = "inspections"
    verbose_name = "巡察整改"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.inspections.actions import measure_reviewed
        from luoshi.inspections.api import router
        from luoshi.inspections.views import home_panel
        from luoshi.work.actions import ON_REVIEWED

        registry.add_api_router("", router)
        if measure_reviewed not in ON_REVIEWED:
            ON_REVIEWED.append(measure_reviewed)
        registry.add_home_panel(home_panel, order=35)
        registry.add_menu_entry(
            "inspections:home",
            "巡察整改",
            order=35,
            visible=lambda user: (
                user.role in (Role.DISCIPLINE, Role.PLAN_OFFICE, Role.LEADER, Role.ORG_STAFF)
            ),
        )
