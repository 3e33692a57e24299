"""Reading plan documents into the text that spans index.

.txt: decoded (UTF-8 with or without BOM, GB18030/GBK, else detected) with universal
newlines, as Python's text mode reads it. .docx: paragraphs and tables in body order; a
task-breakdown table (牵头单位/责任单位/完成时限 columns) becomes heading lines with
attribute lines. .pdf: the text layer, wrapped lines joined, page numbers dropped.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from luoshi.planparse.errors import PlanError

MAX_BYTES = 20 * 1024 * 1024
HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)|[①-⑳])"
)


def read_document(path: str | Path) -> str:
    """The text of a plan document, or PlanError with one Chinese line."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise PlanError(f"无法读取文件：{path.name}") from None
    if path.is_dir():
        raise PlanError(f"这是一个文件夹，不是文件：{path.name}")
    if size > MAX_BYTES:
        raise PlanError(
            f"文件过大（{size // (1024 * 1024)} MB），工作要点文档不应超过 {MAX_BYTES // (1024 * 1024)} MB"
        )
    try:
        data = path.read_bytes()
    except OSError:
        raise PlanError(f"无法读取文件：{path.name}") from None
    return text_from_bytes(data, path.name)


def text_from_bytes(data: bytes, name: str = "") -> str:
    if len(data) > MAX_BYTES:
        raise PlanError(f"文件过大，工作要点文档不应超过 {MAX_BYTES // (1024 * 1024)} MB")
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        text = _pdf_text(data)
    elif data.startswith(b"PK\x03\x04") or suffix in (".docx", ".docm"):
        text = _docx_text(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise PlanError("这是旧版 Word（.doc）文件，请另存为 .docx 后再导入")
    else:
        text = decode_text(data)
    if not text.strip():
        raise PlanError("文件中没有文字内容")
    return text


def decode_text(data: bytes) -> str:
    """Bytes of a text file to str, newlines as Python's text mode gives them."""
    if not data.strip():
        raise PlanError("文件为空")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError("这不是文本文件（含二进制内容），请提供 .txt、.docx 或 .pdf")
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise PlanError("无法识别文件编码，请另存为 UTF-8 文本后再导入")
        text = str(best)
    if _looks_binary(text):
        raise PlanError("这不是文本文件（含二进制内容），请提供 .txt、.docx 或 .pdf")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
    return controls > max(8, len(sample) // 100)


# --- .docx -------------------------------------------------------------------------

TASK_COLUMNS = {
    "task": (
        "工作任务",
        "重点任务",
        "任务名称",
        "主要任务",
        "任务内容",
        "项目名称",
        "工作内容",
        "工作事项",
        "任务",
    ),
    "measure": (
        "具体措施",
        "工作措施",
        "主要措施",
        "任务落实及措施",
        "落实措施",
        "工作举措",
        "具体内容",
        "措施",
    ),
    "lead": (
        "牵头单位",
        "牵头部门",
        "牵头处室",
        "牵头科室",
        "负责处室",
        "负责科室",
        "负责部门",
        "负责单位",
        "责任领导",
        "牵头领导",
    ),
    "responsible": ("责任单位", "责任部门", "责任处室", "责任科室", "承办单位", "实施单位"),
    "support": ("配合单位", "配合部门", "配合处室", "配合科室", "协办单位", "参与单位"),
    "due": ("完成时限", "完成时间", "时间节点", "时限要求", "进度安排", "时限"),
}
ATTRIBUTE_LABEL = {"lead": "牵头单位", "responsible": "责任单位", "support": "配合单位", "due": "完成时限"}


def _docx_text(data: bytes) -> str:
    import io

    try:
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise PlanError("Word 文件已损坏或不完整，无法读取") from error
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on bad files
        raise PlanError("无法读取该 Word 文件，请确认它是 .docx 格式") from error
    if "vbaProject" in " ".join(p.partname for p in document.part.package.iter_parts()):
        raise PlanError("文档含有宏，出于安全考虑不予导入，请另存为不含宏的 .docx")
    lines: list[str] = []
    numbering = _Numbering(document)
    body = document.element.body
    tables = _TaskTable()
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            if paragraph.text.strip():
                tables.roles = None  # text between two tables: the next one starts afresh
            lines.append(numbering.marker(child) + paragraph.text)
        elif tag == "tbl":
            lines.extend(_table_lines(Table(child, document), tables))
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CN_COUNT = "一二三四五六七八九十"


def _chinese(n: int) -> str:
    if n <= 10:
        return CN_COUNT[n - 1]
    if n < 20:
        return "十" + CN_COUNT[n - 11]
    tens, ones = divmod(n, 10)
    return CN_COUNT[tens - 1] + "十" + (CN_COUNT[ones - 1] if ones else "")


class _Numbering:
    """Word's automatic list numbering, which python-docx leaves out of paragraph text: the
    "一、" or "（一）" a reader sees is rebuilt from numbering.xml (format and level text),
    counting per list and level."""

    def __init__(self, document: object) -> None:
        self.levels: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(W + "abstractNumId"): a for a in root.iter(W + "abstractNum")}
        for num in root.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            definition = abstract.get(ref.get(W + "val")) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.iter(W + "lvl"):
                fmt = lvl.find(W + "numFmt")
                text = lvl.find(W + "lvlText")
                start = lvl.find(W + "start")
                self.levels[(num.get(W + "numId"), lvl.get(W + "ilvl"))] = (
                    fmt.get(W + "val") if fmt is not None else "decimal",
                    text.get(W + "val") if text is not None else "",
                    int(start.get(W + "val")) if start is not None else 1,
                )

    def marker(self, p: object) -> str:
        num_pr = p.find(f"{W}pPr/{W}numPr")  # type: ignore[attr-defined]
        if num_pr is None or not self.levels:
            return ""
        num_id = num_pr.find(W + "numId")
        ilvl = num_pr.find(W + "ilvl")
        key_num = num_id.get(W + "val") if num_id is not None else None
        level = int(ilvl.get(W + "val")) if ilvl is not None else 0
        if key_num is None or (key_num, str(level)) not in self.levels:
            return ""
        counts = self.counters.setdefault(key_num, [0] * 9)
        start = self.levels[(key_num, str(level))][2]
        counts[level] = counts[level] + 1 if counts[level] else start
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        text = self.levels[(key_num, str(level))][1]
        for k in range(level + 1):
            fmt = self.levels.get((key_num, str(k)), ("decimal", "", 1))[0]
            text = text.replace(f"%{k + 1}", self._format(fmt, counts[k] or 1))
        return text

    @staticmethod
    def _format(fmt: str, n: int) -> str:
        if fmt.startswith(
            ("chineseCounting", "ideographTraditional", "taiwaneseCounting", "japaneseCounting")
        ):
            return _chinese(n)
        if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
            return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
        if fmt == "lowerLetter":
            return chr(ord("a") + (n - 1) % 26)
        if fmt == "upperLetter":
            return chr(ord("A") + (n - 1) % 26)
        return str(n)


def _column_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = re.sub(r"\s+", "", cell)
        for role, labels in TASK_COLUMNS.items():
            if role not in roles and any(name == label or name.startswith(label) for label in labels):
                roles[role] = index
                break
    return roles


class _TaskTable:
    """The header of the last task table: a table that follows without a header row of its
    own (a table continued across pages, split by Word) goes on with it, numbering included."""

    roles: dict[str, int] | None = None
    width = 0
    number = 0
    previous_task = ""


def _is_task_table(roles: dict[str, int]) -> bool:
    return ("task" in roles or "measure" in roles) and bool({"lead", "responsible", "due"} & set(roles))


def _table_lines(table: object, state: _TaskTable | None = None) -> list[str]:
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]  # type: ignore[attr-defined]
    if not rows:
        return []
    state = state or _TaskTable()
    roles = _column_roles(rows[0])
    body = rows[1:]
    if not _is_task_table(roles):
        if state.roles is not None and len(rows[0]) == state.width:
            roles, body = state.roles, rows  # a continuation: its first row is data
        else:
            state.roles = None
            return ["\t".join(_unique(row)) for row in rows]
    else:
        state.roles, state.width, state.number, state.previous_task = roles, len(rows[0]), 0, ""
    lines: list[str] = []
    previous_task = state.previous_task
    number = state.number
    for row in body:
        task = row[roles["task"]] if "task" in roles else ""
        if task and task != previous_task:
            number += 1
            previous_task = task
            lines.append(task if HEADING_START.match(task) else f"{number}.{task}")
        if "measure" in roles and row[roles["measure"]] and row[roles["measure"]] != task:
            lines.extend(line for line in row[roles["measure"]].splitlines() if line.strip())
        for role in ("lead", "responsible", "support", "due"):
            if role in roles and row[roles[role]]:
                lines.append(f"{ATTRIBUTE_LABEL[role]}：{' '.join(row[roles[role]].split())}")
    state.number, state.previous_task = number, previous_task
    return lines


def _unique(row: list[str]) -> list[str]:
    """Merged cells repeat their text in python-docx; keep each run once."""
    out: list[str] = []
    for cell in row:
        if not out or out[-1] != cell:
            out.append(cell)
    return out


# --- .pdf --------------------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^\s*[-—–－]*\s*\d{1,4}\s*[-—–－]*\s*$|^\s*第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?\s*$|^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"
)


def _pdf_text(data: bytes) -> str:
    import io
    import logging

    # pdfminer reports every font quirk on stderr; a person running the command needs none of it.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        import pdfplumber

        lines: list[str] = []
        full: list[bool] = []
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            # glyphs first: a page number "第 1 ⻚" or a heading "（⼆）" is only seen as one
            # once its characters are the ordinary ones
            pages = []
            for page in pdf.pages:
                page_lines = []
                for ln in page.extract_text_lines():
                    ln["text"] = fix_pdf_glyphs(ln["text"])
                    if not PAGE_NUMBER.match(ln["text"]):
                        page_lines.append(ln)
                pages.append(page_lines)
            running = _running_lines(pages)
            for page_lines in pages:
                page_lines = [
                    ln
                    for i, ln in enumerate(page_lines)
                    if not ((i < 2 or i >= len(page_lines) - 2) and _running_key(ln["text"]) in running)
                ]
                if not page_lines:
                    continue
                right = max(ln["x1"] for ln in page_lines)
                for ln in page_lines:
                    size = ln["chars"][0]["size"] if ln.get("chars") else 12
                    lines.append(ln["text"].rstrip())
                    # Chinese line breaking may leave up to two characters of room.
                    full.append(ln["x1"] >= right - 2.5 * size)
    except Exception as error:  # noqa: BLE001 - pdfminer raises many kinds on bad files
        raise PlanError("PDF 文件已损坏或无法解析") from error
    if not "".join(lines).strip():
        raise PlanError("PDF 没有文字层（可能是扫描件），请提供 Word 或文本版本")
    return fix_pdf_glyphs(join_wrapped_lines(lines, full))


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _running_lines(pages: list[list[dict[str, object]]]) -> set[str]:
    """Page headers and footers: the same line (numbers aside) among the first or last two
    lines of at least half the pages, when there are two pages or more."""
    if len(pages) < 2:
        return set()
    seen: dict[str, int] = {}
    for page_lines in pages:
        edge = page_lines[:2] + page_lines[-2:]
        for key in {_running_key(str(ln["text"])) for ln in edge}:
            seen[key] = seen.get(key, 0) + 1
    return {k for k, n in seen.items() if k and n >= max(2, (len(pages) + 1) // 2)}


# Traditional forms that PDF fonts draw with the glyph of the simplified character: in a
# document written in simplified characters they are the simplified ones.
SHARED_GLYPHS = {"戶": "户", "內": "内", "吳": "吴", "黃": "黄", "眞": "真", "淸": "清", "値": "值", "兌": "兑", "敎": "教", "衆": "众", "爲": "为"}  # fmt: skip
SIMPLIFIED_MARKS = "们这为国发说对时会经过还进"
TRADITIONAL_MARKS = "們這為國發說對時會經過還進"


# CJK Radicals Supplement forms that PDF fonts use for whole simplified characters; NFKC
# leaves these alone.
RADICAL_FORMS = {
    "⺠": "民", "⺟": "母", "⻄": "西", "⻅": "见", "⻆": "角", "⻉": "贝", "⻋": "车", "⻓": "长", "⻔": "门",
    "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻣": "骨",
    "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟",
}  # fmt: skip


def fix_pdf_glyphs(text: str) -> str:
    """PDF text layers often name 一 and 人 by their Kangxi-radical or compatibility code
    points (⼀ U+2F00, ⼈ U+2F08); map those, and only those, to the ordinary characters."""
    import unicodedata

    def ordinary(c: str) -> str:
        code = ord(c)
        if c in RADICAL_FORMS:
            return RADICAL_FORMS[c]
        if 0x2F00 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF:
            return unicodedata.normalize("NFKC", c)
        return c

    # A font may draw the dash "——" as one two-em dash glyph.
    text = "".join(ordinary(c) for c in text).replace("⸺", "——").replace("⸻", "———")
    simplified = sum(text.count(c) for c in SIMPLIFIED_MARKS)
    if simplified > sum(text.count(c) for c in TRADITIONAL_MARKS):
        text = text.translate({ord(k): v for k, v in SHARED_GLYPHS.items()})
    return text


def _ends_sentence(line: str) -> bool:
    """A closing bracket or quote ends a sentence only after a stop (…。” or …。）); a full
    line ending in ）or ” otherwise goes on ("（责任单位：…）要按时…")."""
    if line.endswith(tuple("。！？!?；;：:")):
        return True
    return len(line) > 1 and line[-1] in "”」』）)" and line[-2] in "。！？!?"


def join_wrapped_lines(lines: list[str], full: list[bool] | None = None) -> str:
    """Joins lines that a page wrapped: a line that reaches the right margin (`full`, from
    the PDF's geometry; else near the longest line) and does not end a sentence continues
    into the next, unless the next starts a heading or an attribute."""
    if full is None:
        width = max((len(line.strip()) for line in lines), default=0)
        full = [len(line.strip()) >= width * 0.85 for line in lines]
    out: list[str] = []
    last_full = False
    for line, is_full in zip(lines, full, strict=True):
        stripped = line.strip()
        if not stripped:
            last_full = False
            continue
        if out and last_full and not _ends_sentence(out[-1]):
            starts_new = HEADING_START.match(stripped) or re.match(r"^(牵头|责任|配合|完成)", stripped)
            if not starts_new:
                out[-1] += stripped
                last_full = is_full
                continue
        out.append(stripped)
        last_full = is_full
    return "\n".join(out) + "\n"
