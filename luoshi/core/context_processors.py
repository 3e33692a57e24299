from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from luoshi.accounts.choices import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the user's role may open; pages still check for themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    nav = [("home", "工作台")]
    if user.role not in Role.without_business_scope():
        nav += [
            ("work:my_work", "我的待办"),
            ("tasks:ledger", "任务台账"),
            ("plans:list", "工作要点"),
            ("orgs:tree", "组织机构"),
        ]
    if user.role in (Role.SYSADMIN, Role.PLAN_OFFICE):
        nav.append(("work:calendar", "工作日历"))
    if user.role in (Role.SYSADMIN, Role.SECADMIN):
        nav.append(("accounts:user_list", "账户管理"))
    if user.role == Role.AUDITADMIN:
        nav.append(("audit:list", "审计日志"))
    return {"nav": nav}
