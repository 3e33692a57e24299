"""Reads that may lag go to a PostgreSQL hot standby; everything else to the primary.

Set LUOSHI_DATABASE_REPLICA_URL beside LUOSHI_DATABASE_URL and this router is installed
(luoshi/settings.py). A standby replays the primary's WAL a little behind, so a read goes to
the replica only when nothing can tell:

- never inside a transaction (`atomic`): a read there decides a write;
- never once the request (or job) has written: its writer reads its own writes;
- never for a short while after a request that wrote (the `luoshi_primary` cookie set by
  `PrimaryPinMiddleware`), so the page a POST redirects to shows what was just saved;
- never for accounts, sessions, audit and jobs: a disabled account, a revoked token or a
  lockout must take effect at once, and the audit chain head is read to be written.

Costs: a second connection per process, and reads that lag by the replica's delay
(milliseconds on one machine's loopback) on pages that have not written.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset({"accounts", "audit", "sessions", "jobs", "contenttypes", "auth"})

_pinned: ContextVar[bool] = ContextVar("luoshi_primary_pinned", default=False)


def pin_to_primary() -> None:
    _pinned.set(True)


def is_pinned() -> bool:
    return _pinned.get()


def reset_pin(pinned: bool = False) -> Any:
    """Starts a request afresh (threads are reused); returns the token to restore."""
    return _pinned.set(pinned)


class PrimaryReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if (
            _pinned.get()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        _pinned.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
