from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import StyledForm
from luoshi.orgs.choices import Education, Gender, OrgKind, PartyStatus, PostKind
from luoshi.orgs.models import Organization, Person


class OrganizationForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    parent = forms.ModelChoiceField(label="上级组织", queryset=None, required=True)
    aliases = forms.CharField(
        label="别名", max_length=300, required=False, help_text="用顿号分隔，用于匹配工作要点中的称呼"
    )
    duty_keywords = forms.CharField(
        label="职责关键词",
        max_length=500,
        required=False,
        help_text="用顿号分隔；工作要点未写明责任单位时据此推荐",
    )
    order = forms.IntegerField(label="排序", min_value=0, initial=0)
    is_active = forms.BooleanField(label="在用", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda o: "　" * o.depth + o.name

    FIELDS = Organization.EDITABLE_FIELDS


class PersonForm(StyledForm):
    name = forms.CharField(label="姓名", max_length=50)
    org = forms.ModelChoiceField(label="所在组织", queryset=None)
    gender = forms.ChoiceField(label="性别", choices=[("", "—"), *Gender.choices], required=False)
    birth_date = forms.DateField(
        label="出生日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ethnic_group = forms.CharField(label="民族", max_length=20, required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "—"), *Education.choices], required=False)
    party_status = forms.ChoiceField(label="政治面貌", choices=PartyStatus.choices)
    joined_party_on = forms.DateField(
        label="入党时间", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    job_title = forms.CharField(label="职务", max_length=60, required=False)
    mobile = forms.RegexField(
        label="手机号码",
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": "请输入11位手机号码。"},
    )
    id_number = forms.RegexField(
        label="身份证号",
        regex=r"^\d{17}[\dXx]$",
        required=False,
        error_messages={"invalid": "请输入18位身份证号。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = Person.EDITABLE_FIELDS

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["org"].label_from_instance = lambda o: "　" * o.depth + o.name

    def clean_id_number(self) -> str:
        return str(self.cleaned_data["id_number"] or "").upper()


class PostForm(StyledForm):
    org = forms.ModelChoiceField(label="组织", queryset=None)
    kind = forms.ChoiceField(label="职务", choices=PostKind.choices)
    started_on = forms.DateField(
        label="任职时间", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
