"""What new users tripped over in the administrators' pages: accounts sorted as text, a
header naming the role twice, role codes in English and denied rows that said nothing."""

from __future__ import annotations

import pytest

from luoshi.accounts.models import User

pytestmark = pytest.mark.django_db


def test_accounts_sort_with_numbers_as_numbers(login_as, persona) -> None:
    org = persona("zhibu1").org
    for name in ("acct10", "acct2", "acct1"):
        User.objects.create_user(name, org=org, role="member")
    page = login_as("sysadmin").get("/accounts/users/?q=acct")
    names = [u.username for u in page.context["page"].object_list if u.username.startswith("acct")]
    assert names.index("acct1") < names.index("acct2") < names.index("acct10")


def test_the_header_names_the_role_once(login_as) -> None:
    page = login_as("sysadmin").get("/").content.decode()
    assert "系统管理员（系统管理员）" not in page and "系统管理员" in page


def test_the_audit_log_shows_roles_in_chinese_and_what_was_denied(login_as) -> None:
    login_as("zhibu2").get("/tasks/calendar/")  # a page the role may not open
    login_as("zhibu1").get("/work/calendar/")
    page = login_as("auditadmin").get("/audit/?action=denied").content.decode()
    assert "组织管理员" in page and "org_staff" not in page
    assert "页面 /work/calendar/" in page


def test_the_security_administrator_is_told_why_there_is_no_organisation_page(login_as) -> None:
    page = login_as("secadmin").get("/orgs/")
    assert page.status_code == 403 and "不查看组织与人员" in page.content.decode()
    assert ("orgs:tree", "组织机构") not in login_as("secadmin").get("/").context["nav"]
