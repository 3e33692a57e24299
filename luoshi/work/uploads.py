"""Evidence uploads (SECURITY.md): an allow-list checked by content, not by name; macros,
active PDF content and zip bombs refused; stored under random names outside any served
folder, with their SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings

from luoshi.core.errors import ActionRefused

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 100
ALLOWED = "允许的类型：PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG"


def evidence_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def sniff(data: bytes) -> str:
    """The content type the bytes really are, or ActionRefused."""
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _check_office(data)
    raise ActionRefused(f"不支持的文件类型。{ALLOWED}")


def _check_pdf(data: bytes) -> None:
    lowered = data.lower()
    for marker in (
        b"/javascript",
        b"/js ",
        b"/js(",
        b"/js<",
        b"/launch",
        b"/embeddedfile",
        b"/richmedia",
        b"/xfa",
    ):
        if marker in lowered:
            raise ActionRefused("PDF 含有脚本或嵌入内容，出于安全考虑不予上传，请另存为普通 PDF。")


def _check_office(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(1, len(data)):
                raise ActionRefused("压缩内容异常（解压后过大），不予上传。")
            if any(n.lower().endswith("vbaproject.bin") or "activex" in n.lower() for n in names):
                raise ActionRefused("文件含有宏或控件，出于安全考虑不予上传，请另存为不含宏的文件。")
            if "[Content_Types].xml" not in names:
                raise ActionRefused(f"不支持的文件类型。{ALLOWED}")
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
    except zipfile.BadZipFile:
        raise ActionRefused("文件已损坏，无法识别。") from None
    if "macroenabled" in types or "vbaproject" in types:
        raise ActionRefused("文件含有宏，出于安全考虑不予上传，请另存为 .docx 或 .xlsx。")
    if "word/document.xml" in {n.lower() for n in names}:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in {n.lower() for n in names}:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raise ActionRefused(f"不支持的文件类型。{ALLOWED}")


def clean_name(name: str) -> str:
    """A display name without paths, control characters or line breaks."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '\r\n"<>|:*?')
    return name.strip(" .")[:150] or "附件"


def store_upload(upload: Any) -> dict[str, Any]:
    """Validates and stores one uploaded file; returns the Evidence fields."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ActionRefused(f"文件“{clean_name(upload.name)}”超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。")
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ActionRefused(f"文件“{clean_name(upload.name)}”超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。")
    if not data:
        raise ActionRefused(f"文件“{clean_name(upload.name)}”是空的。")
    try:
        content_type = sniff(data)
    except ActionRefused as refused:
        raise ActionRefused(f"“{clean_name(upload.name)}”：{refused}") from None
    stored_name = secrets.token_hex(16)
    path = evidence_dir() / stored_name[:2] / stored_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {
        "original_name": clean_name(upload.name),
        "stored_name": stored_name,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def stored_path(stored_name: str) -> Path:
    if not stored_name.isalnum():
        raise ValueError("bad stored name")
    return evidence_dir() / stored_name[:2] / stored_name


def discard(stored_name: str) -> None:
    stored_path(stored_name).unlink(missing_ok=True)
