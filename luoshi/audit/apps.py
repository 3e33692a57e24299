from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "luoshi.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.audit.actions import record_denial
        from luoshi.audit.api import router
        from luoshi.core import registry

        registry.set_denial_recorder(record_denial)
        registry.add_api_router("/audit", router)
        registry.add_menu_entry(
            "audit:list", "审计日志", order=95, visible=lambda user: user.role == Role.AUDITADMIN
        )
