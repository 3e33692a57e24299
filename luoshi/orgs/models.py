"""The organisation tree and the people in it.

The tree is a materialised path of zero-padded ids ("0000001/0000004/"), so a subtree
is one `path LIKE 'prefix%'` on SQLite and PostgreSQL alike, served by the index on
`path`. Moving a node rewrites the paths of its subtree in one UPDATE per descendant level.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Q

from luoshi.core.fields import EncryptedCharField, mask_id_number, mask_mobile
from luoshi.core.models import ScopedManager, ScopedQuerySet, TimeStampedModel, VersionedModel
from luoshi.core.scope import PATH_SEGMENT
from luoshi.orgs.choices import Education, Gender, OrgKind, PartyStatus, PostKind


class OrganizationQuerySet(ScopedQuerySet):
    def assignable_by(self, user: Any) -> OrganizationQuerySet:
        """Active organisations in the user's scope, in tree order: the choices of every
        form that assigns work or accounts to an organisation."""
        return self.visible_to(user).filter(is_active=True).order_by("path")


class Organization(TimeStampedModel, VersionedModel):
    scope_path_field = "path"

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    aliases = models.CharField(
        "别名", max_length=300, blank=True, help_text="用顿号或逗号分隔，用于匹配工作要点中的称呼"
    )
    duty_keywords = models.CharField("职责关键词", max_length=500, blank=True, help_text="用顿号或逗号分隔")
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True, help_text="撤销的组织保留历史记录，不再分配任务")

    objects = OrganizationQuerySet.as_manager()

    # What a person may change on the form; the audit log records the same fields.
    EDITABLE_FIELDS = [
        "name",
        "short_name",
        "kind",
        "parent",
        "aliases",
        "duty_keywords",
        "order",
        "is_active",
    ]

    class Meta:
        ordering = ["path"]
        verbose_name = "党组织/单位"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="org_unique_name_under_parent",
                violation_error_message="同一上级组织下已有同名组织。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def alias_list(self) -> list[str]:
        return _split_words(self.aliases)

    def duty_keyword_list(self) -> list[str]:
        return _split_words(self.duty_keywords)

    def ancestor_ids(self) -> list[int]:
        return [int(seg) for seg in self.path.strip("/").split("/") if seg][:-1]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Assigns the path after the first insert, when the id is known."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            path = (self.parent.path if self.parent_id else "") + f"{self.pk:06d}/"
            if path != self.path:
                old = self.path
                self.path, self.depth = path, len(path) // PATH_SEGMENT - 1
                Organization.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
                if old:
                    self._rewrite_descendants(old)

    def _rewrite_descendants(self, old: str) -> None:
        for child in Organization.objects.filter(path__startswith=old).exclude(pk=self.pk):
            child.path = self.path + child.path[len(old) :]
            child.depth = len(child.path) // PATH_SEGMENT - 1
            Organization.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)

    def subtree(self) -> models.QuerySet[Organization]:
        return Organization.objects.filter(path__startswith=self.path)

    def is_ancestor_of(self, other: Organization) -> bool:
        return other.path.startswith(self.path)


def _split_words(value: str) -> list[str]:
    import re

    return [w for w in (s.strip() for s in re.split(r"[、,，;；\s]+", value or "")) if w]


class Person(TimeStampedModel, VersionedModel):
    """A cadre or Party member. Mobile and ID-card number are SM4-encrypted at rest."""

    scope_path_field = "org__path"

    name = models.CharField("姓名", max_length=50)
    org = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="people"
    )
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnic_group = models.CharField("民族", max_length=20, blank=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    party_status = models.CharField(
        "政治面貌", max_length=16, choices=PartyStatus.choices, default=PartyStatus.FULL
    )
    joined_party_on = models.DateField("入党时间", null=True, blank=True)
    job_title = models.CharField("职务", max_length=60, blank=True)
    mobile = EncryptedCharField("手机号码", blank=True, default="")
    id_number = EncryptedCharField("身份证号", blank=True, default="")

    objects = ScopedManager()

    # What a person may change on the form; the audit log records the same fields (the
    # encrypted ones as keyed digests).
    EDITABLE_FIELDS = [
        "name",
        "org",
        "gender",
        "birth_date",
        "ethnic_group",
        "education",
        "party_status",
        "joined_party_on",
        "job_title",
        "mobile",
        "id_number",
    ]

    class Meta:
        ordering = ["org__path", "name"]
        verbose_name = "人员"

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class Post(TimeStampedModel):
    """A person's post in an organisation (书记, 组织委员, 党员 …)."""

    scope_path_field = "org__path"

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="posts")
    org = models.ForeignKey(Organization, verbose_name="组织", on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField("职务", max_length=32, choices=PostKind.choices)
    started_on = models.DateField("任职时间", null=True, blank=True)
    ended_on = models.DateField("离任时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["org__path", "kind"]
        verbose_name = "职务"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "org", "kind"],
                condition=Q(ended_on__isnull=True),
                name="post_unique_current",
                violation_error_message="此人在该组织已担任该职务。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()} {self.person}"
