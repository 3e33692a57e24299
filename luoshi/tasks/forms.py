from __future__ import annotations

from django import forms

from luoshi.core.forms import StyledForm


class FireEventForm(StyledForm):
    due_date = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))
    orgs = forms.ModelMultipleChoiceField(
        label="责任单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    label = forms.CharField(label="事由", max_length=40, required=False, help_text="如：2022年6月人事调整")

    def __init__(self, *args, orgs, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003 - Django's signature
        super().__init__(*args, **kwargs)
        self.fields["orgs"].queryset = orgs
