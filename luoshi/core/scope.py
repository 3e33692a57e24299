"""Data scope: which part of the organisation tree a user may read.

Kept free of model imports so that querysets, views and the API share one rule.
"""

from __future__ import annotations

from typing import Any

PATH_SEGMENT = 7  # "0000012/": six digits and a slash


def root_path_of(path: str) -> str:
    return path[:PATH_SEGMENT]


def scope_path(user: Any) -> str | None:
    """The materialised-path prefix of the user's scope, or None for no business data.

    Plan office, leaders, discipline staff and the system administrator see the whole
    department (the root of their organisation's tree); everyone else sees the subtree of
    their own organisation; the security and audit administrators see no business data.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    org = getattr(user, "org", None)
    kind = user.scope_kind()  # the accounts part says what the user's role may read
    if org is None or kind == "none":
        return None
    if kind == "department":
        return root_path_of(org.path)
    return str(org.path)
