"""三权分立 for credentials (SECURITY.md test 4, issue S-3): only the security administrator
resets passwords and authenticators, never their own nor a peer's; the system administrator
who creates an administrator account never knows its password; a reset of an administrator
unbinds the second factor and is shown to the audit administrator at next login."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.accounts import actions
from luoshi.accounts.models import User
from luoshi.conftest import PASSWORD
from luoshi.core.errors import AccessRefused, ActionRefused

pytestmark = pytest.mark.django_db
TEMPORARY = "Temp-reset-42x"


def test_the_system_administrator_cannot_reset_the_audit_administrators_password(login_as, persona) -> None:
    auditadmin = persona("auditadmin")
    response = login_as("sysadmin").post(
        f"/accounts/users/{auditadmin.pk}/reset-password/", {"password": TEMPORARY, "reset_otp": "on"}
    )
    assert response.status_code == 403
    with pytest.raises(AccessRefused):
        actions.reset_credentials(acting_user=persona("sysadmin"), user=auditadmin, password=TEMPORARY)
    auditadmin.refresh_from_db()
    assert auditadmin.check_password(PASSWORD) and not auditadmin.must_change_password
    # …so logging in as the audit administrator with a password of one's choosing fails.
    assert (
        Client().post("/accounts/login/", {"username": "auditadmin", "password": TEMPORARY}).status_code
        == 200
    )


def test_the_security_administrator_resets_neither_self_nor_a_peer(persona) -> None:
    secadmin = persona("secadmin")
    peer = actions.create_user(
        acting_user=persona("sysadmin"), username="secadmin3", role="secadmin", org=secadmin.org, password=""
    )
    actions.reset_credentials(acting_user=secadmin, user=peer, password=TEMPORARY)  # first password only
    for target in (secadmin, User.objects.get(pk=peer.pk)):
        with pytest.raises(AccessRefused):
            actions.reset_credentials(acting_user=secadmin, user=target, password="Another-pass-77")
    peer.refresh_from_db()
    assert peer.check_password(TEMPORARY)


def test_an_administrator_account_is_created_without_a_password_the_creator_knows(persona) -> None:
    sysadmin = persona("sysadmin")
    with pytest.raises(ActionRefused, match="安全管理员设置"):
        actions.create_user(
            acting_user=sysadmin,
            username="audit9",
            role="auditadmin",
            org=sysadmin.org,
            password="Known-pass-99",
        )
    created = actions.create_user(
        acting_user=sysadmin, username="audit9", role="auditadmin", org=sysadmin.org, password=""
    )
    assert not created.has_usable_password()


def test_resetting_an_administrator_unbinds_the_authenticator_and_tells_the_audit_administrator(
    login_as, persona
) -> None:
    sysadmin = persona("sysadmin")
    User.objects.filter(pk=sysadmin.pk).update(
        otp_secret="JBSWY3DPEHPK3PXP", otp_confirmed_at="2026-01-01T00:00Z"
    )
    login_as("auditadmin")  # the audit administrator's previous login, before the reset
    response = login_as("secadmin").post(
        f"/accounts/users/{sysadmin.pk}/reset-password/",
        {"password": TEMPORARY},  # box not ticked
    )
    assert response.status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.otp_secret == "" and sysadmin.otp_confirmed_at is None and sysadmin.must_change_password

    auditor = Client()
    auditor.post("/accounts/login/", {"username": "auditadmin", "password": PASSWORD})
    shown = [str(m) for m in auditor.get("/").context["messages"]]
    assert any("secadmin 重置了管理员账户" in m and str(sysadmin) in m for m in shown), shown
    again = Client()
    again.post("/accounts/login/", {"username": "auditadmin", "password": PASSWORD})
    assert not [str(m) for m in again.get("/").context["messages"] if "重置了管理员账户" in str(m)]


def test_a_business_account_reset_by_the_security_administrator_keeps_working(login_as, persona) -> None:
    zhibu1 = persona("zhibu1")
    assert (
        login_as("secadmin")
        .post(f"/accounts/users/{zhibu1.pk}/reset-password/", {"password": TEMPORARY})
        .status_code
        == 302
    )
    zhibu1.refresh_from_db()
    assert zhibu1.check_password(TEMPORARY) and zhibu1.must_change_password
