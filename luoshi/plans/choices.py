from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿（待审定）"
    PUBLISHED = "published", "已发布"
    ARCHIVED = "archived", "已归档"


class FindingKind(models.TextChoices):
    DUPLICATE = "duplicate", "重复表述"
    NEAR_DUPLICATE = "near_duplicate", "相近表述"
    PLACEHOLDER = "placeholder", "未替换的占位符"
    NUMBERING = "numbering", "编号问题"
    EMPTY_HEADING = "empty_heading", "空标题"
