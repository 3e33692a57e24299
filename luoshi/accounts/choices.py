from django.db import models


class Role(models.TextChoices):
    PLAN_OFFICE = "plan_office", "机关党委管理员"
    ORG_STAFF = "org_staff", "组织管理员"
    DISCIPLINE = "discipline", "纪检人员"
    LEADER = "leader", "领导"
    MEMBER = "member", "党员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITADMIN = "auditadmin", "审计管理员"

    @classmethod
    def department_wide(cls) -> set[str]:
        """Roles whose scope is the whole department, not their own subtree."""
        return {cls.PLAN_OFFICE, cls.LEADER, cls.DISCIPLINE, cls.SYSADMIN}

    @classmethod
    def administrators(cls) -> set[str]:
        """三权分立: each of these is held alone, with the shorter idle timeout."""
        return {cls.SYSADMIN, cls.SECADMIN, cls.AUDITADMIN}

    @classmethod
    def without_business_scope(cls) -> set[str]:
        return {cls.SECADMIN, cls.AUDITADMIN}
