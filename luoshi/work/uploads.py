"""Evidence uploads (SECURITY.md): an allow-list checked by content, not by name; macros,
active PDF content and zip bombs refused; stored under random names outside any served
folder, with their SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from luoshi.core import filecheck
from luoshi.core.errors import ActionRefused

MAX_FILE_BYTES = 20 * 1024 * 1024


def evidence_storage() -> Storage:
    """Where evidence files live: a 0700 folder of 0600 files by default, an S3-compatible
    bucket with LUOSHI_S3_BUCKET (luoshi/settings.py, docs/scaling.md). Every file goes
    through the checks below first, wherever it is kept."""
    return storages["evidence"]


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
    save_stored(stored_name, data)
    return {
        "original_name": clean_name(upload.name),
        "stored_name": stored_name,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def stored_key(stored_name: str) -> str:
    """The file's key in the storage: two-letter folders keep a folder's listing short."""
    if not stored_name.isalnum():
        raise ValueError("bad stored name")
    return f"{stored_name[:2]}/{stored_name}"


def save_stored(stored_name: str, data: bytes) -> None:
    key = evidence_storage().save(stored_key(stored_name), ContentFile(data))
    if key != stored_key(stored_name):  # a random 128-bit name never collides; refuse if it did
        evidence_storage().delete(key)
        raise ActionRefused("文件保存失败，请重新上传。")


def open_stored(stored_name: str) -> File:
    """The stored file, open for reading; FileNotFoundError when it is gone (asked first,
    because an object store only says so when the file is read)."""
    storage, key = evidence_storage(), stored_key(stored_name)
    if not storage.exists(key):
        raise FileNotFoundError(key)
    return storage.open(key, "rb")


def read_stored(stored_name: str) -> bytes:
    with open_stored(stored_name) as handle:
        return bytes(handle.read())


def stored_exists(stored_name: str) -> bool:
    return evidence_storage().exists(stored_key(stored_name))


def stored_names() -> Iterator[str]:
    """Every stored file's name, for backups: the same walk on a folder and on a bucket."""
    storage = evidence_storage()
    folders, _ = storage.listdir("")
    for folder in sorted(folders):
        yield from sorted(storage.listdir(folder)[1])


def download_url(stored_name: str, filename: str, content_type: str) -> str | None:
    """A short-lived signed address on the object store, for a download already checked
    against the user's scope; None for folder storage, whose files the app streams itself."""
    storage = evidence_storage()
    if not hasattr(storage, "bucket_name"):
        return None
    from urllib.parse import quote

    return str(
        storage.url(
            stored_key(stored_name),
            parameters={
                "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
                "ResponseContentType": content_type,
            },
        )
    )


def discard(stored_name: str) -> None:
    evidence_storage().delete(stored_key(stored_name))
