from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "luoshi.orgs"
    label = "orgs"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.orgs.api import router

        registry.add_api_router("/orgs", router)
        registry.add_menu_entry(
            "orgs:tree", "组织机构", order=40, visible=lambda user: user.scope_kind() != "none"
        )
