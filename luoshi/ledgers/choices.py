from django.db import models


class MeetingKind(models.TextChoices):
    """三会一课 and the other organisational life a branch records."""

    GENERAL = "general", "支部党员大会"
    COMMITTEE = "committee", "支委会"
    GROUP = "group", "党小组会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    CENTRE_GROUP = "centre_group", "理论学习中心组学习"
    LIFE = "life", "组织生活会"
    APPRAISAL = "appraisal", "民主评议党员"
    DUAL = "dual", "双重组织生活"


class FileKind(models.TextChoices):
    MINUTES = "minutes", "会议记录"
    PHOTO = "photo", "照片"


class StudyMethod(models.TextChoices):
    SELF = "self", "个人自学"
    ONLINE = "online", "网络学习"
    COLLECTIVE = "collective", "集体学习"
    TRAINING = "training", "培训班"
    CENTRE_GROUP = "centre_group", "中心组学习"


class ListKind(models.TextChoices):
    """三个清单."""

    MAIN = "main", "主体责任清单"
    FIRST = "first", "第一责任人清单"
    DUAL = "dual", "一岗双责清单"


class LetterStatus(models.TextChoices):
    PENDING = "pending", "待签订"
    SIGNED = "signed", "已签订"


class MatterStatus(models.TextChoices):
    OPEN = "open", "推进中"
    CLOSED = "closed", "已办结"
