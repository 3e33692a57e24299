"""What an uploaded evidence file really is, and whether it may be kept (SECURITY.md,
uploads; issue S-1). Nothing here trusts what a file says about itself:

- PDFs are parsed with pypdf and every object is looked at, those inside compressed object
  streams included, with names decoded (`/J#61vaScript` is `/JavaScript`): JavaScript,
  launch actions, embedded files, rich media and XFA forms are refused.
- Zip-based Office files (.docx, .xlsx) are inflated member by member while the bytes are
  counted, so a header that under-declares a member's size changes nothing: past 100 MiB
  unpacked or a ratio of 100 the file is refused, and a member whose inflated size or CRC
  differs from its header is refused as damaged. Macros (vbaProject.bin, macro-enabled
  types, ActiveX, embedded macro files) are refused.
- OLE Office files (.doc, .xls), which offices still send, are accepted when oletools finds
  no VBA or Excel 4 macros in them and they are not encrypted (an encrypted file cannot be
  checked).
- The name's extension must agree with the content: report.html holding a PNG is refused.
- Then the virus scanner, when one is configured (luoshi.core.scanner).

Cost: one pass over the file for each check; memory stays at the file's size plus one
64 KiB inflate window (only [Content_Types].xml and embedded OLE members are kept).
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from luoshi.core.errors import ActionRefused

log = logging.getLogger("luoshi.uploads")
# pypdf reports every repair it makes on a damaged file as a warning; the refusal says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)
for _name in ("olevba", "crypto", "olefile"):  # oletools' loggers: chatty about every odd file
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000
MAX_PDF_OBJECTS = 200_000
WINDOW = 64 * 1024


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = Kind("application/pdf", "PDF", (".pdf",))
PNG = Kind("image/png", "PNG 图片", (".png",))
JPEG = Kind("image/jpeg", "JPG 图片", (".jpg", ".jpeg"))
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档", (".docx",)
)
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格", (".xlsx",))
DOC = Kind("application/msword", "Word 97-2003 文档", (".doc",))
XLS = Kind("application/vnd.ms-excel", "Excel 97-2003 表格", (".xls",))
KINDS = (PDF, PNG, JPEG, DOCX, XLSX, DOC, XLS)

ALLOWED = "允许的类型：PDF、Word（.docx、.doc）、Excel（.xlsx、.xls）、JPG、PNG"
UNSUPPORTED = f"不支持的文件类型。{ALLOWED}"
DAMAGED = "文件已损坏，无法识别。"
MACROS = "文件含有宏或控件，出于安全考虑不予上传，请另存为不含宏的 .docx 或 .xlsx。"
ACTIVE_PDF = "PDF 含有脚本或嵌入内容，出于安全考虑不予上传，请另存为普通 PDF。"
BOMB = "压缩内容异常（解压后过大），不予上传。"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check(data: bytes, name: str) -> Kind:
    """The kind of an upload, after every check; raises ActionRefused with a Chinese reason."""
    kind = identify(data)
    agree(kind, name)
    scan(data)
    return kind


def identify(data: bytes) -> Kind:
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return check_ooxml(data)
    if data.startswith(OLE_MAGIC):
        return check_ole(data)
    raise ActionRefused(UNSUPPORTED)


def agree(kind: Kind, name: str) -> None:
    """The name's extension must be one of the content's: a browser or an office program
    that trusts the name must not be handed something else."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in kind.extensions:
        shown = suffix or "（无扩展名）"
        raise ActionRefused(
            f"文件扩展名 {shown} 与内容（{kind.label}）不符，请改用 {'、'.join(kind.extensions)} 扩展名后再上传。"
        )


def scan(data: bytes) -> None:
    from luoshi.core.scanner import ScannerUnavailable, get_scanner

    scanner = get_scanner()
    if scanner is None:
        return
    try:
        found = scanner.scan(data)
    except ScannerUnavailable as error:
        log.error("virus scanner unavailable: %s", error)
        raise ActionRefused("病毒扫描服务暂不可用，文件未保存，请稍后再试或联系系统管理员。") from None
    if found:
        log.warning("upload refused by the virus scanner: %s", found[:100])
        raise ActionRefused(f"文件未通过病毒扫描（{found[:80]}），不予上传。")


# --- PDF ---------------------------------------------------------------------------------

# Keys whose presence anywhere means active or embedded content.
_PDF_KEYS = {"/JS", "/JavaScript", "/XFA", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/Launch"}
# Values of /S (action type), /Type or /Subtype that mean the same.
_PDF_VALUES = {
    "/JavaScript",
    "/Launch",
    "/EmbeddedFile",
    "/RichMedia",
    "/RichMediaExecute",
    "/ImportData",
    "/GoToE",
    "/Sound",
    "/Movie",
}
# A quick look at the raw bytes first: the common, unescaped forms, without parsing.
_PDF_RAW = (b"/javascript", b"/js ", b"/js(", b"/js<", b"/launch", b"/embeddedfile", b"/richmedia", b"/xfa")


def check_pdf(data: bytes) -> None:
    lowered = data.lower()
    if any(marker in lowered for marker in _PDF_RAW):
        raise ActionRefused(ACTIVE_PDF)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ActionRefused("PDF 已加密，无法检查其内容，请去除密码后再上传。")
        for obj in _pdf_objects(reader):
            if _pdf_active(obj, 0):
                raise ActionRefused(ACTIVE_PDF)
    except ActionRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise ActionRefused(DAMAGED) from None
    except Exception as error:  # noqa: BLE001 - a parser fault on hostile input is a refusal, never a 500
        from luoshi.core.errors import exception_place

        log.warning("pdf check fault: %s", exception_place(error))
        raise ActionRefused(DAMAGED) from None


def _pdf_objects(reader: Any) -> Iterator[Any]:
    """Every object the file's cross-reference lists, in plain and in compressed object
    streams (pypdf decodes those when an object inside is read), plus the trailer."""
    from pypdf.generic import IndirectObject

    yield reader.trailer
    seen = 0
    for generation, entries in reader.xref.items():
        for number in entries:
            seen += 1
            if seen > MAX_PDF_OBJECTS:
                raise ActionRefused("PDF 结构过于复杂，无法检查，不予上传。")
            yield IndirectObject(number, generation, reader).get_object()
    for number in reader.xref_objStm:
        seen += 1
        if seen > MAX_PDF_OBJECTS:
            raise ActionRefused("PDF 结构过于复杂，无法检查，不予上传。")
        yield IndirectObject(number, 0, reader).get_object()


def _pdf_active(obj: Any, depth: int) -> bool:
    """Looks through one object and the direct objects nested in it (references are
    visited as objects of their own, so no cycle is followed)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if depth > 64:
        raise ActionRefused("PDF 结构过于复杂，无法检查，不予上传。")
    if isinstance(obj, IndirectObject):
        return False
    if isinstance(obj, NameObject):
        return str(obj) in _PDF_VALUES
    if isinstance(obj, DictionaryObject):  # stream objects are dictionaries too
        for key, value in obj.items():
            if str(key) in _PDF_KEYS:
                return True
            if str(key) in ("/S", "/Type", "/Subtype") and isinstance(value, NameObject):
                if str(value) in _PDF_VALUES:
                    return True
            if isinstance(value, DictionaryObject | ArrayObject) and _pdf_active(value, depth + 1):
                return True
        return False
    if isinstance(obj, ArrayObject):
        return any(_pdf_active(item, depth + 1) for item in obj)
    return False


# --- zip-based Office (OOXML) ------------------------------------------------------------

_MACRO_MEMBERS = ("vbaproject.bin", "vbadata.xml")
_MACRO_SUFFIXES = (".docm", ".xlsm", ".xlsb", ".pptm", ".dotm", ".xltm", ".xlam", ".ppam")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def check_ooxml(data: bytes) -> Kind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ActionRefused(DAMAGED) from None
    if len(infos) > MAX_MEMBERS:
        raise ActionRefused(BOMB)
    names = {i.filename.lower() for i in infos}
    if "[content_types].xml" not in names:
        raise ActionRefused(UNSUPPORTED)
    for lowered in names:
        if lowered.endswith(_MACRO_MEMBERS) or "activex" in lowered or lowered.endswith(_MACRO_SUFFIXES):
            raise ActionRefused(MACROS)
    budget = min(MAX_UNPACKED, MAX_RATIO * max(1, len(data)))
    inflated = 0
    content_types = b""
    for info in infos:
        keep = info.filename.lower() == "[content_types].xml" or "embeddings/" in info.filename.lower()
        member = bytearray() if keep else None
        for piece in _inflate(data, info):
            inflated += len(piece)
            if inflated > budget:
                raise ActionRefused(BOMB)
            if member is not None:
                member += piece
        if member is None:
            continue
        if info.filename.lower() == "[content_types].xml":
            content_types = bytes(member)
        elif member.startswith(OLE_MAGIC):
            _refuse_ole_macros(bytes(member))
        elif member.startswith(b"PK\x03\x04"):
            check_ooxml(bytes(member))  # an embedded workbook or document is held to the same rules
    types = content_types.decode("utf-8", "replace").lower()
    if "macroenabled" in types or "vbaproject" in types:
        raise ActionRefused(MACROS)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise ActionRefused(UNSUPPORTED)


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes as they really inflate, in windows of at most 64 KiB, read from
    the local header onwards; the sizes and CRC the headers declare are checked after."""
    start = info.header_offset
    try:
        signature, _, flags, method, _, _, _, _, _, name_len, extra_len = _LOCAL_HEADER.unpack_from(
            data, start
        )
    except struct.error:
        raise ActionRefused(DAMAGED) from None
    if signature != b"PK\x03\x04":
        raise ActionRefused(DAMAGED)
    if flags & 0x1:
        raise ActionRefused("文件已加密，无法检查其内容，请去除密码后再上传。")
    begin = start + _LOCAL_HEADER.size + name_len + extra_len
    raw = memoryview(data)[begin : begin + info.compress_size]
    crc = 0
    size = 0
    if method == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), WINDOW):
            piece = bytes(raw[offset : offset + WINDOW])
            crc = zlib.crc32(piece, crc)
            size += len(piece)
            yield piece
    elif method == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            for offset in range(0, len(raw), WINDOW):
                pending = bytes(raw[offset : offset + WINDOW])
                while pending and not inflater.eof:
                    piece = inflater.decompress(pending, WINDOW)
                    pending = inflater.unconsumed_tail
                    crc = zlib.crc32(piece, crc)
                    size += len(piece)
                    yield piece
                if inflater.eof:
                    break
        except zlib.error:
            raise ActionRefused(DAMAGED) from None
        if not inflater.eof:
            raise ActionRefused(DAMAGED)
    else:
        raise ActionRefused(UNSUPPORTED)
    if size != info.file_size or crc != info.CRC:
        # The headers lie about the member: whatever reads them next may be fooled.
        raise ActionRefused(DAMAGED)


# --- OLE Office (.doc, .xls) -------------------------------------------------------------

_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}


def _ole_entries(data: bytes) -> list[list[str]]:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
        try:
            return [[part.lower() for part in path] for path in ole.listdir(streams=True, storages=True)]
        finally:
            ole.close()
    except Exception:  # noqa: BLE001 - olefile raises many kinds on hostile input; all mean damaged
        raise ActionRefused(DAMAGED) from None


def check_ole(data: bytes) -> Kind:
    entries = _ole_entries(data)
    tops = {path[0] for path in entries if path}
    if "worddocument" in tops:
        kind = DOC
    elif "workbook" in tops or "book" in tops:
        kind = XLS
    else:
        raise ActionRefused(UNSUPPORTED)
    if "encryptedpackage" in tops or "encryptioninfo" in tops:
        raise ActionRefused("文件已加密，无法检查其内容，请去除密码后再上传。")
    _refuse_ole_macros(data, entries)
    return kind


def _refuse_ole_macros(data: bytes, entries: list[list[str]] | None = None) -> None:
    """VBA projects (by their storages, then by oletools' olevba, which also finds Excel 4
    macro sheets) mean a refusal; so does a file olevba cannot read."""
    entries = _ole_entries(data) if entries is None else entries
    if any(part in _MACRO_STORAGES for path in entries for part in path):
        raise ActionRefused(MACROS)
    with warnings.catch_warnings():  # oletools still calls pyparsing's old names
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    try:
        parser = VBA_Parser("upload", data=data)
        try:
            encrypted = parser.detect_is_encrypted()
            macros = parser.detect_vba_macros() or parser.detect_xlm_macros()
        finally:
            parser.close()
    except Exception as error:  # noqa: BLE001 - an unreadable file is refused, never stored
        from luoshi.core.errors import exception_place

        log.warning("olevba fault: %s", exception_place(error))
        raise ActionRefused(DAMAGED) from None
    if encrypted:
        raise ActionRefused("文件已加密，无法检查其内容，请去除密码后再上传。")
    if macros:
        raise ActionRefused(MACROS)
