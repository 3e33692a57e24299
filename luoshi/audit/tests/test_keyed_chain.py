"""The audit chain cannot be rewritten from the database alone (issue S-4, SECURITY.md test 9):
the chain is keyed (HMAC-SM3, key outside the database) and signed heads are anchored in a
file outside it; `luoshi audit verify` checks both and says which broke."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from luoshi.audit import anchor
from luoshi.audit.actions import record, verify_chain
from luoshi.audit.models import AuditChainHead, AuditEvent
from luoshi.cli import main
from luoshi.core.crypto import sm3_hex

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchored(settings, tmp_path):
    settings.LUOSHI_AUDIT_ANCHOR = str(tmp_path / "anchor.log")
    return tmp_path / "anchor.log"


def rewrite_from(seq: int, message: str, digest=lambda data: sm3_hex(data)) -> None:
    """What someone with the database alone does: change a row, then recompute every hash
    from it onwards and the head, with the published chain formula (SM3 of previous hash and
    canonical JSON) — everything but the key, which is not in the database."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET message = %s WHERE seq = %s", [message, seq])
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        new = digest(prev.encode() + event.canonical())
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, event.seq]
            )
        prev = new
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s", [last.seq, last.hash])


def test_a_row_rewritten_with_its_chain_recomputed_from_the_database_alone_is_found(capsys) -> None:
    record("create", object_type="test", message="甲")
    target = record("create", object_type="test", message="乙")
    record("create", object_type="test", message="丙")
    rewrite_from(target.seq, "篡改后重算")
    result = verify_chain()
    assert not result.ok and result.bad_seq == target.seq
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"第 {target.seq} 条" in err and "数据库中的哈希链" in err


def test_the_chain_depends_on_the_key_outside_the_database(settings) -> None:
    record("create", object_type="test")
    assert verify_chain().ok
    settings.LUOSHI_AUDIT_KEY = "another-key-entirely"
    result = verify_chain()
    assert not result.ok and result.bad_seq == 1


def test_a_clean_chain_and_its_anchors_verify(anchored, capsys) -> None:
    record("create", object_type="test")
    assert anchor.anchor_head() == AuditChainHead.objects.get().last_seq
    record("create", object_type="test")
    anchor.anchor_head()
    assert oct(anchored.stat().st_mode & 0o777) == "0o600"
    assert main(["audit", "verify"]) == 0
    assert "外部锚点一致：共 2 个" in capsys.readouterr().out


def test_a_cut_off_tail_with_the_head_fixed_is_found_by_the_anchor(anchored, capsys) -> None:
    record("create", object_type="test")
    last = record("create", object_type="test")
    anchor.anchor_head()
    kept = AuditEvent.objects.get(seq=last.seq - 1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
        cursor.execute("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s", [kept.seq, kept.hash])
    assert verify_chain().ok  # the database alone looks intact…
    assert main(["audit", "verify"]) == 1  # …the anchor outside it does not agree
    err = capsys.readouterr().err
    assert "外部锚点" in err and f"第 {last.seq} 条记录在数据库中不存在" in err


def test_a_forged_anchor_line_is_found(anchored, capsys) -> None:
    record("create", object_type="test")
    anchor.anchor_head()
    line = json.loads(anchored.read_text())
    line["hash"] = "f" * 64
    anchored.write_text(json.dumps(line) + "\n")
    assert main(["audit", "verify"]) == 1
    assert "签名不符" in capsys.readouterr().err


def test_a_commit_anchors_the_head_and_a_new_chain_moves_old_anchors_aside(
    anchored, django_capture_on_commit_callbacks
) -> None:
    anchor._last_anchor.update(at=0.0, seq=-1)
    with django_capture_on_commit_callbacks(execute=True):
        event = record("create", object_type="test")
    assert json.loads(anchored.read_text().splitlines()[-1])["seq"] == event.seq
    anchor.after_commit(1)  # a chain starting again (an emptied database)
    assert list(anchored.parent.glob("anchor.log.*.old"))
