from __future__ import annotations

from django import forms

from luoshi.core.forms import StyledForm
from luoshi.tasks.choices import ReviewDecision


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - Django's signature
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201 - Django's signature
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(StyledForm):
    text = forms.CharField(
        label="进展情况",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="例如：本季度召开支委会3次，学习……，已按要求完成。",
    )
    count = forms.IntegerField(
        label="完成数量", min_value=0, required=False, help_text="有数量目标时填写本次完成的数量"
    )
    files = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text="PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG，每个不超过 20 MB，可多选",
    )


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(label="审核结论", choices=ReviewDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="审核意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="退回时必填",
    )


class ReportEditForm(StyledForm):
    text = forms.CharField(label="进展情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    count = forms.IntegerField(label="完成数量", min_value=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CalendarDayForm(StyledForm):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="类型",
        choices=[("rest", "休息（法定节假日）"), ("work", "上班（调休）"), ("default", "恢复默认")],
    )
    note = forms.CharField(label="说明", max_length=50, required=False)


class FireEventForm(StyledForm):
    due_date = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))
    orgs = forms.ModelMultipleChoiceField(
        label="责任单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    label = forms.CharField(label="事由", max_length=40, required=False, help_text="如：2022年6月人事调整")

    def __init__(self, *args, orgs, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003 - Django's signature
        super().__init__(*args, **kwargs)
        self.fields["orgs"].queryset = orgs
