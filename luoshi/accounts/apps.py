from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luoshi.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        from luoshi.accounts.api import BearerAuth, Throttled, router, throttled_answer
        from luoshi.accounts.choices import Role
        from luoshi.core import registry

        registry.set_api_auth(BearerAuth())
        registry.add_api_error(Throttled, throttled_answer)
        registry.add_api_router("/auth", router)
        registry.add_menu_entry(
            "accounts:user_list",
            "账户管理",
            order=90,
            visible=lambda user: user.role in (Role.SYSADMIN, Role.SECADMIN),
        )
