"""Facts inside one sentence: actors, schedules, targets and documents.

Every function takes the folded text (see normalize.fold) and a [start, end) range, and
returns facts with spans into that same index space; callers slice the original text
for the `text` they carry. Rules are about the language of plans, not about any plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from luoshi.planparse.normalize import chinese_number

CN_NUM = r"[一二两三四五六七八九十百]+"
NUM = rf"(?:\d+|{CN_NUM})"

Fact = dict[str, Any]


@dataclass
class Directory:
    """Organisations to match actors against: names and aliases to an organisation id."""

    entries: list[tuple[str, Any]] = field(default_factory=list)  # (alias, org id), longest first
    pattern: re.Pattern[str] | None = None

    @classmethod
    def build(cls, orgs: list[dict[str, Any]] | None) -> Directory:
        pairs: dict[str, Any] = {}
        for org in orgs or []:
            for alias in [org.get("name"), org.get("short_name"), *(org.get("aliases") or [])]:
                if alias and len(alias) >= 2 and alias not in pairs:
                    pairs[alias] = org.get("id")
        entries = sorted(pairs.items(), key=lambda kv: -len(kv[0]))
        pattern = re.compile("|".join(re.escape(a) for a, _ in entries)) if entries else None
        return cls(entries, pattern)

    def match(self, text: str) -> Any:
        """The organisation whose longest name or alias the actor text contains."""
        for alias, org_id in self.entries:
            if alias in text:
                return org_id
        return None


# --- quotes and brackets -----------------------------------------------------------

OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "(": ")", "《": "》", "【": "】", "〔": "〕", "[": "]"}
CLOSERS = {v: k for k, v in OPENERS.items()}


_MASK: dict[tuple[int, int, int], list[bool]] = {}
QUOTE_CHARS = re.compile("[“‘「『”’」』]")
OPEN_QUOTE = re.compile("[“‘「『]")


def quoted_mask(f: str, start: int, end: int) -> list[bool]:
    """For each position in [start, end): is it inside quotes (“…” and the like)? The last
    sentence's mask is kept: targets and actors of one sentence ask for the same one."""
    key = (id(f), start, end)
    cached = _MASK.get(key)
    if cached is not None:
        return cached
    _MASK.clear()
    _MASK[key] = mask = _quoted_mask(f, start, end)
    return mask


def _quoted_mask(f: str, start: int, end: int) -> list[bool]:
    if OPEN_QUOTE.search(f, start, end) is None:
        return [False] * (end - start)
    mask = [False] * (end - start)
    depth = 0
    opened = start
    for m in QUOTE_CHARS.finditer(f, start, end):
        i = m.start()
        if m.group() in "“‘「『":
            if depth == 0:
                opened = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                mask[opened - start : i + 1 - start] = [True] * (i + 1 - opened)
    if depth:
        mask[opened - start :] = [True] * (end - opened)
    return mask


# --- documents ---------------------------------------------------------------------


def find_documents(f: str, start: int, end: int) -> list[Fact]:
    out: list[Fact] = []
    if f.find("《", start, end) < 0:
        return out
    i = start
    while i < end:
        if f[i] != "《":
            i += 1
            continue
        depth, j = 0, i
        while j < end:
            if f[j] == "《":
                depth += 1
            elif f[j] == "》":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j < end and 0 < j - i - 1 <= 120:
            out.append({"span": [i + 1, j]})
            i = j + 1
        else:
            i += 1
    return out


# --- schedules ---------------------------------------------------------------------

FREQ = {
    "周": "weekly",
    "星期": "weekly",
    "月": "monthly",
    "季度": "quarterly",
    "季": "quarterly",
    "半年": "semiannual",
    "年": "annual",
    "年度": "annual",
}
RECURRING = re.compile(
    r"(?=[每按])(?:每个?|按)(?P<freq>半年|年度|季度|星期|周|月|季|年)(?!来|以来|前|底|末|中)"
    r"(?:(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})[日号])?"
    r"(?P<tail>[^,，。；;:：!！?？\n]{0,10}?(?P<count>\d+|[一二两三四五六七八九十]{1,2})次)?"
)
ONE_PER = re.compile(r"一(?P<freq>周|月|季度|季|年)(?P<count>[一两二三四五六七八九十\d]{1,2})次")
# school terms: 每学期 (twice a year), 每学年 (once)
TERM = re.compile(
    r"每(?P<what>学期|学年)(?P<tail>[^,，。；;:：!！?？\n]{0,10}?(?P<count>\d+|[一二两三四五六七八九十]{1,2})次)?"
)
YEAR_START = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})\s*年\s*|(?<![\d上下每近前后半])(?:年|学年))初(?:开始|起)?"
)
ONCE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\d上下每近前后半])年中"), "mid-year"),
    (
        re.compile(r"(?<![\d一二三四五六七八九十两几数多])(?:年底前|年底|年末|年终|年内|学年终|学年末|期末)"),
        "year-end",
    ),
    (re.compile(r"期中"), "mid-year"),
    (re.compile(r"上半年"), "first-half"),
    (re.compile(r"下半年"), "second-half"),
    (re.compile(r"(?<![上下每近前后多一两三四五六七八九十\d])半年(?!来|以来|以上|内)"), "mid-year"),
]
MONTH_DATE = re.compile(
    r"(?=[\d一二三四五六七八九十])(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?<![\d个每])(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
    r"(?:\s*(?P<day>[12]\d|3[01]|0?[1-9])\s*(?:[日号]|(?=[—–\-~～至]\s*\d{1,2}\s*[日号])))?"
    r"(?:\s*[—–\-~～至]\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号])?(?P<suffix>份|底前|底|前|中旬|上旬|下旬|末)?"
)
QUARTER = re.compile(r"(?<![每各本])第?(?P<q>[一二三四1-4])季度(?:末|底|前|内|中)?")
QUARTER_LIST = re.compile(r"(?<![每各本])第(?P<q1>[一二三四1-4])[、和及至](?:第)?(?P<q2>[一二三四1-4])季度")
FESTIVALS = {"七一": "07-01", "五四": "05-04", "八一": "08-01", "国庆": "10-01", "元旦": "01-01"}
FESTIVAL = re.compile(
    r"[“\"]?(七一|五四|八一)[”\"]?(?:期间|前后|前夕|前)|国庆(?:期间|前后|前)|元旦(?:期间|前后|前)"
)
EVENT = re.compile(
    r"(?=[随遇一凡发根人职机岗如出印公下后])(?:随着|遇有|一旦|凡有|发生)[^,，。；;]{0,20}?(?:变动|调整|变化|换届|调离|任免)"
    r"|根据[^,，。；;]{0,8}?(?:人事|人员|职务|领导|干部|分工|班子)[^,，。；;]{0,12}?(?:变动|调整|变化|换届|调离|任免)[^,，。；;]{0,4}?(?:情况)?"
    r"|(?:人事|人员|职务|机构|岗位)(?:变动|调整)(?:后|时)"
    # triggers: 如遇…, 如…的, …结束后, 出现…时, 印发之日起N日内, …后N个工作日内
    r"|如遇(?!法定|节假日|假日|周末|双休日|节日)[^,，。；;]{1,20}"
    r"|(?<![例比假])如(?:有|其|原|果)?[^,，。；;:：“”]{2,24}?(?:的|时)(?=[,，])"
    r"|出现[^,，。；;]{2,30}?(?:情况|问题)时"
    r"|(?:印发|发布|公布|下发)之日起\s*\d+\s*(?:个工作日|日|天)内"
    r"|后\s*\d+\s*个工作日内"
)
AFTER_EVENT = re.compile(r"(?:结束|完成|公布|印发)后(?![\u4e00-\u9fa5]{0,2}[年月])")
PERIODIC = re.compile(r"(?<!不)定期(?!存款|存单|储蓄)[^,，。；;、]{0,6}")


def find_schedules(f: str, start: int, end: int, year: int | None) -> list[Fact]:
    text = f[start:end]
    out: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, fact: Fact) -> None:
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        out.append({"span": [start + s, start + e], **fact})

    for m in RECURRING.finditer(text):
        count = chinese_number(m.group("count")) if m.group("count") else None
        fact: Fact = {"kind": "recurring", "freq": FREQ[m.group("freq")], "when": None, "count": count}
        if m.group("day"):
            fact["day"] = chinese_number(m.group("day"))
        e = (
            m.end()
            if m.group("count")
            else m.end("freq") + (len(m.group("day") or "") + 1 if m.group("day") else 0)
        )
        add(m.start(), e, fact)
    for m in ONE_PER.finditer(text):
        count = chinese_number(m.group("count"))
        add(
            m.start(),
            m.end(),
            {"kind": "recurring", "freq": FREQ[m.group("freq")], "when": None, "count": count},
        )
    for m in TERM.finditer(text):
        count = chinese_number(m.group("count")) if m.group("count") else None
        freq = "semiannual" if m.group("what") == "学期" else "annual"
        add(m.start(), m.end(), {"kind": "recurring", "freq": freq, "when": None, "count": count})
    for m in YEAR_START.finditer(text) if "初" in text else ():
        y = int(m.group("year")) if m.group("year") else year
        add(
            m.start(),
            m.end(),
            {"kind": "once", "freq": None, "when": f"{y}-01" if y else None, "count": None},
        )
    for m in (
        FESTIVAL.finditer(text) if any(w in text for w in ("七一", "五四", "八一", "国庆", "元旦")) else ()
    ):
        name = m.group(1) or next(k for k in FESTIVALS if m.group(0).startswith(k))
        when = f"{year}-{FESTIVALS[name]}" if year else None
        add(m.start(), m.end(), {"kind": "once", "freq": None, "when": when, "count": None})
    for m in MONTH_DATE.finditer(text):
        if not (m.group("suffix") or m.group("day") or m.group("year")):
            continue  # "5月" alone is often a name ("五月花"); plans write 5月份, 5月底, 5月25日
        month = chinese_number(m.group("month"))
        if month is None or not 1 <= month <= 12:
            continue
        y = int(m.group("year")) if m.group("year") else year
        day = int(m.group("day")) if m.group("day") else None
        if y is None:
            when = None
        elif day:
            when = f"{y}-{month:02d}-{day:02d}"
        else:
            when = f"{y}-{month:02d}"
        add(m.start(), m.end(), {"kind": "once", "freq": None, "when": when, "count": None})
    for m in QUARTER_LIST.finditer(text) if "季度" in text else ():
        # "第一、二季度": both quarters, each its own deadline
        for group in ("q1", "q2"):
            quarter = chinese_number(m.group(group))
            when = f"{year}-{3 * quarter:02d}" if year and quarter else None
            add(
                m.start(group) - (1 if group == "q1" else 0),
                m.end(group) + (0 if group == "q1" else 2),
                {"kind": "once", "freq": None, "when": when, "count": None},
            )
    for m in QUARTER.finditer(text) if "季度" in text else ():
        quarter = chinese_number(m.group("q"))
        if quarter and 1 <= quarter <= 4:
            when = f"{year}-{3 * quarter:02d}" if year else None
            add(m.start(), m.end(), {"kind": "once", "freq": None, "when": when, "count": None})
    for pattern, when_name in ONCE_PATTERNS if ("年" in text or "期" in text) else ():
        for m in pattern.finditer(text):
            add(m.start(), m.end(), {"kind": "once", "freq": None, "when": when_name, "count": None})
    for m in AFTER_EVENT.finditer(text):
        # "体检结束后": the event is the few words before 结束后, back to a clause break
        s = m.start()
        while s > 0 and m.start() - s < 6 and "\u4e00" <= text[s - 1] <= "\u9fa5":
            s -= 1
        if m.start() - s >= 2:
            add(
                s,
                m.end(),
                {"kind": "event", "freq": None, "when": None, "count": None, "needs_decision": True},
            )
    for m in EVENT.finditer(text):
        add(
            m.start(),
            m.end(),
            {"kind": "event", "freq": None, "when": None, "count": None, "needs_decision": True},
        )
    for m in PERIODIC.finditer(text):
        add(
            m.start(),
            m.end(),
            {"kind": "periodic", "freq": None, "when": None, "count": None, "needs_decision": True},
        )
    out.sort(key=lambda x: x["span"][0])
    return _annual_with_a_date(out, text, start)


def _annual_with_a_date(schedules: list[Fact], text: str, start: int) -> list[Fact]:
    """ "每年11月底前完成": in an annual plan that is one deadline, not a yearly rule plus a date."""
    dated = {s["span"][0] for s in schedules if s["kind"] == "once" and s["when"] and s["when"][:1].isdigit()}
    out = []
    for s in schedules:
        if s["kind"] == "recurring" and s["freq"] == "annual" and not s.get("count"):
            end = s["span"][1] - start
            while end < len(text) and text[end] == " ":
                end += 1
            if start + end in dated:
                continue
        out.append(s)
    return out


# --- targets -----------------------------------------------------------------------

TARGET = re.compile(
    rf"(?P<num>(?:\d+(?:\.\d+)?|{CN_NUM})(?P<wan>万)?(?P<yu>余)?)\s*(?P<unit>家|个|件|项|篇|名|人|场|期|所|条|份|支|次|字)"
)
NOT_BEFORE = set("第近前后每这那此该等约逾超届年约”")
NOT_AFTER = (
    "全会",
    "会议",
    "党代会",
    "届",
    "周年",
    "年",
    "岁",
    "月",
    "日",
    "小时",
    "分钟",
    "字",
    "倍",
    "%",
    "以下",
    "以内",
    "方面",
    "中心",
    "全面",
    "维护",
    "确立",
    "自信",
    "意识",
)
TARGET_NOUN_STOP = set(",，。；;:：、)）”和与及的开进")


def find_targets(f: str, start: int, end: int, schedules: list[Fact]) -> list[Fact]:
    text = f[start:end]
    mask = quoted_mask(f, start, end)
    counted = [(s["span"][0] - start, s["span"][1] - start) for s in schedules if s.get("count")]
    out: list[Fact] = []
    for m in TARGET.finditer(text):
        s, e = m.span()
        if mask[s] or any(cs <= s < ce for cs, ce in counted):
            continue
        before = text[s - 1] if s else ""
        if before in NOT_BEFORE or (before.isdigit()) or before == ".":
            continue
        after = text[e : e + 3]
        if after.startswith(NOT_AFTER) or text[e : e + 1] in ("大",):
            continue
        num_text = m.group("num")
        digits = num_text.removesuffix("余").removesuffix("万")
        if "." in digits:
            value = float(digits) * (10000 if m.group("wan") else 1)
            count = int(value) if value == int(value) else None
        else:
            count = chinese_number(digits)
            if count is not None and m.group("wan"):
                count *= 10000
        if count is None or count == 0:
            continue
        unit = m.group("unit")
        if unit == "个" and text.startswith("代表", e):
            continue  # "三个代表"
        if unit in ("支", "个") and "队伍" in text[e : e + 16].split("，")[0].split(",")[0]:
            continue  # "一支…队伍", "四支队伍": set phrases, not counts
        if unit == "字" and not _counting_verb(text, s):
            continue  # "十六字方针"; "不少于1000字" is a count
        if unit == "个" and not digits.isdigit() and count <= 10 and not _counting_verb(text, s):
            continue  # "两个确立", "三个清单": names, unless the sentence counts something
        if m.group("unit") == "次" and not _counting_verb(text, s):
            continue
        # the counted noun: up to 6 characters after the unit (none after 字: the unit is whole)
        noun_end = e
        qualifier = text.startswith(("以上", "左右"), noun_end)
        if qualifier:
            noun_end += 2  # "100人以上": the span keeps the qualifier, the unit does not
        while (
            unit != "字"
            and noun_end < len(text)
            and noun_end - e < 6
            and text[noun_end] not in TARGET_NOUN_STOP
        ):
            noun_end += 1
        out.append(
            {
                "count": count,
                "unit": (
                    text[s + len(num_text) : e] if qualifier else text[s + len(num_text) : noun_end]
                ).strip()
                or unit,
                "span": [start + s, start + noun_end],
            }
        )
    return out


COUNTING_VERBS = (
    "打卡",
    "开展",
    "完成",
    "召开",
    "举办",
    "组织",
    "报送",
    "提交",
    "至少",
    "不少于",
    "确定",
    "评选",
    "参加",
    "培训",
    "建成",
    "创建",
    "达到",
    "新增",
    "选树",
    "推出",
    "讲授",
    "讲",
    "上",
)


def _counting_verb(text: str, s: int) -> bool:
    window = text[max(0, s - 6) : s]
    return any(window.endswith(v) or v in window for v in COUNTING_VERBS)


# --- actors ------------------------------------------------------------------------

FANOUT = re.compile(
    r"(?=[厅系机各每所直全])(?:厅系统|系统|机关)?(?:各级|各|每个|每一个|所属|直属|全体)(?P<what>基层党组织|党组织|党支部|支部|党总支|党委|党组"
    r"|处室[(（]单位[)）]|处室|科室|单位|部门|街道|专班|基层党组织书记|团支部|工会小组)(?:书记)?"
)
FANOUT_SCOPE = {
    "基层党组织": "basic_level",
    "基层党组织书记": "basic_level",
    "党组织": "party_orgs",
    "党支部": "branch",
    "支部": "branch",
    "党总支": "general_branch",
    "党委": "party_committee",
    "党组": "party_group",
    "处室": "division",
    "科室": "division",
    "单位": "division",
    "部门": "division",
    "街道": "street",
    "专班": "task_force",
}
DIVISIONS_WITH_UNITS = re.compile(r"处室[(（]单位[)）]")
ORG_SUFFIX = (
    r"(?:党组[(（]党委[)）]理论学习中心组|理论学习中心组|党工委|党组织|党组|党委|党总支|党支部|纪工委|纪委|纪检监察组|"
    r"纪检组|领导小组|工作小组|学习小组|工作专班|专班|委员会|办公室|开发区|新区|街道办事处|教育中心|政治教育中心|"
    r"团委|团支部|团工委|工会|妇委会|妇联|组织部|宣传部|统战部|政法委|机关工委|编办|党中央|国务院|"
    r"人民政府(?!性)|政府(?!性|采购|投资|工作|信息|职能|部门|网站|购买|补贴|债务|引导|储备|主导|和社会)|部门(?!规章|预算|职责|间|之间)|"
    r"总局|总署|(?<!部)署(?!名)|共青团|民主党派|学生社团|家长学校|中央(?=[、,，和及]|有关)|[监证保]监会|学生会|教代会|协会|商会|联合会|理事会|人民银行|银行(?!业|卡|账)|"
    r"(?<!干|全|内|外|局|本|头|底|顶|中|西|东|南|北|乐|细|总|支|卖)部(?!分|署|门|长|队|位|件|落|委|属|务)|"
    r"(?<!委)委(?!员|托|屈|派|以|婉)|"
    r"(?<!举|承|主|协|创|督|交|兴|开|查|包|代|操|筹|试|合|么|难|好|快|速|即|会|申|民)办(?!理|公|法|事|学|好|成|实|结|案|件|班|得|妥|证|照|不)|"
    r"(?:小|专家|监督|工作|督导|巡察|巡视|考察|考核|评审|评估|检查|采购|联络|协调|指导|宣讲)组(?!织|成|建|合|长|员|团|件|别|装|委)|"
    r"(?:管理|研究|事务|派出|检测|服务|设计)所|(?:学|法|检察|研究|设计|国务)院(?!校|士|长|内)|"
    r"中心(?!任务|工作|环节|城市|位置|地位|组)|局(?!面|势|限|部|长)|厅(?!堂|长)|(?<!实|到|各|好|难|长|短|益|深|远|住|相|四|别|此|彼|何|去|出|之|用|高|低|近|格|生)处(?!理|置|分|罚|于|在|长|级|事|处|世|方|境|室)|"
    r"科室|处室|公司|集团|(?<=[育生政计划设安融通])系统|(?<=派出|选派|各自|牵头|相关|有关|成员|实施)单位)"
)
# Every alternative above starts with one of these characters (test_facts checks it): the
# lookahead lets the scan skip all other positions at once, which keeps parsing fast.
ORG_SUFFIX_FIRST = "专中事人保党公共办协单厅商团国处妇委学宣家小局巡工开总指政教新服机检民法派理监督研科管系纪组统编署考联街设证评部采银集领"
ORG_SUFFIX_RE = re.compile(f"(?=[{ORG_SUFFIX_FIRST}])" + ORG_SUFFIX)
NAME_CHAR = re.compile(r"[\u4e00-\u9fa5()（）]")
ROLE = re.compile(
    r"(?=[党支基书副领班纪组宣主分])(?:(?:党组|党委|党总支|党支部|支部|基层党组织)?(?:书记|副书记))|领导班子成员|领导班子|班子成员|党员领导干部|纪检委员|组织委员|宣传委员"
    r"|主要负责同志|主要负责人|分管领导|支部委员|党务工作者"
)
# Words that end a run before an organisation's name: verbs and particles that plans put
# in front of the body they address ("听取林草局党组", "发挥机关纪委作用", "督导机关党组织").
LEFT_BOUNDARIES = (
    "明确",
    "充实",
    "提升",
    "提高",
    "体现",
    "利用",
    "拓展",
    "办好",
    "展现",
    "保持",
    "重视",
    "改善",
    "从事",
    "其中",
    "根据",
    "报",
    "享受",
    "如",
    "按照",
    "依据",
    "依照",
    "遵照",
    "授权",
    "允许",
    "下放至",
    "下放到",
    "报送",
    "上报",
    "动员",
    "组织",
    "协调",
    "增强",
    "承担",
    "担任",
    "设在",
    "作为",
    "选派",
    "推荐",
    "赋予",
    "委托",
    "决策",
    "部署",
    "精神",
    "关于",
    "以及",
    "或者",
    "参加",
    "参与",
    "接受",
    "听取",
    "发挥",
    "依托",
    "建强",
    "督导",
    "指导",
    "推动",
    "加强",
    "开展",
    "落实",
    "贯彻",
    "执行",
    "联合",
    "充分",
    "进行",
    "确保",
    "支持",
    "配合",
    "协助",
    "报告",
    "汇报",
    "列为",
    "成立",
    "组建",
    "设立",
    "健全",
    "完善",
    "建立",
    "安排",
    "专题",
    "要求",
    "召开",
    "通过",
    "经过",
    "报经",
    "提请",
    "会同",
    "牵头",
    "负责",
    "所在",
    "做好",
    "制定",
    "的",
    "和",
    "与",
    "及",
    "或",
    "对",
    "向",
    "把",
    "由",
    "在",
    "从",
    "为",
    "将",
    "让",
    "使",
    "给",
    "同",
    "是",
    "要",
    "以",
    "经",
    "按",
    "请",
    "等",
    "、",
    "至",
    "于",
    "被",
    "并",
    "且",
    "激励",
    "围绕",
    "引导",
    "鼓励",
    "督促",
    "帮助",
    "推进",
    "深化",
    "服务",
    "结合",
    "突出",
    "完成",
    "前",
    "抓好",
    "抓实",
    "做实",
    "建好",
)
UNIT_CHARS = "次个名家项件篇人场期所条份支批"
NOT_ORG_ENDINGS = (
    "数字政府",
    "法治政府",
    "服务型政府",
    "廉洁政府",
    "电子政府",
    "大局",
    "格局",
    "全局",
    "布局",
    "结局",
    "开局",
    "当局",
    "时局",
    "残局",
    "中心任务",
    "中心工作",
    "服务中心",
)


BARE_SUFFIXES = {
    "中心", "局", "厅", "部", "委", "办", "组", "会", "院", "所", "处", "科", "部门", "政府", "银行", "学校",
    "公司", "集团", "科室", "处室", "协会", "中学", "小学", "署", "总局", "新区", "单位", "系统",
}  # fmt: skip


# Words that hold a boundary word without being one: 经济开发区, 自由贸易, 联合采购办公室.
PROTECTED = ("经济", "经贸", "经信", "经营", "自由", "联合", "对外", "外经", "为民", "在线", "由于", "以色列")
ORG_END = re.compile(ORG_SUFFIX + "$")


BOUNDARY_AT = re.compile("[" + "".join(sorted({w[0] for w in LEFT_BOUNDARIES})) + "]")
BOUNDARIES_FROM: dict[str, list[str]] = {}
for _w in LEFT_BOUNDARIES:
    BOUNDARIES_FROM.setdefault(_w[0], []).append(_w)


def _boundary_ok(name: str, i: int, word: str) -> bool:
    """Is `word` at name[i] a boundary? Not when it is part of a compound (经济, 自由), not a
    verb that names a body (组织部, 督导组, 协调办), and 和/及/与 only between two names:
    "省经济和信息化厅" is one name, "市委和市政府" two."""
    j = i + len(word)
    if j >= len(name):
        return False  # the name ends with the organisation word, whatever else it spells
    around = name[max(0, i - 1) : j + 2]
    if any(p in around and _covers(name, p, i) for p in PROTECTED):
        return False
    if name[j:] in BARE_SUFFIXES or name[j:] in UNIT_WORDS or name[j:] in ("单位", "部门"):
        return False  # "各牵头单位": what would remain names no one
    if len(word) > 1 and j < len(name) and name[j] in "部办组" and name[j : j + 2] != "部门":
        return False
    if word in ("和", "及", "与"):
        return bool(ORG_END.search(name[:i])) or i > 8
    return True


UNIT_WORDS = {
    "责任单位",
    "牵头单位",
    "配合单位",
    "成员单位",
    "用人单位",
    "本单位",
    "协办单位",
    "主办单位",
    "承办单位",
}


def _covers(name: str, word: str, i: int) -> bool:
    """Does an occurrence of `word` in `name` start at i - 1 or i and reach past i?"""
    return any(name.startswith(word, k) and k + len(word) > i for k in (i - 1, i) if k >= 0)


def _trim_left(name: str) -> str:
    best = 0
    for m in BOUNDARY_AT.finditer(name):
        i = m.start()
        for word in BOUNDARIES_FROM.get(name[i], ()):
            if name.startswith(word, i) and i + len(word) > best and _boundary_ok(name, i, word):
                best = i + len(word)
    return name[best:]


def _org_phrases(text: str) -> list[tuple[int, int]]:
    """Names ending in an organisation word ("林草局党组", "驻厅纪检监察组"): adjacent
    organisation words join into one name, and the name runs left over Chinese characters
    until a verb or particle that plans put before the body they address."""
    suffixes = [m.span() for m in ORG_SUFFIX_RE.finditer(text)]
    runs: list[list[int]] = []
    for s, e in suffixes:
        if runs and s <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], e)
        else:
            runs.append([s, e])
    out = []
    for s, e in runs:
        left = s
        while left > 0 and s - left < 24 and NAME_CHAR.match(text[left - 1]):
            left -= 1
        if left > 0 and text[left - 1].isdigit() and text[left] in UNIT_CHARS:
            left += 1  # "召开1次理论学习中心组": the unit belongs to the number
        name = _trim_left(text[left:e])
        start = e - len(name)
        phrase = text[start:e]
        if len(phrase) < 2 or phrase.endswith(NOT_ORG_ENDINGS) or phrase[0] in "()（）":
            continue
        if phrase in BARE_SUFFIXES or phrase in UNIT_WORDS:
            continue  # "以人民为中心", "一个部门": a bare organisation word names no one
        if len(phrase) == 2 and phrase[0] in "分总本全各该此每某新老大小主副":
            continue
        out.append((start, e))
    return out


# Names that hold a list or brackets of their own: 各省、自治区、直辖市人民政府, 各县（市、区）,
# 各有关地区和部门, 其他有关部门和单位.
LISTED_NAMES = re.compile(
    r"(?=[地各其有相省市县])(?:地方)?各(?:省|省级)?[、,]?自治区[、,]?直辖市(?:人民政府|党委|政府)?(?:[和及]新疆生产建设兵团)?"
    r"|(?<!本)(?:各有关|各|有关)?(?:省|市|县)[(（](?:区、市|市、区|区、县|县、区|市|区|县)[)）](?:人民政府|政府|党委|委(?:组织部|宣传部|统战部)?)?"
    r"|(?:各有关|其他有关|各相关|其他相关|有关|各)(?:地区|部门|单位)(?:和|及|、)(?:部门|单位)"
    r"|(?:各有关|其他有关|各相关|有关|相关)(?:部门|单位)"
    r"|各地各(?:有关|相关)?部门"
)
LISTED_HINTS = ("部门", "单位", "直辖市", "(", "（")
POST_AFTER = re.compile(
    r"(?:正|副)?(?:局长|主任|校长|院长|处长|科长|部长|组长|指挥长|规划师|教师|医生|成员|人选|干部|领导职务)|正、副"
    r"|[\u4e00-\u9fa5]{1,4}?(?:规划师|组长|人选)(?=[(（,，、\s]|$)"
)


def find_actors(f: str, start: int, end: int, directory: Directory) -> list[Fact]:
    """Organisations and roles in [start, end); names inside quotes (“五星级党支部”) are
    titles and honours, not actors."""
    text = f[start:end]
    quoted = quoted_mask(f, start, end)
    found: list[tuple[int, int, Fact]] = []

    def add(s: int, e: int, extra: Fact | None = None) -> None:
        if e - s < 2 or quoted[s]:
            return
        for i, (fs, fe, _) in enumerate(found):
            if s >= fs and e <= fe:
                return  # inside one we already have
            if fs >= s and fe <= e:
                found[i] = (s, e, extra or {})
                return
            if s < fe and fs < e:
                return
        found.append((s, e, extra or {}))

    for m in FANOUT.finditer(text):
        what = m.group("what")
        scope = (
            "division"
            if DIVISIONS_WITH_UNITS.fullmatch(what)
            else FANOUT_SCOPE.get(re.sub(r"[(（].*", "", what))
        )
        add(m.start(), m.end(), {"fanout": scope})
    for m in DIVISIONS_WITH_UNITS.finditer(text):
        add(m.start(), m.end(), {"fanout": "division"})
    if directory.pattern is not None:
        for m in directory.pattern.finditer(text):
            add(m.start(), m.end())
    for m in LISTED_NAMES.finditer(text) if any(w in text for w in LISTED_HINTS) else ():
        add(m.start(), m.end())
    for s, e in _org_phrases(text):
        if POST_AFTER.match(text, e):
            continue  # "阿瓦提县财政局副局长": a post in a body, not the body acting
        add(s, e)
    for m in ROLE.finditer(text):
        s, e = m.span()
        add(s, e, {"post": True})
    out: list[Fact] = []
    for s, e, extra in sorted(found, key=lambda x: x[0]):
        out.append({"span": [start + s, start + e], "org": directory.match(text[s:e]), **extra})
    assign_roles(f, start, end, out)
    return out


# --- roles from the sentence ------------------------------------------------------------

LIST_JOINS = re.compile(r"(?:、|,|，|和|及|与|以及|或)$")
GROUP_TAIL = re.compile(r"等(?:有关|相关|其他)?(?:单位|部门|地区|机构|部门和单位|单位和部门)?")
ADDRESSED_BEFORE = re.compile(r"(?:向|报送|上报|报请|报经|报告|呈报|报|听取|请示)$")
NULL_BEFORE = re.compile(r"(?:根据|按照|依据|依照|遵照|贯彻落实|贯彻|落实|执行|在|经|为)$")
COOP_BEFORE = re.compile(r"(?:会同|配合|协助|联合|协同)$")
OBJECT_BEFORE = re.compile(
    r"(?:支持|鼓励|引导|推动|帮助|对|把|将|使|让|激励|加强对|听取|发挥|允许|授权|承担|担任)$"
)
# "督促试点地区执行…", "指导各地医保部门做好…": the body told to act is responsible
PIVOT_BEFORE = re.compile(r"(?:指导|督促|要求|组织|动员|责成)$")
CLAUSE_START = re.compile(r"(?:^|[。,，;；:：!?！？\n)）])$")
LEAD_AFTER = re.compile(r"^(?:牵头|会同|领导|统筹领导)")
COOP_AFTER = re.compile(r"^(?:配合|参与|协助|协同|参加|选派人员参加)")
ADDRESSED_AFTER = re.compile(r"^(?:[^,，。;；]{0,12}?(?:汇报|述职|报告工作))")
RESPONSIBLE_AFTER = re.compile(
    r"^(?:要|应|须|必须|应当|负责|承担|切实|主动|积极|统筹|可以|可|依法|依职责|按职责|按照|根据|作为|为[^,，。;；]{0,12}责任单位"
    r"|不得|不再|对|将|在|于|每|定期|及时|认真|全面|进一步|加强|做好|抓好|组织|动员|制定|出台|建立|开展|落实|推进|下设|汇总|推举"
    r"|审批|核发|履行|督促|指导|牵头|领导|也要|还要|都要|共同|分别|具体)"
)


def assign_roles(f: str, start: int, end: int, actors: list[Fact]) -> None:
    """The role of each actor without one, from the words around it: 向 X 报告 addressed,
    根据 X 部署 none, X 牵头 / 会同 lead, 会同 X / X 配合 cooperating, X 要 / X 负责 / 由 X
    responsible. Units listed together (A、B和C) share the role."""
    groups: list[list[Fact]] = []
    prev_end = -1
    for x in actors:
        s = x["span"][0]
        between = f[prev_end:s] if prev_end >= 0 else None
        if (
            groups
            and between is not None
            and (between == "" or LIST_JOINS.fullmatch(GROUP_TAIL.sub("", between) or "、"))
        ):
            groups[-1].append(x)
        else:
            groups.append([x])
        prev_end = x["span"][1]
    for group in groups:
        if all("role" in x for x in group):
            continue
        a, b = group[0]["span"][0], group[-1]["span"][1]
        before = f[max(start, a - 6) : a]
        tail = GROUP_TAIL.match(f, b, end)
        after = f[tail.end() if tail else b : min(end, b + 24)]
        after = re.sub(r"^(?:单位|部门)?(?:及|和)?[^,，。;；]{0,0}", "", after)
        role: str | None
        if ADDRESSED_BEFORE.search(before) or (before.endswith("向") or "向" in before[-2:]):
            role = "addressed"
        elif COOP_BEFORE.search(before) or COOP_AFTER.match(after):
            role = "cooperating"
        elif re.search(r"由$", before):
            role = "lead" if LEAD_AFTER.match(after) else "responsible"
        elif PIVOT_BEFORE.search(before):
            role = "responsible"
        elif NULL_BEFORE.search(before):
            role = None
        elif OBJECT_BEFORE.search(before):
            role = None
        elif LEAD_AFTER.match(after):
            role = "lead"
        elif COOP_AFTER.match(after):
            role = "cooperating"
        elif ADDRESSED_AFTER.match(after) and False:
            role = "addressed"
        elif RESPONSIBLE_AFTER.match(after):
            role = "responsible"
        elif CLAUSE_START.search(f[max(start, a - 1) : a]) and not after.startswith("的"):
            role = "responsible"  # the subject that opens a clause does the work
        else:
            role = None
        for x in group:
            x.setdefault("role", role)


# --- responsibility notes and attribute lines ----------------------------------------

# The label vocabulary is a table: a role word and a kind of body ("牵头" × "单位" →
# 牵头单位, "配合" × "处室" → 配合处室, "牵头考核单位"), not a list of exact strings.
ROLE_WORDS = {
    "牵头": "lead",
    "主责": "lead",
    "主办": "lead",
    "指导": "lead",
    "分管": "lead",
    "责任": "responsible",
    "负责": "responsible",
    "承办": "responsible",
    "实施": "responsible",
    "落实": "responsible",
    "主体": "responsible",
    "配合": "cooperating",
    "协办": "cooperating",
    "协同": "cooperating",
    "参与": "cooperating",
    "参加": "cooperating",
    "协助": "cooperating",
}
BODY_WORDS = r"(?:考核)?(?:单位|部门|处室|科室|司局|机构|领导|处|科|室)"
ATTRIBUTE = re.compile(
    rf"(?P<label>(?P<word>{'|'.join(ROLE_WORDS)}){BODY_WORDS}|完成时限|完成时间|时间节点|时限要求|完成期限|进度安排"
    r"|适用范围|备注)\s*[:：]\s*"
)
# compatibility: the `attribute` key keeps its old values (lead / responsible / support)
ATTRIBUTE_KEY = {"lead": "lead", "responsible": "responsible", "cooperating": "support"}
UNIT_SEPARATORS = re.compile(r"[,，、;；/\s]+")
# An unlabelled note: units, then the verb that gives their role ("A、B负责", "A牵头，B配合",
# "A指导，B落实", "…，各省级人民政府按职责分工负责").
NOTE_VERB = re.compile(
    r"(?:(?:按|依)职责(?:分工)?|分别|共同|具体)?(?P<verb>牵头负责|牵头|负责落实|负责|配合|参与|协助|协办|指导|落实|督办|实施)$"
)
NOTE_META = re.compile(r"^(?:列第一位(?:者|的)?为牵头单位|下同|排在第一位的为牵头单位|以下.*|分别负责)")
FIRST_IS_LEAD = re.compile(r"列(?:在)?第一位(?:者|的)?为牵头|排(?:在)?第一位的?为牵头|排名第一的为牵头")
VERB_ROLE = {
    "牵头负责": "lead",
    "牵头": "lead",
    "指导": "lead",
    "督办": "lead",
    "负责落实": "responsible",
    "负责": "responsible",
    "落实": "responsible",
    "实施": "responsible",
    "配合": "cooperating",
    "参与": "cooperating",
    "协助": "cooperating",
    "协办": "cooperating",
}
NAME_CUT = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|地区).*$|等$")


def _actor(start: int, s: int, e: int, role: str | None) -> Fact:
    fact: Fact = {"span": [start + s, start + e], "role": role}
    if role is not None:
        fact["attribute"] = ATTRIBUTE_KEY[role]
    return fact


def _units(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Units of a list ("A、B、C等有关部门") as spans in `text`; catch-all tails are cut."""
    out = []
    pos = a
    for unit in UNIT_SEPARATORS.split(text[a:b]):
        if not unit:
            continue
        s = text.index(unit, pos)
        pos = s + len(unit)
        name = NAME_CUT.sub("", unit.strip(";；,，。"))
        if len(name) >= 2:
            out.append((s, s + len(name)))
    return out


def _labelled(text: str, start: int, f: str, year: int | None) -> tuple[list[Fact], list[Fact]]:
    actors: list[Fact] = []
    schedules: list[Fact] = []
    matches = list(ATTRIBUTE.finditer(text))
    for i, m in enumerate(matches):
        value_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        cut = re.search(r"[)）。]", text[m.end() : value_end])
        if cut:
            value_end = m.end() + cut.start()
        label = m.group("label")
        if m.group("word") is None:
            if label.startswith(("完成", "时间", "时限", "进度")):
                schedules += find_schedules(f, start + m.end(), start + value_end, year)
            continue  # 适用范围, 备注: no units
        role = ROLE_WORDS[m.group("word")]
        for s, e in _units(text, m.end(), value_end):
            actors.append(_actor(start, s, e, role))
    return actors, schedules


def note_actors(f: str, start: int, end: int, first_is_lead: bool = False) -> list[Fact] | None:
    """Actors of an unlabelled responsibility note f[start:end] (without its brackets), or
    None when the text is not such a note. Under "列第一位者为牵头单位" the first unit leads."""
    text = f[start:end]
    clauses = [c for c in re.finditer(r"[^,，;；。]+", text)]
    pending: list[tuple[int, int]] = []
    actors: list[Fact] = []
    verbs = 0
    lead_rule = first_is_lead or bool(FIRST_IS_LEAD.search(text))
    for c in clauses:
        clause = c.group().strip()
        if not clause:
            continue
        if NOTE_META.match(clause):
            continue
        m = NOTE_VERB.search(c.group())
        names_end = c.start() + m.start() if m else c.end()
        units = _units(text, c.start(), names_end)
        if any(e - s > 30 or not ORG_LIKE.search(text[s:e]) for s, e in units):
            return None
        pending += units
        if m is None:
            continue
        if not pending:
            return None
        verbs += 1
        role = VERB_ROLE[m.group("verb")]
        for s, e in pending:
            actors.append(_actor(start, s, e, role))
        pending = []
    if not verbs or pending:
        return None
    if lead_rule and actors:
        actors[0]["role"], actors[0]["attribute"] = "lead", "lead"
        for x in actors[1:]:
            if x["role"] == "lead":
                x["role"], x["attribute"] = "responsible", "responsible"
    return actors


# what a unit's name ends with (部, 委, 厅, 局, 办, 室, 处, 科, 组, 政府, 单位, 部门…)
ORG_LIKE = re.compile(
    r"(?:部|委|厅|局|办|室|处|科|组|署|行|会|院|所|校|团|队|社|站|中心|政府|单位|部门|机关|机构|系统|党组|党委|支部|总公司|公司|集团|专班|小组|班子|街道|开发区|新区|县|市|区|省)"
    r"(?:[(（][^()（）]{1,8}[)）])?$"
)


def find_attributes(
    f: str, start: int, end: int, year: int | None, first_is_lead: bool = False
) -> tuple[list[Fact], list[Fact]]:
    """Actors and schedules of responsibility notes inside [start, end): labelled values
    (牵头单位：…/责任处室：…/完成时限：…) and bracketed notes without a label (（A牵头，B配合）)."""
    text = f[start:end]
    if ATTRIBUTE.search(text):
        return _labelled(text, start, f, year)
    actors: list[Fact] = []
    for m in re.finditer(r"\(([^()]{2,200})\)", text):
        found = note_actors(f, start + m.start(1), start + m.end(1), first_is_lead)
        if found:
            actors += found
    return actors, []


def is_attribute_parenthetical(f: str, start: int, end: int, first_is_lead: bool = False) -> bool:
    """Is f[start:end] a bracketed responsibility note, labelled or not?"""
    body = f[start:end].strip()
    if not (body and body[0] in "(（" and body[-1] in ")）"):
        return False
    if ATTRIBUTE.search(body):
        return True
    s = start + f[start:end].index(body[0]) + 1
    return bool(note_actors(f, s, s + len(body) - 2, first_is_lead))


# --- deliverables ------------------------------------------------------------------------

# What a measure must produce: a verb of making, then a thing ending in a kind of document
# or record ("制定学习方案", "签订党风廉政建设责任书", "建立新生心理健康档案"). Cited titles
# stay documents; a title the measure says to draw up is also a deliverable.
DELIVERABLE_KINDS = (
    "责任书|承诺书|申请书|任务书|倡议书|意见书|报告书|实施方案|工作方案|方案|报告|台账|办法|细则|清单|名单|名册|档案|"
    "材料|公告|通告|合同|协议|声明|计划|规划|预案|制度|规定|规则|守则|指南|目录|标准|指标|要点|纪要|简报|总结"
)
MAKE_VERB = re.compile(
    r"(?:研究|抓紧|及时|认真|分别|共同|科学|统一)?"
    r"(?:制定|制订|出台|形成|建立|签订|签署|列出|编制|编写|起草|拟定|拟订|撰写|填写|上报|报送|提交|公布|发布|建好|建起)"
    r"(?:(?:并|和|及|、)?(?:完善|出台|发布|实施|上报|报送|公布|印发))?"
)
DELIVERABLE = re.compile(rf"(?:{DELIVERABLE_KINDS})")
THE_PLAN_ITSELF = re.compile(rf"(?:本|该|此|如下)[^,，。]{{0,4}}(?:{DELIVERABLE_KINDS})$|如下")
DELIVERABLE_STOP = set(",，。;；:：!！?？()（）\n")
DELIVERABLE_JOIN = re.compile(r"(?:和|及|与|以及|、|并)")


def find_deliverables(f: str, start: int, end: int) -> list[Fact]:
    text = f[start:end]
    out: list[Fact] = []
    if not DELIVERABLE.search(text):
        return out
    for v in MAKE_VERB.finditer(text):
        pos = v.end()
        # the clause the verb governs
        clause_end = pos
        depth = 0
        while clause_end < len(text) and clause_end - pos < 40:
            ch = text[clause_end]
            if ch in "《“‘":
                depth += 1
            elif ch in "》”’":
                depth = max(0, depth - 1)
            elif depth == 0 and ch in DELIVERABLE_STOP:
                break
            clause_end += 1
        seg_start = pos
        for k in DELIVERABLE.finditer(text, pos, clause_end):
            if k.start() < seg_start:
                continue
            e = k.end()
            while e < clause_end and text[e] in "》”’":
                e += 1
            nxt = text[e : e + 2]
            if nxt[:1] and "\u4e00" <= nxt[0] <= "\u9fa5" and not DELIVERABLE_JOIN.match(nxt):
                if not nxt.startswith(("等", "的", "如下")) or nxt.startswith("的"):
                    continue  # "方案设计", "制度建设": the kind word is inside a longer noun
            if text[e : e + 2] == "如下":
                break  # "制定本方案如下": the plan itself
            s = seg_start
            if e - s < 2 or THE_PLAN_ITSELF.match(text, s, e):
                seg_start = e
                continue
            out.append({"span": [start + s, start + e], "kind": k.group()})
            j = DELIVERABLE_JOIN.match(text, e)
            seg_start = j.end() if j else e
            if j is None and not text[e : e + 1] == "等":
                break
            if text[e : e + 1] == "等":
                break
    return out
