"""Access helpers every view uses: scoped fetch (404 outside scope) and role gates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.core.registry import record_denial


def get_visible_or_404(queryset: QuerySet[Any], user: Any, **lookup: Any) -> Any:
    """One object inside the user's scope; outside it answers 404 like a missing one."""
    return get_scoped_or_404(queryset.visible_to(user), user, **lookup)


def get_scoped_or_404(scoped: QuerySet[Any], user: Any, **lookup: Any) -> Any:
    """One object of `scoped` (a queryset already narrowed to what the user may reach —
    `visible_to`, or reports through their occurrence, a user's own jobs); one that exists
    outside it answers 404 like a missing one and writes the denial to the audit log, for
    pages and API alike (issue S-6)."""
    try:
        return scoped.get(**lookup)
    except scoped.model.DoesNotExist:
        if scoped.model._default_manager.filter(**lookup).exists():
            # It exists but lies outside the user's scope: answer as if it did not, and log it.
            record_denial(
                actor=user,
                object_type=scoped.model._meta.label_lower,
                object_id=str(lookup.get("pk", "")),
                message="越权访问：对象不在数据范围内",
            )
        raise Http404("未找到该记录，或您无权查看。") from None


def deny(request: HttpRequest, reason: str = "您没有执行此操作的权限。") -> HttpResponse:
    """Refuses a request and writes the denial to the audit log."""
    record_denial(object_type="url", object_id=request.path[:64], message=reason)
    return render(request, "403.html", {"reason": reason}, status=403)


def require_role(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated or request.user.role not in roles:
                return deny(request)
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator
