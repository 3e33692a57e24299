from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "luoshi.ledgers"
    label = "ledgers"
    verbose_name = "党建台账"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.ledgers.api import router

        registry.add_api_router("", router)
        # One entry for the ledgers (their pages share a row of tabs), and 我的记录 for
        # everyone who is a person on the roster.
        registry.add_menu_entry(
            "ledgers:ledger",
            "党建台账",
            order=45,
            visible=lambda user: (
                user.role in (Role.PLAN_OFFICE, Role.ORG_STAFF, Role.LEADER, Role.DISCIPLINE)
            ),
        )
        registry.add_menu_entry(
            "ledgers:mine",
            "我的记录",
            order=15,
            visible=lambda user: getattr(user, "person_id", None) is not None,
        )
