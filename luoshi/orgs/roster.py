"""Rosters in and out (issue G-5): the organisation tree and the member roster (党员花名册)
read from the .xlsx offices keep, and the roster written back in the same layout.

Reading is in two steps. `preview_people` / `preview_orgs` check every row and say, in
Chinese and by row number, what is wrong and what would happen (新增, 更新 of which
fields, 无变化); nothing is saved. `import_people` / `import_orgs` check again and, only
when no row is wrong, save every row in one transaction — a file is imported whole or not
at all. A person is matched to someone already registered in the department by ID number,
else by name and birth date, so importing the same sheet twice changes nothing.

Between the preview page and its confirmation the file travels sealed (`seal`/`unseal`):
SM4-GCM-encrypted with the field key, bound to the user and valid for an hour, so no
upload is kept on the server and a sealed file cannot be altered.

Costs: matching decrypts the ID numbers of the department's people once per preview or
import (SM4 is some microseconds per value: a department of thousands is well under a
second); saving goes through `save_person`, one audit row per person.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.crypto import get_provider
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.fields import mask_id_number, mask_mobile
from luoshi.core.scope import root_path_of
from luoshi.orgs import actions
from luoshi.orgs.choices import Education, Gender, OrgKind, PartyStatus, PostKind
from luoshi.orgs.models import Organization, Person, Post

MAX_BYTES = 2 * 1024 * 1024  # sealed for the confirmation, it stays under the POST limit
MAX_ROWS = 5000
SEAL_SECONDS = 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SEARCH_ROWS = 10

# The roster's columns in the order offices keep them (and the export writes them).
PEOPLE_COLUMNS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "学历",
    "党员类别",
    "入党时间",
    "所在组织",
    "职务",
    "手机号码",
    "身份证号",
]
PEOPLE_WIDTHS = [6, 10, 6, 13, 8, 12, 10, 13, 26, 16, 14, 21]

# Header texts seen in offices' sheets for each field (compared without spaces, asterisks
# and anything in brackets, e.g. "出生日期（年月日）").
PEOPLE_HEADERS = {
    "name": ("姓名", "党员姓名", "名字"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "出生时间", "生日"),
    "ethnic_group": ("民族",),
    "education": ("学历", "文化程度", "最高学历", "全日制学历", "学历学位"),
    "party_status": ("党员类别", "党员状态", "人员类别", "政治面貌", "党籍状态", "党员类型"),
    "joined_party_on": ("入党时间", "入党日期", "加入党组织日期", "入党年月", "入党时间（年月日）"),
    "org": ("所在组织", "所在党组织", "所在党支部", "所在支部", "党组织", "党支部", "所在单位", "组织"),
    "job_title": ("职务", "现任职务", "行政职务", "职务职级", "工作岗位"),
    "mobile": ("手机号码", "手机号", "手机", "联系电话", "联系方式", "电话"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证"),
}
PEOPLE_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "ethnic_group": "民族",
    "education": "学历",
    "party_status": "党员类别",
    "joined_party_on": "入党时间",
    "org": "所在组织",
    "job_title": "职务",
    "mobile": "手机号码",
    "id_number": "身份证号",
}

ORG_COLUMNS = ["序号", "组织名称", "上级组织", "组织类型", "简称", "排序"]
ORG_HEADERS = {
    "name": ("组织名称", "名称", "党组织名称", "单位名称", "组织全称"),
    "parent": ("上级组织", "上级党组织", "上级单位", "隶属组织"),
    "kind": ("组织类型", "类型", "组织类别", "党组织类别"),
    "short_name": ("简称", "组织简称"),
    "order": ("排序", "排序号", "顺序"),
}


class RosterRefused(ActionRefused):
    """The file as a whole was refused (not an .xlsx, no header, too large)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value).strip().replace("\u3000", " ")


def _header_key(value: Any) -> str:
    text = re.sub(r"[（(][^）)]*[）)]", "", _text(value))
    return re.sub(r"[\s*＊:：]", "", text)


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: Any) -> dt.date | None:
    """Dates as offices type them: real dates, 1985-03-12, 1985.3.12, 1985年3月12日,
    19850312, an Excel day number, or a month alone (1985.03 → 1 March: 出生年月)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1000 < value < 80000:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = _text(value)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = DATE_RE.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECKS = "10X98765432"


def id_number_problem(number: str) -> str:
    """Why an 18-digit 公民身份号码 (GB 11643) is wrong, or "" when it is right."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return "应为18位（最后一位可为X）"
    if ID_CHECKS[sum(int(d) * w for d, w in zip(number, ID_WEIGHTS, strict=False)) % 11] != number[-1]:
        return "校验位不符，请核对"
    if _id_birth(number) is None:
        return "其中的出生日期无效"
    return ""


def _id_birth(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _id_gender(number: str) -> str:
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


GENDERS = {"男": Gender.MALE, "男性": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE}


def parse_education(text: str) -> str | None:
    """学历 as offices write it (研究生, 大学本科, 大专, 高中 …) → Education, None if unknown."""
    if any(word in text for word in ("博士",)):
        return Education.DOCTORATE
    if any(word in text for word in ("硕士", "研究生")):
        return Education.MASTER
    if any(word in text for word in ("专科", "大专", "高职")):
        return Education.COLLEGE
    if any(word in text for word in ("本科", "大学", "学士")):
        return Education.BACHELOR
    if any(word in text for word in ("中专", "中职", "高中", "初中", "小学", "技校", "职高", "以下")):
        return Education.SECONDARY
    return None


def parse_party_status(text: str) -> str | None:
    if "预备" in text:
        return PartyStatus.PROBATIONARY
    if text in ("正式党员", "正式", "党员", "中共党员", "中共正式党员"):
        return PartyStatus.FULL
    if text in ("群众", "非党员", "共青团员", "团员") or "民主党派" in text or "无党派" in text:
        return PartyStatus.NONE
    return None


# --- reading a sheet ---------------------------------------------------------------------


def _sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    """The first worksheet's rows. openpyxl in read-only mode reads Excel's and WPS's .xlsx
    alike (WPS leaves the sheet's dimension unset, so rows are read to their end)."""
    from openpyxl import load_workbook

    if len(content) > MAX_BYTES:
        raise RosterRefused("文件超过2MB，请分成几个文件导入。")
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise RosterRefused("这是旧版 .xls 文件，请用 WPS 或 Excel 另存为 .xlsx 后再导入。")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS + 1))
        book.close()
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a file that is not a workbook
        raise RosterRefused(
            "文件不是有效的 .xlsx 工作簿，请用 WPS 或 Excel 另存为 .xlsx 后再导入。"
        ) from None
    return rows


def _locate_header(
    rows: list[tuple[Any, ...]], synonyms: dict[str, tuple[str, ...]], required: Iterable[str], what: str
) -> tuple[int, dict[str, int]]:
    """The header row (anywhere in the first ten: offices put a title above it) and the
    column of each field it names."""
    lookup = {word: name for name, words in synonyms.items() for word in words}
    for at, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for col, value in enumerate(values):
            name = lookup.get(_header_key(value))
            if name is not None:
                columns.setdefault(name, col)
        if all(name in columns for name in required) and len(columns) >= 2:
            if len(rows) - at - 1 > MAX_ROWS:
                raise RosterRefused(f"一次最多导入{MAX_ROWS}行。")
            return at, columns
    raise RosterRefused(
        f"前{HEADER_SEARCH_ROWS}行中找不到{what}的表头（应包含：{'、'.join(required_labels(required))}）。"
    )


def required_labels(required: Iterable[str]) -> list[str]:
    names = {**PEOPLE_LABELS, "parent": "上级组织", "kind": "组织类型"}
    return [names.get(r, "组织名称" if r == "name" else r) for r in required]


def _cell(values: tuple[Any, ...], columns: dict[str, int], name: str) -> Any:
    col = columns.get(name)
    return values[col] if col is not None and col < len(values) else None


# --- organisations by the names a sheet uses ----------------------------------------------


class OrgNames:
    """Organisations of a scope by name, short name, alias or "上级/本级" path; a name two
    organisations share is ambiguous and must be written with its parent."""

    def __init__(self, orgs: Iterable[Organization]) -> None:
        self.by_name: dict[str, list[Organization]] = {}
        self.by_pk: dict[int, Organization] = {}
        for org in orgs:
            self.add(org)

    def add(self, org: Organization) -> None:
        self.by_pk[org.pk] = org
        for name in {org.name, org.short_name, *org.alias_list()}:
            if name:
                self.by_name.setdefault(name.strip(), []).append(org)

    def find(self, text: str) -> tuple[Organization | None, str]:
        parts = [p.strip() for p in re.split(r"[/／>＞]", text) if p.strip()]
        if not parts:
            return None, ""
        found = self.by_name.get(parts[-1], [])
        if len(parts) > 1:
            parents = {o.pk for o in self.by_name.get(parts[-2], [])}
            found = [o for o in found if o.parent_id in parents]
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, f"所在组织“{text}”不在您可管理的组织中"
        return (
            None,
            f"有{len(found)}个组织名为“{parts[-1]}”，请写明上级组织，如“{self._parent_name(found[0])}/{parts[-1]}”",
        )

    def _parent_name(self, org: Organization) -> str:
        parent = self.by_pk.get(org.parent_id or 0)
        return parent.name if parent else "上级组织"


# --- the member roster ----------------------------------------------------------------------


@dataclass
class PersonRow:
    """One roster row as checked: what it says, whom it matches, what it would change."""

    number: int
    name: str = ""
    org: Organization | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    person: Person | None = None
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.fields.get("id_number", ""))

    @property
    def action(self) -> str:
        if self.errors:
            return "有误"
        if self.person is None:
            return "新增"
        return "更新" if self.changes else "无变化"


class _Preview:
    """What a sheet would do, row by row; the same for people and organisations."""

    rows: list[Any]

    @property
    def errors(self) -> list[Any]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def count_new(self) -> int:
        return self.count("新增")

    @property
    def count_update(self) -> int:
        return self.count("更新")

    @property
    def count_same(self) -> int:
        return self.count("无变化")

    def problems(self) -> list[str]:
        return [f"第{r.number}行：" + "；".join(r.errors) for r in self.errors]

    def refusal(self, what: str) -> ActionRefused:
        problems = self.problems()
        more = "……" if len(problems) > 10 else ""
        return ActionRefused(f"有{len(problems)}行有误，未导入任何{what}：" + "；".join(problems[:10]) + more)


@dataclass
class PeoplePreview(_Preview):
    rows: list[PersonRow]
    columns: list[str]


def _department_people(user: Any) -> QuerySet[Person]:
    root = root_path_of(user.org.path) if getattr(user, "org", None) else "-"
    return Person.objects.filter(org__path__startswith=root).select_related("org")


class _Matcher:
    """The department's people by ID number and by name with birth date."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.by_id: dict[str, Person] = {}
        self.by_name_birth: dict[tuple[str, dt.date | None], list[Person]] = {}
        for p in people:
            if p.id_number:
                self.by_id[p.id_number.upper()] = p
            self.by_name_birth.setdefault((p.name, p.birth_date), []).append(p)

    def match(self, name: str, birth: dt.date | None, id_number: str) -> tuple[Person | None, str]:
        if id_number and id_number in self.by_id:
            found = self.by_id[id_number]
            if found.name != name:
                return None, f"身份证号已登记为“{found.name}”（{found.org.name}），与本行姓名不符"
            return found, ""
        if birth is None:
            return None, ""
        candidates = [
            p
            for p in self.by_name_birth.get((name, birth), [])
            if not p.id_number or not id_number or p.id_number.upper() == id_number
        ]
        if len(candidates) > 1:
            return None, f"已有{len(candidates)}位同名同出生日期的人员，请填写身份证号以便区分"
        return (candidates[0] if candidates else None), ""


def _read_person(
    values: tuple[Any, ...],
    columns: dict[str, int],
    row: PersonRow,
    orgs: OrgNames,
    default_org: Organization | None,
) -> None:
    """Fills `row.fields` from the cells, adding an error for each bad value."""
    errors, out = row.errors, row.fields
    row.name = re.sub(r"\s+", "", _text(_cell(values, columns, "name")))
    if not row.name:
        errors.append("姓名为空")
    elif len(row.name) > 50:
        errors.append("姓名超过50字")
    out["name"] = row.name

    raw_id = _cell(values, columns, "id_number")
    id_number = _text(raw_id).upper().replace(" ", "")
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        errors.append("身份证号被存成了数字，后几位已丢失：请把该列设为“文本”后重新填写")
        id_number = ""
    elif id_number and (problem := id_number_problem(id_number)):
        errors.append(f"身份证号{problem}")
        id_number = ""
    out["id_number"] = id_number

    gender_text = _text(_cell(values, columns, "gender"))
    gender = GENDERS.get(gender_text, "") if gender_text else (_id_gender(id_number) if id_number else "")
    if gender_text and not gender:
        errors.append(f"性别“{gender_text}”应为男或女")
    elif id_number and gender and gender != _id_gender(id_number):
        errors.append("性别与身份证号不一致")
    out["gender"] = gender

    for name, label in (("birth_date", "出生日期"), ("joined_party_on", "入党时间")):
        raw = _cell(values, columns, name)
        value = parse_date(raw)
        if _text(raw) and value is None:
            errors.append(f"{label}“{_text(raw)}”不是有效日期（如 1985-03-12）")
        elif value is not None and value > timezone.localdate():
            errors.append(f"{label}晚于今天")
        out[name] = value
    if id_number:
        from_id = _id_birth(id_number)
        if out["birth_date"] is None:
            out["birth_date"] = from_id
        elif from_id is not None and (out["birth_date"].year, out["birth_date"].month) != (
            from_id.year,
            from_id.month,
        ):
            errors.append("出生日期与身份证号不一致")
        elif out["birth_date"].day == 1 and from_id is not None:
            out["birth_date"] = from_id  # 出生年月 only: the ID number has the day
    if out["joined_party_on"] and out["birth_date"] and out["joined_party_on"] <= out["birth_date"]:
        errors.append("入党时间早于出生日期")

    ethnic = _text(_cell(values, columns, "ethnic_group"))
    if len(ethnic) > 20:
        errors.append("民族超过20字")
    out["ethnic_group"] = ethnic

    education_text = _text(_cell(values, columns, "education"))
    education = parse_education(education_text) if education_text else ""
    if education is None:
        errors.append(f"学历“{education_text}”无法识别（可填：{'、'.join(Education.labels)}）")
    out["education"] = education or ""

    status_text = _text(_cell(values, columns, "party_status"))
    status = parse_party_status(status_text) if status_text else PartyStatus.FULL
    if status is None:
        errors.append(f"党员类别“{status_text}”无法识别（可填：正式党员、预备党员、群众）")
    out["party_status"] = status or PartyStatus.FULL

    org_text = _text(_cell(values, columns, "org"))
    if org_text:
        row.org, problem = orgs.find(org_text)
        if problem:
            errors.append(problem)
    else:
        row.org = default_org
        if default_org is None:
            errors.append("所在组织为空")
    out["org"] = row.org

    job_title = _text(_cell(values, columns, "job_title"))
    if len(job_title) > 60:
        errors.append("职务超过60字")
    out["job_title"] = job_title

    mobile = re.sub(r"[\s-]", "", _text(_cell(values, columns, "mobile")))
    if mobile and not re.fullmatch(r"1\d{10}", mobile):
        errors.append(f"手机号码“{mask_mobile(mobile)}”应为11位")
    out["mobile"] = mobile


def _changes(person: Person, fields: dict[str, Any]) -> list[str]:
    """Labels of the fields the row would change. A blank cell changes nothing: a sheet
    without a column (or an empty cell) never erases what was registered."""
    changed = []
    for name, value in fields.items():
        if value in ("", None) or name == "name":
            continue
        if getattr(person, name) != value:
            changed.append(PEOPLE_LABELS[name])
    return changed


def preview_people(
    *, acting_user: Any, content: bytes, default_org: Organization | None = None
) -> PeoplePreview:
    """Every row of a roster checked and matched; nothing is saved."""
    if not may_import_people(acting_user):
        raise refuse_access("您不能导入人员花名册。", actor=acting_user)
    rows = _sheet_rows(content)
    at, columns = _locate_header(rows, PEOPLE_HEADERS, ["name"], "党员花名册")
    manageable = [
        o
        for o in Organization.objects.assignable_by(acting_user)
        if actions.can_manage_people(acting_user, o)
    ]
    orgs = OrgNames(manageable)
    if default_org is not None and default_org.pk not in orgs.by_pk:
        raise refuse_access("您不能管理该组织的人员。", actor=acting_user, obj=default_org)
    matcher = _Matcher(_department_people(acting_user))
    checked: list[PersonRow] = []
    seen: dict[int, int] = {}
    seen_ids: dict[str, int] = {}
    for offset, values in enumerate(rows[at + 1 :]):
        if all(_text(v) == "" for v in values):
            continue
        row = PersonRow(number=at + 2 + offset)
        _read_person(values, columns, row, orgs, default_org)
        id_number = row.fields["id_number"]
        if id_number and id_number in seen_ids:
            row.errors.append(f"身份证号与第{seen_ids[id_number]}行重复")
        elif id_number:
            seen_ids[id_number] = row.number
        if row.name:
            row.person, problem = matcher.match(row.name, row.fields["birth_date"], id_number)
            if problem:
                row.errors.append(problem)
        if row.person is not None:
            if row.person.pk in seen:
                row.errors.append(f"与第{seen[row.person.pk]}行是同一人")
            seen[row.person.pk] = row.number
            if not actions.can_manage_people(acting_user, row.person.org):
                row.errors.append(f"此人已在“{row.person.org.name}”登记，您不能调整，请联系机关党委")
            row.changes = _changes(row.person, row.fields)
        checked.append(row)
    if not checked:
        raise RosterRefused("表头下没有数据行。")
    return PeoplePreview(checked, [PEOPLE_LABELS[n] for n in PEOPLE_HEADERS if n in columns])


def may_import_people(user: Any) -> bool:
    from luoshi.accounts.choices import Role

    return getattr(user, "role", None) in (Role.PLAN_OFFICE, Role.ORG_STAFF) and user.org is not None


def _membership(acting_user: Any, person: Person, old_org_id: int | None, today: dt.date) -> None:
    """Keeps the roster of meetings true: a member moved to another organisation leaves
    the old one's roster yesterday and joins the new one's today; a member without a
    党员 post in their organisation gets one."""
    if person.party_status == PartyStatus.NONE:
        return
    if old_org_id is not None and old_org_id != person.org_id:
        for post in Post.objects.filter(
            person=person, org_id=old_org_id, kind=PostKind.MEMBER, ended_on__isnull=True
        ).select_related("org"):
            actions.end_post(acting_user=acting_user, post=post, ended_on=today - dt.timedelta(days=1))
        started: dt.date | None = today
    else:
        started = None
    if not Post.objects.filter(
        person=person, org=person.org, kind=PostKind.MEMBER, ended_on__isnull=True
    ).exists():
        actions.add_post(
            acting_user=acting_user, person=person, org=person.org, kind=PostKind.MEMBER, started_on=started
        )


def import_people(
    *, acting_user: Any, content: bytes, default_org: Organization | None = None, filename: str = ""
) -> PeoplePreview:
    """Checks the roster again and saves every row, or — if any row is wrong — nothing
    (ActionRefused naming the rows). New members join their organisation's roster."""
    preview = preview_people(acting_user=acting_user, content=content, default_org=default_org)
    if preview.errors:
        raise preview.refusal("人员")
    today = timezone.localdate()
    with transaction.atomic():
        for row in preview.rows:
            person, old_org = row.person, row.person.org_id if row.person else None
            if person is None:
                person = actions.save_person(acting_user=acting_user, person=None, **row.fields)
            elif row.changes:
                fields = {k: v for k, v in row.fields.items() if v not in ("", None)}
                actions.save_person(
                    acting_user=acting_user, person=person, expected_version=person.version, **fields
                )
            _membership(acting_user, person, old_org, today)
        record(
            AuditAction.CREATE,
            actor=acting_user,
            object_type="orgs.person",
            object_repr="导入党员花名册",
            message=(
                f"导入花名册{('：' + filename[:80]) if filename else ''}，新增{preview.count('新增')}人、"
                f"更新{preview.count('更新')}人、无变化{preview.count('无变化')}人"
            ),
        )
    return preview


# --- the organisation tree -----------------------------------------------------------------

ORG_KIND_WORDS = {label: value for value, label in OrgKind.choices} | {
    "机关党委": OrgKind.PARTY_COMMITTEE,
    "支部": OrgKind.BRANCH,
    "总支": OrgKind.GENERAL_BRANCH,
    "党总支部": OrgKind.GENERAL_BRANCH,
    "处室（单位）": OrgKind.DIVISION,
    "内设机构": OrgKind.DIVISION,
    "直属单位": OrgKind.INSTITUTION,
}
NAME_SUFFIX_KINDS = [
    ("党总支", OrgKind.GENERAL_BRANCH),
    ("总支部委员会", OrgKind.GENERAL_BRANCH),
    ("党支部", OrgKind.BRANCH),
    ("支部委员会", OrgKind.BRANCH),
    ("党组", OrgKind.PARTY_GROUP),
    ("纪委", OrgKind.DISCIPLINE_COMMITTEE),
    ("纪检监察组", OrgKind.DISCIPLINE_GROUP),
    ("党委", OrgKind.PARTY_COMMITTEE),
    ("委员会", OrgKind.PARTY_COMMITTEE),
    ("领导小组", OrgKind.LEADING_GROUP),
    ("处", OrgKind.DIVISION),
    ("室", OrgKind.DIVISION),
]


@dataclass
class OrgRow:
    number: int
    name: str
    parent_text: str
    kind: str
    short_name: str
    order: int
    parent: Organization | None = None
    parent_row: OrgRow | None = None
    existing: Organization | None = None
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.errors:
            return "有误"
        if self.existing is None:
            return "新增"
        return "更新" if self.changes else "无变化"

    @property
    def kind_label(self) -> str:
        return OrgKind(self.kind).label if self.kind in OrgKind.values else ""


@dataclass
class OrgPreview(_Preview):
    rows: list[OrgRow]


def _org_kind(text: str, name: str) -> str | None:
    if text:
        return ORG_KIND_WORDS.get(text)
    return next((kind for suffix, kind in NAME_SUFFIX_KINDS if name.endswith(suffix)), None)


def preview_orgs(*, acting_user: Any, content: bytes) -> OrgPreview:
    """Every row of an organisation sheet checked: its parent (in the tree or an earlier
    or later row of the sheet), its kind (written, or read from the name's ending), and
    whether it exists already (same name under the same parent)."""
    actions._require_org_admin(acting_user, None)
    rows = _sheet_rows(content)
    at, columns = _locate_header(rows, ORG_HEADERS, ["name", "parent"], "组织机构")
    existing = list(Organization.objects.assignable_by(acting_user))
    names = OrgNames(existing)
    checked: list[OrgRow] = []
    for offset, values in enumerate(rows[at + 1 :]):
        if all(_text(v) == "" for v in values):
            continue
        name = _text(_cell(values, columns, "name"))
        kind_text = _text(_cell(values, columns, "kind"))
        order_text = _text(_cell(values, columns, "order"))
        row = OrgRow(
            number=at + 2 + offset,
            name=name,
            parent_text=_text(_cell(values, columns, "parent")),
            kind=_org_kind(kind_text, name) or "",
            short_name=_text(_cell(values, columns, "short_name")),
            order=int(order_text) if order_text.isdigit() else 0,
        )
        if not name:
            row.errors.append("组织名称为空")
        elif len(name) > 100:
            row.errors.append("组织名称超过100字")
        if len(row.short_name) > 40:
            row.errors.append("简称超过40字")
        if order_text and not order_text.isdigit():
            row.errors.append(f"排序“{order_text}”应为整数")
        if not row.kind:
            row.errors.append(
                f"组织类型“{kind_text}”无法识别" if kind_text else "请填写组织类型（如党支部、党总支、处室）"
            )
        if not row.parent_text:
            row.errors.append("上级组织为空")
        checked.append(row)
    if not checked:
        raise RosterRefused("表头下没有数据行。")
    in_sheet: dict[str, list[OrgRow]] = {}
    for row in checked:
        in_sheet.setdefault(row.name, []).append(row)
    for row in checked:
        if not row.parent_text:
            continue
        parent_rows = [r for r in in_sheet.get(row.parent_text.split("/")[-1].strip(), []) if r is not row]
        parent, problem = names.find(row.parent_text)
        if parent is None and len(parent_rows) == 1:
            row.parent_row = parent_rows[0]
        elif parent is None:
            row.errors.append(problem.replace("所在组织", "上级组织") if problem else "上级组织无法确定")
        row.parent = parent
        if len(in_sheet[row.name]) > 1 and any(
            r.parent_text == row.parent_text and r is not row for r in in_sheet[row.name]
        ):
            row.errors.append("同一上级组织下名称重复")
    _resolve_existing(checked)
    _refuse_cycles(checked)
    return OrgPreview(checked)


def _resolve_existing(rows: list[OrgRow]) -> None:
    """A row naming an organisation already under the same parent updates it."""
    for row in rows:
        if row.parent is None or row.errors:
            continue
        row.existing = Organization.objects.filter(parent=row.parent, name=row.name).first()
        if row.existing is not None:
            row.changes = [
                label
                for name, label, value in (
                    ("kind", "组织类型", row.kind),
                    ("short_name", "简称", row.short_name),
                    ("order", "排序", row.order),
                )
                if value not in ("", 0) and getattr(row.existing, name) != value
            ]


def _refuse_cycles(rows: list[OrgRow]) -> None:
    for row in rows:
        seen, walk = {id(row)}, row.parent_row
        while walk is not None:
            if id(walk) in seen:
                row.errors.append("上级组织形成循环")
                break
            seen.add(id(walk))
            walk = walk.parent_row
        if walk is None and row.parent_row is not None and _root_row(row).errors and not row.errors:
            row.errors.append(f"上级组织“{row.parent_text}”所在行有误")


def _root_row(row: OrgRow) -> OrgRow:
    seen = set()
    while row.parent_row is not None and id(row) not in seen:
        seen.add(id(row))
        row = row.parent_row
    return row


def import_orgs(*, acting_user: Any, content: bytes, filename: str = "") -> OrgPreview:
    """Saves the whole sheet in one transaction (parents before their children), or
    nothing when a row is wrong."""
    preview = preview_orgs(acting_user=acting_user, content=content)
    if preview.errors:
        raise preview.refusal("组织")
    saved: dict[int, Organization] = {}
    pending = list(preview.rows)
    with transaction.atomic():
        while pending:
            ready = [r for r in pending if r.parent is not None or id(r.parent_row) in saved]
            for row in ready:
                parent = row.parent or saved[id(row.parent_row)]
                existing = row.existing or Organization.objects.filter(parent=parent, name=row.name).first()
                if existing is None:
                    org = actions.create_org(
                        acting_user=acting_user,
                        name=row.name,
                        short_name=row.short_name,
                        kind=row.kind,
                        parent=parent,
                        order=row.order,
                    )
                else:
                    changes = {
                        name: value
                        for name, value in (
                            ("kind", row.kind),
                            ("short_name", row.short_name),
                            ("order", row.order),
                        )
                        if value not in ("", 0) and getattr(existing, name) != value
                    }
                    org = (
                        actions.update_org(
                            acting_user=acting_user,
                            org=existing,
                            expected_version=existing.version,
                            **changes,
                        )
                        if changes
                        else existing
                    )
                saved[id(row)] = org
            pending = [r for r in pending if id(r) not in saved]
            if not ready:  # unreachable after _refuse_cycles; stops rather than loops
                raise ActionRefused("上级组织无法确定，未导入任何组织。")
        record(
            AuditAction.CREATE,
            actor=acting_user,
            object_type="orgs.organization",
            object_repr="导入组织机构",
            message=(
                f"导入组织机构{('：' + filename[:80]) if filename else ''}，新增{preview.count('新增')}个、"
                f"更新{preview.count('更新')}个"
            ),
        )
    return preview


# --- the sealed file between preview and confirmation ----------------------------------------


def seal(content: bytes, user: Any) -> str:
    """The uploaded file, encrypted for the confirmation form of the same user."""
    payload = f"{user.pk}:{int(time.time())}:" + base64.b64encode(content).decode("ascii")
    return get_provider().encrypt(payload)


def unseal(token: str, user: Any) -> bytes:
    try:
        owner, stamp, body = get_provider().decrypt(token).split(":", 2)
        content = base64.b64decode(body)
    except Exception:  # noqa: BLE001 — a tampered or foreign token fails decryption in many ways
        raise ActionRefused("预览已失效，请重新上传文件。") from None
    if owner != str(user.pk) or time.time() - int(stamp) > SEAL_SECONDS:
        raise ActionRefused("预览已失效，请重新上传文件。")
    return content


# --- the roster out ------------------------------------------------------------------------------


def roster_people(user: Any, org: Organization) -> list[Person]:
    """The people of an organisation's subtree, in tree order, within the user's scope."""
    return list(
        Person.objects.visible_to(user)
        .filter(org__path__startswith=org.path)
        .select_related("org")
        .order_by("org__path", "id")
    )


def roster_xlsx(*, acting_user: Any, org: Organization) -> tuple[bytes, str]:
    """The roster of an organisation's subtree as .xlsx in the import's layout (so an
    export edited in WPS imports back). Mobile and ID numbers are in full only for people
    whose numbers the exporter may reveal, masked otherwise; the export is audited, naming
    how many full numbers left the system. Returns (bytes, file name)."""
    from luoshi.tasks.exports import titled_table_xlsx

    people = roster_people(acting_user, org)
    revealed, rows = 0, []
    for n, p in enumerate(people, start=1):
        full = actions.can_reveal(acting_user, p)
        revealed += 1 if full and (p.mobile or p.id_number) else 0
        rows.append(
            [
                n,
                p.name,
                p.get_gender_display() if p.gender else "",
                p.birth_date or "",
                p.ethnic_group,
                p.get_education_display() if p.education else "",
                p.get_party_status_display(),
                p.joined_party_on or "",
                p.org.name,
                p.job_title,
                p.mobile if full else mask_mobile(p.mobile),
                p.id_number if full else mask_id_number(p.id_number),
            ]
        )
    data = titled_table_xlsx(
        f"{org.name}党员花名册", "党员花名册", PEOPLE_COLUMNS, PEOPLE_WIDTHS, rows, timezone.localdate()
    )
    record(
        AuditAction.EXPORT,
        actor=acting_user,
        obj=org,
        object_repr=f"导出党员花名册：{org.name}"[:200],
        message=f"{len(people)}人，其中{revealed}人含完整手机号码和身份证号",
    )
    return data, f"{org.name}党员花名册.xlsx"
