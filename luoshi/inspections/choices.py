from django.db import models


class RoundKind(models.TextChoices):
    REGULAR = "regular", "常规巡察"
    SPECIAL = "special", "专项巡察"
    FOLLOW_UP = "follow_up", "巡察“回头看”"


class StageKind(models.TextChoices):
    MOBILISE = "mobilise", "动员"
    STATION = "station", "进驻"
    FEEDBACK = "feedback", "反馈"
    RECTIFY = "rectify", "整改"
    ASSESS = "assess", "评估"


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已销号"
    REOPENED = "reopened", "回头看重新整改"


class RecheckResult(models.TextChoices):
    HELD = "held", "整改成效巩固"
    REOPENED = "reopened", "重新整改"


class EventKind(models.TextChoices):
    CREATED = "created", "录入问题"
    MEASURE = "measure", "制定整改措施"
    VERIFIED = "verified", "验收整改措施"
    SENT_BACK = "sent_back", "退回整改"
    CLOSED = "closed", "销号"
    HELD = "held", "回头看：成效巩固"
    REOPENED = "reopened", "回头看：重新整改"


DEFAULT_CATEGORIES = ["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "制度建设"]
