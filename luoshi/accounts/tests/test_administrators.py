"""三权分立 (SECURITY.md test 4): each administrator reaches only their own functions."""

from __future__ import annotations

import pytest

from luoshi.accounts import actions
from luoshi.core.errors import ActionRefused

pytestmark = pytest.mark.django_db

MATRIX = {
    # path: the roles (by persona) that may open it
    "/accounts/users/": {"sysadmin", "secadmin"},
    "/accounts/users/new/": {"sysadmin"},
    "/audit/": {"auditadmin"},
    "/orgs/new/": {"sysadmin"},
}
PERSONAS = ["jgdw", "zhibu1", "dangyuan1", "jijian", "lingdao", "sysadmin", "secadmin", "auditadmin"]


@pytest.mark.parametrize("username", PERSONAS)
def test_role_by_url_matrix(login_as, username) -> None:
    client = login_as(username)
    for path, allowed in MATRIX.items():
        status = client.get(path).status_code
        assert status == (200 if username in allowed else 403), (username, path, status)


def test_an_administrator_cannot_take_a_second_role(persona) -> None:
    sysadmin = persona("sysadmin")
    for username, role in (("secadmin", "auditadmin"), ("auditadmin", "plan_office"), ("jgdw", "secadmin")):
        user = persona(username)
        with pytest.raises(ActionRefused):
            actions.update_user(acting_user=sysadmin, user=user, expected_version=user.version, role=role)
        user.refresh_from_db()
        assert user.role != role


def test_security_and_audit_administrators_see_no_business_data(login_as) -> None:
    for username in ("secadmin", "auditadmin"):
        page = login_as(username).get("/orgs/")
        assert page.status_code == 403 and "orgs" not in (page.context or {})


def test_system_administrator_creates_an_account_audited(login_as) -> None:
    from luoshi.accounts.models import User
    from luoshi.audit.models import AuditEvent
    from luoshi.orgs.models import Organization

    org = Organization.objects.get(name="财务处党支部")
    response = login_as("sysadmin").post(
        "/accounts/users/new/",
        {
            "username": "caiwu1",
            "display_name": "财务处支部书记",
            "role": "org_staff",
            "org": org.pk,
            "password": "Caiwu-first-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="caiwu1")
    assert user.must_change_password and user.org == org
    event = AuditEvent.objects.filter(
        action="create", object_type="accounts.user", object_id=str(user.pk)
    ).get()
    assert event.actor_name == "sysadmin" and event.after["role"] == "org_staff"
    assert "Caiwu-first-9" not in str(event.after)


def test_weak_initial_password_is_refused_in_chinese(login_as) -> None:
    from luoshi.orgs.models import Organization

    org = Organization.objects.get(name="财务处党支部")
    response = login_as("sysadmin").post(
        "/accounts/users/new/", {"username": "weak1", "role": "member", "org": org.pk, "password": "abcdefgh"}
    )
    assert response.status_code == 200
    assert "至少三类" in response.content.decode() or "三类" in response.content.decode()
