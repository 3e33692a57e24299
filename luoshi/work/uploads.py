"""Evidence uploads (SECURITY.md): an allow-list checked by content, not by name; macros,
active PDF content and zip bombs refused; stored under random names outside any served
folder, with their SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings

from luoshi.core import filecheck
from luoshi.core.errors import ActionRefused

MAX_FILE_BYTES = 20 * 1024 * 1024


def evidence_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def sniff(data: bytes, name: str) -> str:
    """The content type the bytes really are, after every check of luoshi.core.filecheck
    (content, active parts, macros, bombs, the name's extension, the virus scanner), or
    ActionRefused."""
    return filecheck.check(data, name).content_type


def clean_name(name: str) -> str:
    """A display name without paths, control characters or line breaks."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '\r\n"<>|:*?').strip(" .")
    if len(name) > 150:  # an over-long name keeps its extension, which the content check compares
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 149 - len(suffix)] + dot + suffix) if dot and len(suffix) <= 10 else name[:150]
    return name or "附件"


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
        content_type = sniff(data, clean_name(upload.name))
    except ActionRefused as refused:
        raise ActionRefused(f"“{clean_name(upload.name)}”：{refused}") from None
    stored_name = secrets.token_hex(16)
    path = evidence_dir() / stored_name[:2] / stored_name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Readable by the service's account alone (SECURITY.md: data files 0600).
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(data)
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
