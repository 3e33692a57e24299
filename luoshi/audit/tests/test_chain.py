"""The audit log is append-only and tamper-evident (SECURITY.md test 9)."""

from __future__ import annotations

import pytest
from django.db import connection

from luoshi.audit.actions import record, verify_chain
from luoshi.audit.models import AppendOnlyError, AuditEvent
from luoshi.cli import main

pytestmark = pytest.mark.django_db


def test_a_clean_chain_verifies(capsys) -> None:
    record("create", object_type="test", message="一")
    record("update", object_type="test", message="二", before={"a": 1}, after={"a": 2})
    assert verify_chain().ok
    assert main(["audit", "verify"]) == 0
    assert "审计日志完整" in capsys.readouterr().out


def test_the_application_refuses_to_change_or_delete_events() -> None:
    event = record("create", object_type="test")
    event.message = "改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(message="改")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_a_raw_update_is_found_and_the_first_bad_row_named(capsys) -> None:
    record("create", object_type="test", message="甲")
    target = record("create", object_type="test", message="乙")
    record("create", object_type="test", message="丙")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET message = %s WHERE seq = %s", ["篡改", target.seq])
    result = verify_chain()
    assert not result.ok and result.bad_seq == target.seq
    assert main(["audit", "verify"]) == 1
    assert f"第 {target.seq} 条" in capsys.readouterr().err


def test_a_deleted_row_breaks_the_chain() -> None:
    record("create", object_type="test")
    middle = record("create", object_type="test")
    record("create", object_type="test")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [middle.seq])
    result = verify_chain()
    assert not result.ok and result.bad_seq == middle.seq


def test_a_deleted_last_row_is_found_through_the_head() -> None:
    record("create", object_type="test")
    last = record("create", object_type="test")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
    assert not verify_chain().ok


def test_events_carry_who_role_when_and_address(login_as) -> None:
    login_as("zhibu1")
    event = AuditEvent.objects.filter(action="login").first()
    assert event.actor_name == "zhibu1" and event.actor_role == "org_staff"
    assert event.address == "127.0.0.1" and event.at.tzinfo is not None


def test_audit_page_and_api_are_for_the_audit_administrator_alone(login_as, api_token) -> None:
    from django.test import Client

    assert login_as("auditadmin").get("/audit/?action=login").status_code == 200
    for username in ("sysadmin", "jgdw"):
        assert login_as(username).get("/audit/").status_code == 403
    ok = Client().get("/api/audit", headers={"Authorization": f"Bearer {api_token('auditadmin')}"})
    assert ok.status_code == 200 and ok.json()["count"] >= 1
    refused = Client().get("/api/audit", headers={"Authorization": f"Bearer {api_token('jgdw')}"})
    assert refused.status_code == 403 and "审计管理员" in refused.json()["detail"]
