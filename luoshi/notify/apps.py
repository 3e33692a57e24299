from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "luoshi.notify"
    label = "notify"
    verbose_name = "通知"

    def ready(self) -> None:
        from luoshi.accounts.choices import Role
        from luoshi.core import registry
        from luoshi.notify.api import router
        from luoshi.notify.hooks import extension_decided, occurrences_adjusted, report_reviewed
        from luoshi.work.actions import ON_ADJUSTED, ON_EXTENSION_DECIDED, ON_REVIEWED

        registry.add_api_router("", router)
        for hooks, hook in (
            (ON_REVIEWED, report_reviewed),
            (ON_EXTENSION_DECIDED, extension_decided),
            (ON_ADJUSTED, occurrences_adjusted),
        ):
            if hook not in hooks:
                hooks.append(hook)
        registry.add_menu_entry(
            "notify:failures",
            "发送失败",
            order=85,
            visible=lambda user: user.role == Role.SYSADMIN,
        )
