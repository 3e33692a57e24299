from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "luoshi.notify"
    label = "notify"
    verbose_name = "通知"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.notify.api import router
        from luoshi.notify.hooks import report_reviewed
        from luoshi.work.actions import ON_REVIEWED

        registry.add_api_router("", router)
        if report_reviewed not in ON_REVIEWED:
            ON_REVIEWED.append(report_reviewed)
        registry.add_menu_entry(
            "notify:failures",
            "发送失败",
            order=85,
            visible=lambda user: user.role == Role.SYSADMIN,
        )
