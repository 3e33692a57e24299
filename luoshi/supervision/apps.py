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
        # One entry: the orders page links to the lights and the draws.
        registry.add_menu_entry(
            "supervision:orders", "督查督办", order=40, visible=lambda user: user.role in business
        )
        # Members read the 通报 (the others reach it from the orders page).
        registry.add_menu_entry(
            "supervision:bulletins", "通报", order=41, visible=lambda user: user.role == Role.MEMBER
        )
