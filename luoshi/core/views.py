from __future__ import annotations

import logging
import secrets
import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from luoshi.core.errors import exception_place

log = logging.getLogger("luoshi.errors")


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error_id() -> str:
    return secrets.token_hex(4).upper()


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """Shows an error id, never a traceback; logs the id with the exception's type and place."""
    error_id = _error_id()
    log.error("error %s: %s %s", error_id, exception_place(sys.exc_info()[1]), request.path[:100])
    return render(request, "500.html", {"error_id": error_id}, status=500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403.html", {"reason": "页面已过期或请求来源无效，请刷新页面后重试。"}, status=403)
