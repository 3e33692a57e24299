from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"

    @classmethod
    def finished(cls) -> list[str]:
        return [cls.DONE, cls.FAILED]
