"""The core knows none of the parts above it (STYLE.md 13a): each part registers its menu
entries, its API router and its services; a new part is added without editing the core."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_core_imports_nothing_of_the_parts_above_it() -> None:
    offenders = {
        f"{path.relative_to(CORE)}: {name}"
        for path in CORE.glob("*.py")
        for name in imported_modules(path)
        if name.startswith("luoshi.") and not name.startswith("luoshi.core")
    }
    assert not offenders


def test_every_part_registers_its_menu_entries_and_api_router(client) -> None:
    from luoshi.core.registry import api_routers, menu_for

    prefixes = {prefix for prefix, _ in api_routers()}
    assert {"/auth", "/orgs", "/audit", "/plans", "/jobs", ""} <= prefixes

    class Office:
        role = "plan_office"

        def scope_kind(self) -> str:
            return "department"

    assert [name for name, _ in menu_for(Office())] == [
        "home",
        "work:my_work",
        "tasks:ledger",
        "plans:list",
        "inspections:home",
        "orgs:tree",
        "supervision:orders",
        "ledgers:ledger",
        "work:calendar",
    ]
