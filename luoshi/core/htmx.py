"""The one place that decides between a full page and an htmx fragment (STYLE.md 14)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_fragment(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    template = fragment if getattr(request, "htmx", False) else page
    return render(request, template, context, status=status)
