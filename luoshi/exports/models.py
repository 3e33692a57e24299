"""A unit's document format (its overrides of GB/T 9704) and its document-number counters."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F

from luoshi.exports.official import Profile, with_overrides


class DocumentProfile(models.Model):
    """The fonts and issuer a unit prints with; blank fields fall back to the standard."""

    unit = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="document_profile", verbose_name="单位"
    )
    issuer = models.CharField("发文机关", max_length=60, blank=True)
    title_font = models.CharField("标题字体", max_length=30, blank=True)
    body_font = models.CharField("正文字体", max_length=30, blank=True)
    heading1_font = models.CharField("一级标题字体", max_length=30, blank=True)
    heading2_font = models.CharField("二级标题字体", max_length=30, blank=True)
    heading3_bold = models.BooleanField("三级标题加粗", default=False)
    page_number_font = models.CharField("页码字体", max_length=30, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "公文格式"

    def __str__(self) -> str:
        return f"{self.unit}的公文格式"

    FIELDS = [
        "issuer",
        "title_font",
        "body_font",
        "heading1_font",
        "heading2_font",
        "heading3_bold",
        "page_number_font",
    ]

    def profile(self) -> Profile:
        return with_overrides(Profile(issuer=self.unit.name), {f: getattr(self, f) for f in self.FIELDS})


def profile_for(unit: Any) -> Profile:
    """`unit`'s profile; the standard's, with the unit as issuer, when it has set none."""
    if unit is None:
        return Profile()
    stored = DocumentProfile.objects.filter(unit=unit).select_related("unit").first()
    return stored.profile() if stored else Profile(issuer=unit.name)


class DocumentCounter(models.Model):
    """The last number given under a prefix (机党督, 机党通…) in a year, per unit."""

    unit = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField("发文代字", max_length=20)
    year = models.PositiveIntegerField("年度")
    last = models.PositiveIntegerField("已用编号", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "prefix", "year"], name="one_counter_per_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕已用至{self.last}号"

    @classmethod
    def take(cls, unit: Any, prefix: str, year: int) -> int:
        """The next number: an UPDATE … SET last = last + 1 under the row lock, so concurrent
        callers get distinct numbers on both databases."""
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(unit=unit, prefix=prefix, year=year)
            cls.objects.filter(pk=counter.pk).update(last=F("last") + 1)
            counter.refresh_from_db(fields=["last"])
            return counter.last
