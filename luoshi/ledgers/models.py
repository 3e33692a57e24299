"""Party-life ledgers (issue G): meetings with attendance from the roster, study and
volunteer-service records.

A meeting is recorded once and counts wherever it applies: it closes the period's
occurrence of the meeting duty it meets and can be attached to any other occurrence
(one occurrence is answered by at most one record). Study hours are a member's own
record: totals are shown, never ranked, and never linked to assessment.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from luoshi.core.models import ScopedQuerySet, TimeStampedModel
from luoshi.core.scope import scope_path
from luoshi.ledgers.choices import FileKind, LetterStatus, ListKind, MatterStatus, MeetingKind, StudyMethod
from luoshi.orgs.choices import OrgKind
from luoshi.work.choices import Frequency


class MeetingRule(models.Model):
    """How often an organisation of a kind must hold a kind of meeting (configurable)."""

    meeting_kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    org_kind = models.CharField("组织类型", max_length=32, choices=OrgKind.choices)
    freq = models.CharField("频次", max_length=16, choices=Frequency.choices)
    count_per_period = models.PositiveSmallIntegerField("每期次数", default=1)

    class Meta:
        ordering = ["org_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting_kind", "org_kind"],
                name="meeting_rule_unique",
                violation_error_message="该组织类型已设置此会议的频次。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_org_kind_display()} {self.get_meeting_kind_display()} {self.label}"

    @property
    def label(self) -> str:
        return f"{Frequency(self.freq).label}{self.count_per_period}次"


class MeetingDuty(models.Model):
    """The Duty a meeting rule became for one year: a recorded meeting of this kind closes
    the occurrence of its period."""

    duty = models.OneToOneField("work.Duty", on_delete=models.CASCADE, related_name="meeting_duty")
    meeting_kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    org_kind = models.CharField("组织类型", max_length=32, choices=OrgKind.choices)

    def __str__(self) -> str:
        return str(self.duty)


class MeetingQuerySet(ScopedQuerySet):
    pass


class Meeting(TimeStampedModel):
    scope_path_field = "org__path"

    org = models.ForeignKey(
        "orgs.Organization", verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    date = models.DateField("日期", db_index=True)
    place = models.CharField("地点", max_length=100)
    host = models.ForeignKey(
        "orgs.Person", verbose_name="主持人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorder = models.ForeignKey(
        "orgs.Person", verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField("主题", max_length=200)
    content = models.TextField("内容", blank=True)
    first_topic = models.BooleanField("第一议题", default=False)
    studied = models.CharField("学习内容", max_length=500, blank=True)
    leader = models.ForeignKey(
        "orgs.Person",
        verbose_name="参加的领导干部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="双重组织生活：以普通党员身份参加的领导干部",
    )
    vote_held = models.BooleanField("进行表决", default=False)
    quorum_met = models.BooleanField("到会过半数", default=True)
    expected = models.PositiveSmallIntegerField("应到", default=0)
    present = models.PositiveSmallIntegerField("实到", default=0)
    filed_on = models.DateField("登记日期")
    filed_workdays = models.SmallIntegerField("会后登记工作日数", default=0)
    filed_late = models.BooleanField("逾期登记", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "会议活动记录"
        indexes = [models.Index(fields=["org", "date"], name="meeting_org_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}：{self.topic}"[:200]

    @property
    def label(self) -> str:
        return f"{self.org.display_name}{self.date.month}月{self.date.day}日{self.get_kind_display()}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField("到会")
    reason = models.CharField("缺席原因", max_length=100, blank=True)

    class Meta:
        ordering = ["meeting", "-present", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.person} {'到会' if self.present else '缺席'}"


class MeetingFile(models.Model):
    """Minutes and photos, stored like evidence (luoshi.work.uploads)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类别", max_length=16, choices=FileKind.choices)
    original_name = models.CharField("文件名", max_length=200)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name


class MeetingLink(models.Model):
    """A meeting answering an occurrence: at most one record per occurrence (最多报一次)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="links")
    occurrence = models.OneToOneField(
        "work.Occurrence", on_delete=models.CASCADE, related_name="meeting_link"
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.meeting} → {self.occurrence}"


class PersonalQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> PersonalQuerySet:
        """A member sees their own records; staff the records in their scope."""
        from luoshi.accounts.choices import Role

        if scope_path(user) is None:
            return self.none()
        if user.role == Role.MEMBER:
            return self.filter(person_id=user.person_id) if user.person_id else self.none()
        return super().visible_to(user)  # type: ignore[return-value]


class StudyRecord(TimeStampedModel):
    """What a member studied, when, for how long and how. Never assessment evidence."""

    scope_path_field = "org__path"

    person = models.ForeignKey("orgs.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日期", db_index=True)
    title = models.CharField("学习内容", max_length=200)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    method = models.CharField("学习方式", max_length=16, choices=StudyMethod.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "学习记录"

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.title}"


class ServiceRecord(TimeStampedModel):
    """双报到: service a member gave in the community they registered with."""

    scope_path_field = "org__path"

    person = models.ForeignKey("orgs.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    community = models.CharField("报到社区", max_length=100)
    date = models.DateField("日期", db_index=True)
    hours = models.DecimalField("服务时长", max_digits=5, decimal_places=1)
    content = models.CharField("服务内容", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "志愿服务记录"

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.community}"


class CommunityRegistration(TimeStampedModel):
    """双报到: the community a member has registered with (one at a time; registering
    again replaces it). Service records default to it."""

    scope_path_field = "org__path"

    person = models.OneToOneField(
        "orgs.Person", verbose_name="党员", on_delete=models.CASCADE, related_name="community_registration"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    community = models.CharField("报到社区", max_length=100)
    registered_on = models.DateField("报到日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["org__path", "id"]
        verbose_name = "社区报到"

    def __str__(self) -> str:
        return f"{self.person} 报到 {self.community}"


class StoredFile(models.Model):
    """An uploaded file's fields, as luoshi.work.uploads.store_upload returns them."""

    original_name = models.CharField("文件名", max_length=200)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ResponsibilityList(TimeStampedModel):
    """One of the 三个清单 of an organisation for a year, with its items."""

    scope_path_field = "org__path"

    org = models.ForeignKey(
        "orgs.Organization", verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("清单", max_length=16, choices=ListKind.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["org__path", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "kind"], name="responsibility_list_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年{self.get_kind_display()}"


class ResponsibilityItem(models.Model):
    responsibility_list = models.ForeignKey(
        ResponsibilityList, on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField("序号")
    text = models.CharField("责任内容", max_length=500)

    class Meta:
        ordering = ["responsibility_list", "order"]

    def __str__(self) -> str:
        return self.text[:40]


class Letter(TimeStampedModel):
    """A 党风廉政建设责任书 between an organisation and the one above it, generated from a
    template; signed by an uploaded scan or an in-system confirmation. Each letter is a
    duty of the signing organisation (its Duty below)."""

    scope_path_field = "signer__path"

    duty = models.OneToOneField("work.Duty", on_delete=models.CASCADE, related_name="letter")
    year = models.PositiveSmallIntegerField("年度")
    issuer = models.ForeignKey(
        "orgs.Organization", verbose_name="发出单位", on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        "orgs.Organization", verbose_name="签订单位", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("责任书内容")
    status = models.CharField(
        "状态", max_length=16, choices=LetterStatus.choices, default=LetterStatus.PENDING
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签订时间", null=True, blank=True)
    signer_name = models.CharField("签订人", max_length=50, blank=True)
    # the scan, when signed on paper (StoredFile's fields, empty for an in-system confirmation)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    stored_name = models.CharField(max_length=100, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "signer__path"]
        constraints = [models.UniqueConstraint(fields=["year", "signer"], name="letter_unique_year_signer")]

    def __str__(self) -> str:
        return f"{self.year}年党风廉政建设责任书（{self.issuer.display_name}—{self.signer.display_name}）"


class PracticalTarget(models.Model):
    """The year's target 每个处室（单位）确定1件为民实事: a PRACTICAL duty owed by every division."""

    duty = models.OneToOneField("work.Duty", on_delete=models.CASCADE, related_name="practical_target")
    year = models.PositiveSmallIntegerField("年度", unique=True)

    def __str__(self) -> str:
        return f"{self.year}年为民实事"


class PracticalMatter(TimeStampedModel):
    """我为群众办实事: a division's matter, its progress and its closure with evidence."""

    scope_path_field = "org__path"

    org = models.ForeignKey(
        "orgs.Organization", verbose_name="处室（单位）", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("实事名称", max_length=200)
    description = models.TextField("内容与目标", blank=True)
    status = models.CharField("状态", max_length=16, choices=MatterStatus.choices, default=MatterStatus.OPEN)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closure = models.TextField("办结情况", blank=True)
    occurrence = models.ForeignKey(
        "work.Occurrence", null=True, blank=True, on_delete=models.SET_NULL, related_name="practical_matters"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "org__path", "id"]

    def __str__(self) -> str:
        return self.title


class MatterProgress(models.Model):
    matter = models.ForeignKey(PracticalMatter, on_delete=models.CASCADE, related_name="progress")
    text = models.CharField("进展", max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["matter", "at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class MatterFile(StoredFile):
    matter = models.ForeignKey(PracticalMatter, on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["matter", "id"]

    def __str__(self) -> str:
        return self.original_name
