from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "luoshi.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        """Each part declares its queued and periodic work in its own `jobs.py`; importing
        them here registers every task with huey in the web process (which enqueues) and in
        the worker (which runs), so neither has to know the parts."""
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
        from luoshi.core import registry
        from luoshi.jobs.api import router

        registry.add_api_router("/jobs", router)
