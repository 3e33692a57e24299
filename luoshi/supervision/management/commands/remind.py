"""`luoshi manage remind [--date 2026-03-04]`: runs the reminder sweep once (what the
worker's periodic job runs) and prints what it did and how long it took."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.supervision.reminders import sweep


class Command(BaseCommand):
    help = "运行一次提醒扫描"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError("日期格式应为 2026-03-04。") from None
        self.stdout.write(str(sweep(today)))
