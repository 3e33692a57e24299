from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账户锁定"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    DENIED = "denied", "拒绝访问"
    EXPORT = "export", "导出"
    REVEAL = "reveal", "查看个人敏感信息"
    VIEW = "view", "查看"
    PASSWORD = "password", "修改密码"
    TOKEN = "token", "签发接口令牌"
