"""Where the parts register themselves, so that the core knows none of them (STYLE.md 13a).

Each part, in its AppConfig.ready(), adds its menu entries and its API router here, and
the parts that provide a service the core needs (the API's authentication, the audit
log's record of a denial) plug it in. The core only reads these lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str
    order: int
    visible: Callable[[Any], bool]


@dataclass(frozen=True)
class HomePanel:
    render: Callable[[Any], str]
    order: int


_menu: list[MenuEntry] = []
_home_panels: list[HomePanel] = []
_api_routers: list[tuple[str, Any]] = []
_api_errors: list[tuple[type[Exception], Callable[[Any, Any, Exception], Any]]] = []
_api_auth: list[Any] = []
_denial_recorders: list[Callable[..., None]] = []


def add_menu_entry(url_name: str, label: str, *, order: int, visible: Callable[[Any], bool]) -> None:
    """A menu entry shown to the users `visible` accepts; pages still check for themselves."""
    if all(e.url_name != url_name for e in _menu):
        _menu.append(MenuEntry(url_name, label, order, visible))


def menu_for(user: Any) -> list[tuple[str, str]]:
    return [(e.url_name, e.label) for e in sorted(_menu, key=lambda e: e.order) if e.visible(user)]


def add_home_panel(render: Callable[[Any], str], *, order: int) -> None:
    """A part's panel on the workspace (home): render(request) answers its HTML, or "" when
    the user has nothing there. It checks the user itself, like a page."""
    if all(p.render is not render for p in _home_panels):
        _home_panels.append(HomePanel(render, order))


def home_panels(request: Any) -> list[str]:
    return [html for p in sorted(_home_panels, key=lambda p: p.order) if (html := p.render(request))]


def add_api_router(prefix: str, router: Any) -> None:
    if all(r is not router for _, r in _api_routers):
        _api_routers.append((prefix, router))


def api_routers() -> list[tuple[str, Any]]:
    return list(_api_routers)


def set_api_auth(auth: Any) -> None:
    _api_auth[:] = [auth]


def api_auth() -> Any:
    if not _api_auth:
        raise RuntimeError("no API authentication registered (the accounts app provides it)")
    return _api_auth[0]


def add_api_error(exception: type[Exception], answer: Callable[[Any, Any, Exception], Any]) -> None:
    """answer(api, request, exc) -> the response for a part's own exception."""
    if all(e is not exception for e, _ in _api_errors):
        _api_errors.append((exception, answer))


def api_errors() -> list[tuple[type[Exception], Callable[[Any, Any, Exception], Any]]]:
    return list(_api_errors)


def set_denial_recorder(recorder: Callable[..., None]) -> None:
    """The audit log's way of writing "access denied": recorder(actor=, obj=, object_type=,
    object_id=, message=)."""
    _denial_recorders[:] = [recorder]


def record_denial(**details: Any) -> None:
    """Every denied access is audited; without the audit log installed, refusing still works."""
    for recorder in _denial_recorders:
        recorder(**details)
