"""`luoshi backup DIR` and `luoshi restore DIR`: the database as JSON, the evidence files,
the audit chain's external anchors, and a manifest of SHA-256 digests, row counts and the
fingerprints of the keys (never the keys themselves: they are backed up apart).

Restore goes into an empty database only, in one transaction: after it the row counts and
file digests equal the manifest's, the keyed audit chain verifies and agrees with the
anchors carried in the backup, or nothing is kept. The anchors are then installed, so
`luoshi audit verify` checks both halves on the restored system.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import transaction

from luoshi.core.crypto import audit_key_fingerprint, get_provider
from luoshi.work.uploads import read_stored, save_stored, stored_key, stored_names

APPS = ["orgs", "accounts", "audit", "work", "plans", "tasks"]
MANIFEST = "manifest.json"
DATA = "data.json"
ANCHORS = "audit_anchor.log"


class BackupError(Exception):
    """One Chinese line for the person running the command."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _models() -> list[Any]:
    return [m for label in APPS for m in apps.get_app_config(label).get_models()]


def counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in _models()}


def backup(target: Path) -> Path:
    """Writes a new backup folder under `target` and returns it."""
    folder = target / f"luoshi-{dt.datetime.now():%Y%m%d-%H%M%S}"
    if folder.exists():
        raise BackupError(f"备份目录已存在：{folder}")
    folder.mkdir(parents=True)
    from luoshi.audit.models import AuditChainHead

    with transaction.atomic():  # one consistent snapshot of every table
        objects = [obj for model in _models() for obj in model._base_manager.order_by("pk")]
        data = serializers.serialize("json", objects, indent=None)
        rows = counts()
        head = AuditChainHead.objects.filter(pk=1).first()
    (folder / DATA).write_text(data, encoding="utf-8")
    _write_anchors(folder / ANCHORS, head)
    # Through the evidence storage, so a folder and an object-store bucket back up alike.
    files: dict[str, str] = {}
    for name in stored_names():
        relative = f"evidence/{stored_key(name)}"
        (folder / "media" / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / "media" / relative).write_bytes(read_stored(name))
        files[relative] = _sha256(folder / "media" / relative)
    manifest = {
        "created_at": dt.datetime.now().astimezone().isoformat(),
        "counts": rows,
        "files": files,
        "data_sha256": _sha256(folder / DATA),
        "field_key": get_provider().fingerprint(),
        "audit_key": audit_key_fingerprint(),
        "anchors_sha256": _sha256(folder / ANCHORS),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def _write_anchors(target: Path, head: Any) -> None:
    """The live anchors up to the snapshot's head, and a fresh signed anchor of that head."""
    from luoshi.audit.anchor import anchor_line, anchor_path, read_anchors

    lines: list[str] = []
    last = head.last_seq if head is not None else 0
    live = anchor_path()
    if live is not None and live.exists():
        anchors, _ = read_anchors(live)
        lines = [
            json.dumps({"seq": a.seq, "hash": a.hash, "at": a.at, "mac": a.mac}) + "\n"
            for a in anchors
            if a.seq <= last
        ]
    if last:
        lines.append(anchor_line(last, head.last_hash))
    target.write_text("".join(lines), encoding="utf-8")


def _install_anchors(source: Path) -> None:
    """The backup's anchors become the restored system's; an older anchor file is kept aside."""
    from luoshi.audit.anchor import anchor_path, append_lines

    live = anchor_path()
    if live is None:
        return
    if live.exists():
        live.rename(live.with_name(f"{live.name}.{dt.datetime.now():%Y%m%d-%H%M%S}.before-restore"))
    lines = (source / ANCHORS).read_text(encoding="utf-8").splitlines(keepends=True)
    append_lines(live, lines)


def restore(source: Path) -> dict[str, int]:
    """Loads a backup folder into an empty database and its files into the evidence storage."""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"不是有效的备份目录（缺少 {MANIFEST}）：{source}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if _sha256(source / DATA) != manifest["data_sha256"]:
        raise BackupError("备份数据文件的校验值不符，可能已损坏或被改动。")
    for relative, digest in manifest["files"].items():
        if _sha256(source / "media" / relative) != digest:
            raise BackupError(f"备份中的文件校验值不符：{relative}")
    if any(counts().values()):
        raise BackupError("只能恢复到空数据库：当前数据库中已有数据。")
    if manifest.get("field_key") != get_provider().fingerprint():
        raise BackupError(
            "个人信息加密密钥与备份时不同：请设置备份时的 LUOSHI_FIELD_KEY（或复制原数据目录的 secret_key 文件）后再恢复。"
        )
    if manifest.get("audit_key") != audit_key_fingerprint():
        raise BackupError(
            "审计日志密钥与备份时不同：请设置备份时的 LUOSHI_AUDIT_KEY（或复制原数据目录的 audit_key / secret_key 文件）后再恢复。"
        )
    if _sha256(source / ANCHORS) != manifest.get("anchors_sha256"):
        raise BackupError("备份中的审计锚点文件校验值不符，可能已损坏或被改动。")
    from luoshi.audit.actions import verify_chain
    from luoshi.audit.anchor import check_anchors, database_hashes, read_anchors

    with transaction.atomic():
        for deserialized in serializers.deserialize(
            "json", io.StringIO((source / DATA).read_text(encoding="utf-8"))
        ):
            deserialized.save()
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), _models()):
                cursor.execute(sql)
        restored = counts()
        if restored != manifest["counts"]:
            raise BackupError("恢复后的记录数与备份清单不符，已全部撤销。")
        result = verify_chain()
        if not result.ok:
            raise BackupError(f"恢复后的审计日志校验失败（第 {result.bad_seq} 条），已全部撤销。")
        anchors, failed = read_anchors(source / ANCHORS)
        anchored = failed or check_anchors(anchors, database_hashes, result.checked)
        if not anchored.ok:
            raise BackupError(f"恢复后的审计日志与备份的锚点不符：{anchored.reason}，已全部撤销。")
    _install_anchors(source)
    for relative in manifest["files"]:
        save_stored(relative.rsplit("/", 1)[-1], (source / "media" / relative).read_bytes())
    return restored
