"""Every page of notices and supervision answers each persona in Chinese: a page or a
403, never an error; menus show the entries a role may use."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/notices/",
    "/notices/channels/",
    "/notices/failures/",
    "/supervision/lights/",
    "/supervision/orders/",
    "/supervision/orders/new/",
    "/supervision/draws/",
]
ALLOWED = {
    "jgdw": set(PAGES) - {"/notices/failures/"},
    "jijian": set(PAGES) - {"/notices/failures/"},
    "lingdao": set(PAGES) - {"/notices/failures/", "/supervision/orders/new/"},
    "zhibu1": {"/notices/", "/notices/channels/", "/supervision/orders/", "/supervision/draws/"},
    "sysadmin": {"/notices/", "/notices/channels/", "/notices/failures/"},
}


@pytest.mark.parametrize("username", sorted(ALLOWED))
def test_pages_by_role(login_as, username):
    client = login_as(username)
    for url in PAGES:
        response = client.get(url)
        expected = 200 if url in ALLOWED[username] else 403
        assert response.status_code == expected, (username, url, response.status_code)
        assert 'lang="zh-CN"' in response.content.decode()


def test_demo_draw_is_there_and_verifies(login_as):
    from luoshi.supervision.models import Draw

    draw = Draw.objects.filter(status="revealed").first()
    assert draw is not None
    page = login_as("zhibu1").get(f"/supervision/draws/{draw.pk}/").content.decode()
    assert "均与公布数据一致" in page
    assert "督查督办" in login_as("jgdw").get("/").content.decode()
