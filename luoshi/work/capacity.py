"""Telling a deployment it has outgrown the embedded database (docs/scaling.md, step 1 → 2).

SQLite serves one department on one machine well; it cannot be shared by several app
servers and its single writer queues behind big publishes and sweeps. The limits below are
where the benches of one department (bench/) stop having margin; the system administrator
sees the notice on the home page and `luoshi serve` prints it at start. Costs two counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from luoshi.work.models import Occurrence


def outgrown_embedded_database() -> str:
    """A Chinese notice when SQLite holds more than one department or more occurrences
    than LUOSHI_SQLITE_MAX_OCCURRENCES; empty otherwise (and always on PostgreSQL)."""
    if connection.vendor != "sqlite":
        return ""
    from luoshi.orgs.models import Organization

    departments = Organization.objects.filter(parent__isnull=True, is_active=True).count()
    occurrences = Occurrence.objects.count()
    limit = settings.LUOSHI_SQLITE_MAX_OCCURRENCES
    if departments <= 1 and occurrences <= limit:
        return ""
    return (
        f"本系统使用内置数据库（SQLite），现有 {departments} 个单位、{occurrences} 个事项，"
        f"超过内置数据库的建议规模（1 个单位、{limit} 个事项）。请迁移到 PostgreSQL："
        "设置 LUOSHI_DATABASE_URL，用 luoshi backup 备份后 luoshi restore 恢复到新库（见 docs/scaling.md）。"
    )
