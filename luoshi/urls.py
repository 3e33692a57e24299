from django.urls import include, path

from luoshi.core.api import build_api
from luoshi.work.views import home

api = build_api()

urlpatterns = [
    path("", home, name="home"),
    path("", include("luoshi.core.urls")),
    path("work/", include("luoshi.work.urls")),
    path("accounts/", include("luoshi.accounts.urls")),
    path("orgs/", include("luoshi.orgs.urls")),
    path("audit/", include("luoshi.audit.urls")),
    path("plans/", include("luoshi.plans.urls")),
    path("tasks/", include("luoshi.tasks.urls")),
    path("jobs/", include("luoshi.jobs.urls")),
    path("inspections/", include("luoshi.inspections.urls")),
    path("ledgers/", include("luoshi.ledgers.urls")),
    path("notices/", include("luoshi.notify.urls")),
    path("supervision/", include("luoshi.supervision.urls")),
    path("documents/", include("luoshi.exports.urls")),
    path("api/", api.urls),
]

handler404 = "luoshi.core.views.page_not_found"
handler500 = "luoshi.core.views.server_error"
