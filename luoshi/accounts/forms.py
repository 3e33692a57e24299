from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

from luoshi.accounts.choices import Role
from luoshi.accounts.models import User
from luoshi.core.forms import StyledForm
from luoshi.orgs.models import Organization


class LoginForm(StyledForm):
    username = forms.CharField(label="用户名", max_length=64)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput,
        help_text="；".join(password_validators_help_texts()),
    )
    new_password2 = forms.CharField(label="再次输入新密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("原密码不正确。")
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class UserForm(StyledForm):
    username = forms.RegexField(
        label="用户名",
        max_length=64,
        regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -"},
    )
    display_name = forms.CharField(label="姓名", max_length=50, required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    org = forms.ModelChoiceField(label="所属组织", queryset=Organization.objects.none())
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput,
        required=False,
        help_text="新账户首次登录须修改密码。管理员账户请留空，由安全管理员设置初始密码。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, orgs: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["org"].label_from_instance = lambda o: "　" * o.depth + o.name
        if editing:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            del self.fields["is_active"]


class ResetPasswordForm(StyledForm):
    password = forms.CharField(
        label="临时密码", strip=False, widget=forms.PasswordInput, help_text="用户下次登录须修改密码。"
    )
    reset_otp = forms.BooleanField(label="同时重置身份验证器（管理员丢失手机时）", required=False)
