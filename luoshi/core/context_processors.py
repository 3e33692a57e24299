from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luoshi.core.registry import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the parts registered for the user's role; pages still check for
    themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": menu_for(user)}
