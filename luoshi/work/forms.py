from __future__ import annotations

from django import forms

from luoshi.core.forms import StyledForm
from luoshi.core.numbers import MAX_BIGINT
from luoshi.work.choices import ExtensionDecision, ReviewDecision


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - Django's signature
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201 - Django's signature
        """Each file on its own; an error names the file it is about."""
        files = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(super().clean(upload, initial))
            except forms.ValidationError as error:
                errors += [f"“{getattr(upload, 'name', '附件')}”：{m}" for m in error.messages]
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


FILE_HELP = "PDF、Word（.doc/.docx）、Excel（.xls/.xlsx）、JPG、PNG，每个不超过 20 MB，可多选"


class ReportForm(StyledForm):
    text = forms.CharField(
        label="进展情况",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="例如：本季度召开支委会3次，学习……，已按要求完成。",
    )
    count = forms.IntegerField(
        label="完成数量",
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text="有数量目标时填写本次完成的数量",
    )
    files = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text=FILE_HELP,
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
    """Text, count and attachments of a report not yet reviewed: tick files to remove,
    choose new ones to add."""

    text = forms.CharField(label="进展情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    count = forms.IntegerField(label="完成数量", min_value=0, max_value=1_000_000, required=False)
    remove = forms.ModelMultipleChoiceField(
        label="删除附件", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    files = MultipleFileField(label="添加附件", required=False, help_text=FILE_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_BIGINT)

    def __init__(self, *args, report, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003 - Django's signature
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = report.evidence.all()
        self.fields["remove"].label_from_instance = lambda e: e.original_name
        if not report.evidence.all():
            del self.fields["remove"]

    def clean_remove(self):  # noqa: ANN201 - Django's signature
        return self.cleaned_data.get("remove") or []


class CalendarDayForm(StyledForm):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="类型",
        choices=[("rest", "休息（法定节假日）"), ("work", "上班（调休）"), ("default", "恢复默认")],
    )
    note = forms.CharField(label="说明", max_length=50, required=False)


# --- changes after publishing ---------------------------------------------------------------

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def reason_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(StyledForm):
    wished_due = forms.DateField(label="申请延至", widget=DATE_INPUT)
    reason = reason_field("延期理由")


class ExtensionDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label="审批结论", choices=ExtensionDecision.choices, widget=forms.RadioSelect
    )
    due = forms.DateField(
        label="批准延至", required=False, widget=DATE_INPUT, help_text="同意时可改为其他日期"
    )
    comment = forms.CharField(
        label="审批意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不同意时必填",
    )


class OrgChoiceForm(StyledForm):
    """A form naming another organisation of the department (改派, 增加责任单位)."""

    org = forms.ModelChoiceField(label="责任单位", queryset=None)

    def __init__(self, *args, orgs, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003 - Django's signature
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["org"].label_from_instance = lambda o: o.name


class ReassignForm(OrgChoiceForm):
    due = forms.DateField(
        label="新的完成时限", required=False, widget=DATE_INPUT, help_text="不填则沿用原时限"
    )
    reason = reason_field("改派理由")


class AddOrgForm(OrgChoiceForm):
    reason = reason_field("增加理由")


class WithdrawForm(StyledForm):
    reason = reason_field("撤回理由")


class RescheduleForm(StyledForm):
    due = forms.DateField(label="新的完成时限", widget=DATE_INPUT)
    reason = reason_field("调整理由")
