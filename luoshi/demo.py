"""The demo department of DESIGN.md: an invented Natural Resources Department with its
Party organisations, about 200 people and the demo accounts.

Deterministic (seeded) so that screenshots and tests see the same names; the password is
the caller's or a random one. Costs about a second on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import string
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.accounts.models import User
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.orgs.choices import Education, Gender, OrgKind, PartyStatus, PostKind
from luoshi.orgs.models import Organization, Person, Post

# (branch name, division it serves, duty keywords)
BRANCHES = [
    ("办公室党支部", "办公室", "综合协调、公文、会务、督查督办、保密、信访"),
    ("政策法规处党支部", "政策法规处", "法治、政策研究、普法、行政复议"),
    ("综合规划处党支部", "综合规划处", "发展规划、统计、改革"),
    ("调查监测处党支部", "自然资源调查监测处", "调查、监测、国土变更调查"),
    ("确权登记处党支部", "自然资源确权登记处", "确权登记、不动产登记"),
    ("权益处党支部", "自然资源所有者权益处", "资产清查、有偿使用、权益"),
    ("开发利用处党支部", "自然资源开发利用处", "土地供应、节约集约、市场"),
    ("国土空间规划局党支部", "国土空间规划局", "国土空间规划、村庄规划"),
    ("用途管制处党支部", "国土空间用途管制处", "用途管制、用地审批、农转用"),
    ("生态修复处党支部", "国土空间生态修复处", "生态修复、矿山治理、综合整治"),
    ("耕地保护处党支部", "耕地保护监督处", "耕地保护、永久基本农田、占补平衡"),
    ("地质勘查处党支部", "地质勘查管理处", "地质勘查、地质灾害、地质环境"),
    ("矿业权管理处党支部", "矿业权管理处", "矿业权、出让、矿产资源"),
    ("财务处党支部", "财务与资金运用处", "财务、预算、资金、审计整改"),
    ("人事处党支部", "人事处", "干部任免、人事管理、干部培训、机构编制、离退休"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蓝莫陆农黎廖"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海燕丹宁晨雪峰斌琳"
ETHNIC = ["汉族"] * 7 + ["壮族"] * 2 + ["瑶族"]
JOB_TITLES = [
    "处长",
    "副处长",
    "一级调研员",
    "二级调研员",
    "三级主任科员",
    "四级主任科员",
    "一级科员",
    "科员",
]

ACCOUNTS = [
    # username, role, org key, display name
    ("jgdw", Role.PLAN_OFFICE, "committee", "机关党委办公室"),
    ("zhibu1", Role.ORG_STAFF, "branch0", "办公室党支部书记"),
    ("zhibu2", Role.ORG_STAFF, "branch1", "政策法规处党支部书记"),
    ("dangyuan1", Role.MEMBER, "branch0", "办公室党员"),
    ("jijian", Role.DISCIPLINE, "discipline", "机关纪委"),
    ("lingdao", Role.LEADER, "root", "厅党组书记"),
    ("sysadmin", Role.SYSADMIN, "root", "系统管理员"),
    ("secadmin", Role.SECADMIN, "root", "安全管理员"),
    ("auditadmin", Role.AUDITADMIN, "root", "审计管理员"),
]

LOGINS_FILE = "demo-logins.txt"


def demo_exists() -> bool:
    return Organization.objects.exists()


def random_password() -> str:
    """A password that meets the policy: letters of both cases, digits and a symbol."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"Ls-{core}7a"


def _id_number(rng: random.Random, birth: dt.date, gender: str) -> str:
    """A well-formed but invented 18-digit ID number (GB 11643 check digit)."""
    body = f"4501{rng.randint(0, 99):02d}{birth:%Y%m%d}{rng.randint(0, 99):02d}"
    body += str(rng.randrange(1, 10, 2) if gender == Gender.MALE else rng.randrange(0, 10, 2))
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _org(name: str, kind: str, parent: Organization | None, order: int, **extra: str) -> Organization:
    org = Organization(name=name, kind=kind, parent=parent, order=order, **extra)
    org.save()
    return org


def _build_tree() -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    root = orgs["root"] = _org(
        "自然资源厅党组", OrgKind.PARTY_GROUP, None, 0, short_name="厅党组", aliases="厅党组、党组"
    )
    committee = orgs["committee"] = _org(
        "厅机关党委",
        OrgKind.PARTY_COMMITTEE,
        root,
        1,
        short_name="机关党委",
        aliases="机关党委、厅直属机关党委",
        duty_keywords="机关党建、党员教育、组织生活、党费、统战、群团、精神文明",
    )
    orgs["discipline"] = _org(
        "厅机关纪委",
        OrgKind.DISCIPLINE_COMMITTEE,
        committee,
        0,
        short_name="机关纪委",
        aliases="机关纪委",
        duty_keywords="监督执纪、廉政教育、警示教育、巡察",
    )
    for i, (name, division, duties) in enumerate(BRANCHES):
        branch = orgs[f"branch{i}"] = _org(name, OrgKind.BRANCH, committee, i + 1, duty_keywords=duties)
        # The division the branch is built in (支部建在处室上): it owns division-level work
        # such as 为民实事, and sits in the branch secretary's scope.
        orgs[f"division{i}"] = _org(division, OrgKind.DIVISION, branch, 0, duty_keywords=duties)
    orgs["group"] = _org(
        "驻厅纪检监察组",
        OrgKind.DISCIPLINE_GROUP,
        root,
        2,
        aliases="驻厅纪检监察组、纪检监察组",
        duty_keywords="监督、执纪问责、政治生态",
    )
    orgs["ecology"] = _org(
        "厅政治生态建设领导小组",
        OrgKind.LEADING_GROUP,
        root,
        3,
        short_name="政治生态领导小组",
        aliases="领导小组",
    )
    info = orgs["info"] = _org("自然资源信息中心党总支", OrgKind.GENERAL_BRANCH, root, 4, aliases="信息中心")
    orgs["info1"] = _org("信息中心第一党支部", OrgKind.BRANCH, info, 1)
    orgs["info2"] = _org("信息中心第二党支部", OrgKind.BRANCH, info, 2)
    orgs["registry"] = _org("不动产登记中心党支部", OrgKind.BRANCH, root, 5, aliases="不动产登记中心")
    forestry = orgs["forestry"] = _org(
        "林业和草原局党组",
        OrgKind.PARTY_GROUP,
        root,
        6,
        short_name="林草局党组",
        aliases="林草局党组、林草局",
    )
    orgs["forestry1"] = _org("林草局机关党支部", OrgKind.BRANCH, forestry, 1)
    geology = orgs["geology"] = _org(
        "地质局党委", OrgKind.PARTY_COMMITTEE, root, 7, short_name="地质局党委", aliases="地质局党委、地质局"
    )
    orgs["geology1"] = _org("地质局机关党支部", OrgKind.BRANCH, geology, 1)
    orgs["geology2"] = _org("地质调查院党支部", OrgKind.BRANCH, geology, 2)
    return orgs


def _build_people(rng: random.Random, orgs: dict[str, Organization]) -> list[Person]:
    people: list[Person] = []
    posts: list[Post] = []
    holders = [
        o
        for key, o in orgs.items()
        if o.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GROUP)
    ]
    used: set[str] = set()
    for org in holders:
        size = 10 if org.kind == OrgKind.BRANCH else 5
        for n in range(size):
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                if name not in used:
                    used.add(name)
                    break
            gender = rng.choice([Gender.MALE, Gender.FEMALE])
            birth = dt.date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
            status = PartyStatus.PROBATIONARY if n == size - 1 and rng.random() < 0.3 else PartyStatus.FULL
            person = Person(
                name=name,
                org=org,
                gender=gender,
                birth_date=birth,
                ethnic_group=rng.choice(ETHNIC),
                education=rng.choice(
                    [Education.MASTER, Education.BACHELOR, Education.BACHELOR, Education.DOCTORATE]
                ),
                party_status=status,
                joined_party_on=dt.date(
                    birth.year + rng.randint(19, 30), rng.randint(1, 12), rng.randint(1, 28)
                ),
                job_title=JOB_TITLES[min(n, len(JOB_TITLES) - 1)],
                mobile=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                id_number=_id_number(rng, birth, gender),
            )
            people.append(person)
    Person.objects.bulk_create(people)
    by_org: dict[int, list[Person]] = {}
    for person in people:
        by_org.setdefault(person.org_id, []).append(person)
    committee_posts = [
        PostKind.SECRETARY,
        PostKind.DEPUTY_SECRETARY,
        PostKind.ORGANISATION,
        PostKind.PUBLICITY,
        PostKind.DISCIPLINE,
    ]
    for members in by_org.values():
        for i, person in enumerate(members):
            kind = committee_posts[i] if i < len(committee_posts) else PostKind.MEMBER
            posts.append(Post(person=person, org=person.org, kind=kind, started_on=dt.date(2021, 3, 1)))
            if kind != PostKind.MEMBER:
                posts.append(
                    Post(person=person, org=person.org, kind=PostKind.MEMBER, started_on=dt.date(2021, 3, 1))
                )
    Post.objects.bulk_create(posts)
    return people


def _build_accounts(password: str, orgs: dict[str, Organization], people: list[Person]) -> None:
    now = timezone.now()
    firsts = {p.org_id: p for p in reversed(people)}  # the secretary is the first of each org
    for username, role, key, display in ACCOUNTS:
        org = orgs[key]
        person = firsts.get(org.pk) if role == Role.ORG_STAFF else None
        if username == "dangyuan1":
            person = [p for p in people if p.org_id == org.pk][-1]
        user = User(
            username=username,
            role=role,
            org=org,
            display_name=person.name if person else display,
            person=person,
            must_change_password=False,  # demo accounts are ready to use (issue A)
            password_changed_at=now,
            second_factor_waived=role in Role.administrators(),  # real administrators bind an authenticator
        )
        user.set_password(password)
        user.save()


def build_demo(password: str | None = None, seed: int = 2022) -> str:
    """Builds the demo department into an empty database; returns the accounts' password."""
    if demo_exists():
        raise SystemExit("数据库中已有组织数据；演示数据只能生成到空数据库。")
    password = password or random_password()
    rng = random.Random(seed)
    with transaction.atomic():
        orgs = _build_tree()
        people = _build_people(rng, orgs)
        _build_accounts(password, orgs, people)
        from luoshi.demo_year import build_years

        years = build_years(seed)
        published = "；".join(f"{y['year']}年{y['tasks']}项任务、{y['occurrences']}个事项" for y in years)
        record(
            AuditAction.CREATE,
            object_type="demo",
            object_repr="演示数据",
            message=f"生成演示单位：{len(orgs)}个组织、{len(people)}名人员、{len(ACCOUNTS)}个账户；"
            f"发布工作要点：{published}",
        )
        from luoshi.inspections.demo import build as build_inspections  # noqa: I001

        build_inspections()
        if years[-1].get("note"):
            print(years[-1]["note"])
        from luoshi.ledgers.demo import build as build_ledgers

        build_ledgers(seed)
        from luoshi.supervision.demo import build as build_supervision

        build_supervision()
    return password


def _logins_path() -> Path:
    return Path(settings.DATA_DIR) / LOGINS_FILE


def save_logins(password: str) -> None:
    """Keeps the demo password beside the database so `make run` can print it again."""
    path = _logins_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password, encoding="utf-8")
    path.chmod(0o600)


def print_logins(password: str | None) -> None:
    if password is None and _logins_path().exists():
        password = _logins_path().read_text(encoding="utf-8").strip()
    print("演示账户（用户名 / 角色）：")
    for username, role, _key, _display in ACCOUNTS:
        print(f"  {username:<11} {Role(role).label}")
    if password:
        print(f"密码（所有演示账户相同）：{password}")
    else:
        print("密码：见首次生成演示数据时的输出；或用空数据库运行 `luoshi demo --password 新密码`。")
    print("演示管理员账户免二次验证；正式的管理员账户首次登录时须绑定身份验证器（TOTP）。")
