from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import StyledForm
from luoshi.core.numbers import MAX_BIGINT
from luoshi.work.choices import Frequency, ScheduleKind

WHEN_CHOICES = [
    ("", "（按周期或默认年底前）"),
    ("mid-year", "年中"),
    ("first-half", "上半年"),
    ("second-half", "下半年"),
    ("year-end", "年底前"),
]


# A plain click in a multiple select drops every other choice: say how to add one.
MULTI_HELP = "按住 Ctrl（苹果电脑为 ⌘）点击可多选或取消；直接点击会只保留这一个单位。"


def org_label(o: Any) -> str:
    return "　" * max(o.depth - 1, 0) + o.name


class ImportForm(StyledForm):
    file = forms.FileField(label="工作要点文档", help_text="支持 .txt、.docx、.pdf（文字版），不超过 20 MB")
    year = forms.IntegerField(
        label="年度", required=False, min_value=2000, max_value=2100, help_text="留空则从文档标题或首句识别"
    )


class ProposalForm(StyledForm):
    title = forms.CharField(label="任务", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    lead_org = forms.ModelChoiceField(label="牵头单位", queryset=None, required=False)
    responsible = forms.ModelMultipleChoiceField(
        label="责任单位",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=MULTI_HELP,
    )
    schedule_kind = forms.ChoiceField(
        label="时间类型", choices=[("", "未写明（默认年底前）"), *ScheduleKind.choices], required=False
    )
    freq = forms.ChoiceField(label="周期", choices=[("", "—"), *Frequency.choices], required=False)
    when = forms.CharField(
        label="完成时限",
        max_length=16,
        required=False,
        help_text="年中、年底前，或 2022-06、2022-06-30；周期性任务按周期自动排期",
    )
    day = forms.IntegerField(label="每月几日", min_value=1, max_value=31, required=False)
    target_count = forms.IntegerField(label="目标数", min_value=1, max_value=1_000_000, required=False)
    target_unit = forms.CharField(label="目标单位", max_length=40, required=False)
    dropped = forms.BooleanField(label="不作为任务", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_BIGINT)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead_org", "responsible"):
            self.fields[name].queryset = orgs
            self.fields[name].label_from_instance = org_label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "responsible" in data and not data["responsible"] and not data.get("dropped"):
            self.add_error("responsible", "请至少选择一个责任单位。")
        return data

    def clean_when(self) -> str:
        value = self.cleaned_data["when"].strip()
        aliases = {
            "年中": "mid-year",
            "年底": "year-end",
            "年底前": "year-end",
            "上半年": "first-half",
            "下半年": "second-half",
        }
        return aliases.get(value, value)


class SectionAssignForm(StyledForm):
    section = forms.CharField(widget=forms.HiddenInput)
    lead = forms.ModelChoiceField(label="牵头单位", queryset=None, required=False)
    responsible = forms.ModelMultipleChoiceField(
        label="责任单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 8}), help_text=MULTI_HELP
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "responsible"):
            self.fields[name].queryset = orgs
            self.fields[name].label_from_instance = org_label


class ManualProposalForm(StyledForm):
    title = forms.CharField(label="任务", max_length=500)
    section = forms.CharField(label="所属部分", max_length=200, required=False)
    responsible = forms.ModelMultipleChoiceField(
        label="责任单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 6}), help_text=MULTI_HELP
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = orgs
        self.fields["responsible"].label_from_instance = org_label


class NextYearForm(StyledForm):
    year = forms.IntegerField(label="新年度", min_value=2000, max_value=2100)


class SplitForm(StyledForm):
    """The two texts a proposal is divided into, prefilled at the most natural clause break."""

    first = forms.CharField(
        label="第一部分（保留在原任务）", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    second = forms.CharField(
        label="第二部分（成为新任务）", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_BIGINT)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("first") and data.get("first", "").strip() == (data.get("second") or "").strip():
            raise forms.ValidationError("两部分内容相同，请把原文分到两部分中。")
        return data
