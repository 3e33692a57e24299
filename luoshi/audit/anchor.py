"""The audit chain's head, signed and appended to a file outside the database.

The keyed chain (HMAC-SM3) stops anyone with the database alone from rewriting a row and
recomputing the chain. What it cannot show by itself is a tail cut off together with the
head row, or a database put back to an older state: for that, heads are anchored outside
it. Each line of the anchor file is one JSON object `{"seq", "hash", "at", "mac"}`, the mac
an HMAC-SM3 of the other three under the audit key; lines are only ever appended, with one
write each (O_APPEND), by every process that commits audit rows.

When: after a commit that added audit rows, at most once per LUOSHI_AUDIT_ANCHOR_SECONDS per
process (60 s); at every `luoshi worker` round and `luoshi serve` start; on `luoshi audit
anchor`; and in each backup. So the unanchored tail is at most about a minute of work.
Cost: one small file append per minute of activity.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from luoshi.core.crypto import audit_key, hmac_sm3

_last_anchor = {"at": 0.0, "seq": -1}


@dataclass
class Anchor:
    seq: int
    hash: str
    at: str
    mac: str
    line: int = 0

    def expected_mac(self, key: bytes | None = None) -> str:
        return sign(self.seq, self.hash, self.at, key)


@dataclass
class AnchorResult:
    ok: bool
    checked: int
    last_seq: int = 0
    line: int | None = None
    reason: str = ""
    missing: bool = False


def anchor_path() -> Path | None:
    configured = getattr(settings, "LUOSHI_AUDIT_ANCHOR", "")
    return Path(configured) if configured else None


def sign(seq: int, hash_: str, at: str, key: bytes | None = None) -> str:
    message = f"luoshi-audit-anchor|{seq}|{hash_}|{at}".encode()
    return hmac_sm3(key if key is not None else audit_key(), message)


def anchor_line(seq: int, hash_: str) -> str:
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return json.dumps({"seq": seq, "hash": hash_, "at": at, "mac": sign(seq, hash_, at)}) + "\n"


def append_lines(path: Path, lines: list[str]) -> None:
    """Appends with O_APPEND, one write per line, the file readable by the service alone."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        for line in lines:
            os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def anchor_head(force: bool = True) -> int | None:
    """Anchors the current head; returns its sequence number, or None when anchoring is off
    or nothing changed since this process's last anchor."""
    path = anchor_path()
    if path is None:
        return None
    from luoshi.audit.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0:
        return None
    if not force and head.last_seq == _last_anchor["seq"]:
        return None
    append_lines(path, [anchor_line(head.last_seq, head.last_hash)])
    _last_anchor.update(at=time.monotonic(), seq=head.last_seq)
    return head.last_seq


def after_commit(seq: int) -> None:
    """Called after a commit that wrote audit row `seq`: a new chain (row 1) moves any old
    anchor file aside; otherwise the head is anchored when the last anchor is old enough."""
    path = anchor_path()
    if path is None:
        return
    try:
        if seq == 1 and path.exists():
            path.rename(path.with_name(f"{path.name}.{dt.datetime.now():%Y%m%d-%H%M%S}.old"))
        if seq == 1 or time.monotonic() - _last_anchor["at"] >= settings.LUOSHI_AUDIT_ANCHOR_SECONDS:
            anchor_head(force=False)
    except Exception as error:  # noqa: BLE001 - the change is committed; anchoring must not turn it into a 500
        import logging

        from luoshi.core.errors import exception_place

        logging.getLogger("luoshi.audit").error("audit anchor not written: %s", exception_place(error))


def read_anchors(path: Path) -> tuple[list[Anchor], AnchorResult | None]:
    """The file's anchors, or a failed result naming the first line that is not one."""
    anchors: list[Anchor] = []
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                data: dict[str, Any] = json.loads(text)
                anchor = Anchor(
                    int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["mac"]), number
                )
            except (ValueError, KeyError, TypeError):
                return anchors, AnchorResult(False, len(anchors), line=number, reason="格式无效")
            anchors.append(anchor)
    return anchors, None


def check_anchors(anchors: list[Anchor], hash_at: Any, chain_length: int) -> AnchorResult:
    """Each anchor's signature, and the chain's row at its sequence number: present and with
    the anchored hash. `hash_at(seqs)` gives {seq: hash} from the database."""
    key = audit_key()
    for anchor in anchors:
        if anchor.mac != anchor.expected_mac(key):
            return AnchorResult(
                False, 0, line=anchor.line, reason="签名不符（锚点被改动，或审计密钥与写入时不同）"
            )
    checked = 0
    for start in range(0, len(anchors), 500):
        batch = anchors[start : start + 500]
        found = hash_at([a.seq for a in batch])
        for anchor in batch:
            if anchor.seq > chain_length or anchor.seq not in found:
                return AnchorResult(
                    False,
                    checked,
                    line=anchor.line,
                    reason=f"锚定的第 {anchor.seq} 条记录在数据库中不存在（末尾记录被删除或数据库被回退）",
                )
            if found[anchor.seq] != anchor.hash:
                return AnchorResult(
                    False,
                    checked,
                    line=anchor.line,
                    reason=f"第 {anchor.seq} 条记录的哈希与锚点不符（哈希链被重算）",
                )
            checked += 1
    return AnchorResult(True, checked, last_seq=max((a.seq for a in anchors), default=0))


def database_hashes(seqs: list[int]) -> dict[int, str]:
    from luoshi.audit.models import AuditEvent

    return dict(AuditEvent.objects.filter(seq__in=seqs).values_list("seq", "hash"))


def verify_anchors(chain_length: int) -> AnchorResult:
    path = anchor_path()
    if path is None or not path.exists():
        return AnchorResult(True, 0, missing=True)
    anchors, failed = read_anchors(path)
    if failed is not None:
        return failed
    return check_anchors(anchors, database_hashes, chain_length)
