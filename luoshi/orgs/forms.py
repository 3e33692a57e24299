from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.forms import StyledForm
from luoshi.orgs.choices import OrgKind


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

    FIELDS = ["name", "short_name", "kind", "parent", "aliases", "duty_keywords", "order", "is_active"]
