from django.db import models


class OrgKind(models.TextChoices):
    PARTY_GROUP = "party_group", "党组"
    PARTY_COMMITTEE = "party_committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    DISCIPLINE_COMMITTEE = "discipline_committee", "纪委"
    DISCIPLINE_GROUP = "discipline_group", "纪检监察组"
    LEADING_GROUP = "leading_group", "领导小组"
    DIVISION = "division", "处室"
    INSTITUTION = "institution", "事业单位"
    OTHER = "other", "其他"

    @classmethod
    def basic_level(cls) -> set[str]:
        """基层党组织: the organisations that hold members directly or through branches."""
        return {cls.PARTY_COMMITTEE, cls.GENERAL_BRANCH, cls.BRANCH}


class PartyStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    NONE = "none", "非党员"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专及以下"


class PostKind(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    COMMITTEE = "committee", "委员"
    PARTY_AFFAIRS = "party_affairs", "党务工作者"
    MEMBER = "member", "党员"
