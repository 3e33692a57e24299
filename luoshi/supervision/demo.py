"""Demo data of supervision: the ladder, one 催办 order for two late occurrences of
办公室党支部 (so zhibu1's bell and 我的待办 show it), and one revealed random draw."""

from __future__ import annotations

from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.core.errors import ActionRefused
from luoshi.supervision import actions
from luoshi.work import rules
from luoshi.work.choices import Bucket
from luoshi.work.models import Occurrence


def build(with_order: bool = False) -> None:
    """The order is left out of the shared demo by default: the test suite's counts of
    what each organisation owes are taken on the demo as built (`luoshi demo` adds it)."""
    actions.ensure_ladder()
    jgdw, jijian = User.objects.get(username="jgdw"), User.objects.get(username="jijian")
    today = timezone.localdate()
    late = list(
        Occurrence.objects.filter(
            rules.bucket_q(Bucket.LATE, today), org__name="办公室党支部", due_date__year=today.year
        )
        .select_related("org")
        .order_by("due_date")[:2]
    )
    try:
        if late and with_order:
            actions.issue_order(
                acting_user=jgdw,
                title="办公室党支部逾期事项",
                subject="以下事项已超过完成时限，请书面说明原因并报送佐证材料。",
                occurrences=late,
            )
        pool = "\n".join(
            Occurrence.objects.filter(due_date__year=today.year)
            .values_list("org__name", flat=True)
            .distinct()
            .order_by("org__name")[:12]
        )
        if pool:
            draw = actions.create_draw(
                acting_user=jijian,
                title=f"{today.year}年“说走就走”随机调研",
                pool_text=pool,
                count=min(3, len(pool.splitlines())),
                rule="被抽单位因重大任务无法接受调研时，按本规则对该单位重抽一次。",
            )
            actions.reveal_draw(acting_user=jijian, draw=draw)
    except ActionRefused as refused:  # e.g. a year whose calendar is not entered
        print(f"督办演示数据未生成：{refused}")
