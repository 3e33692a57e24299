from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "luoshi.exports"
    label = "exports"
    verbose_name = "公文与导出"

    def ready(self) -> None:
        from luoshi.core import registry
        from luoshi.exports.api import router

        # No menu entry (the bar is full at 1366 px): the 督查督办 page, where orders are
        # printed, links to 公文格式.
        registry.add_api_router("", router)
