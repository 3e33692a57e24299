"""`luoshi manage draw verify ID`: recomputes a revealed draw from its published pool and
seed and says whether it holds (exit status 1 when it does not)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.supervision.actions import verify_draw
from luoshi.supervision.models import Draw


class Command(BaseCommand):
    help = "验证随机抽取：按公布的范围和揭示的种子复算结果"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("draw_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        draw = Draw.objects.filter(pk=options["draw_id"]).first()
        if draw is None:
            raise CommandError(f"没有编号为 {options['draw_id']} 的随机抽取。")
        problems = verify_draw(draw)
        if problems:
            raise CommandError("验证未通过：" + " ".join(problems))
        labels = "、".join(item["label"] for item in draw.result or [])
        self.stdout.write(f"验证通过：{draw.title}，种子的SHA-256与承诺值一致，复算结果为 {labels}。")
