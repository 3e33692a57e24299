"""Random draws: commitment before, seed after, the result recomputed from the seed (in
Python here; the browser does the same), no modulo bias, exclusions, sealing, API."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

import pytest

from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.supervision import actions, draws
from luoshi.supervision.models import DrawStatus

pytestmark = pytest.mark.django_db

POOL = "办公室党支部\n人事处党支部*3\n财务处党支部\n机关服务中心党支部\n信息中心党支部"


def test_commit_then_reveal_and_verify(persona):
    d = actions.create_draw(acting_user=persona("jijian"), title="第一季度随机调研", pool_text=POOL, count=2)
    assert d.commitment == hashlib.sha256(d.seed.encode()).hexdigest() and d.result is None
    assert d.pool_hash == draws.pool_hash(d.pool)
    d = actions.reveal_draw(acting_user=persona("jijian"), draw=d)
    assert d.status == DrawStatus.REVEALED and len(d.result) == 2
    assert draws.draw(d.pool, 2, d.seed) == d.result
    assert actions.verify_draw(d) == []
    with pytest.raises(ActionRefused, match="已揭示"):
        actions.reveal_draw(acting_user=persona("jijian"), draw=d)
    d.result = list(reversed(d.result))
    assert "不一致" in actions.verify_draw(d)[0]


def test_uniform_without_modulo_bias():
    # n = 3 does not divide 2**256; rejection keeps the draw uniform.
    counts = Counter(draws.uniform_below(f"s{i}", 3, 0)[0] for i in range(3000))
    assert set(counts) == {0, 1, 2} and all(900 < c < 1100 for c in counts.values())


def test_weights_and_exclusions(persona):
    pool = [{"label": "甲", "weight": 99}, {"label": "乙", "weight": 1}]
    firsts = Counter(draws.draw(pool, 1, f"seed{i}")[0]["label"] for i in range(500))
    assert firsts["甲"] > 450
    jgdw = persona("jgdw")
    first = actions.reveal_draw(
        acting_user=jgdw,
        draw=actions.create_draw(acting_user=jgdw, title="轮换", pool_text="甲\n乙\n丙", count=1),
    )
    second = actions.create_draw(
        acting_user=jgdw, title="轮换", pool_text="甲\n乙\n丙", count=1, exclude_rounds=1
    )
    assert first.result[0]["label"] not in [i["label"] for i in second.pool]


def test_refusals_in_chinese(persona):
    jgdw = persona("jgdw")
    with pytest.raises(ActionRefused, match="抽取数量应为1至2"):
        actions.create_draw(acting_user=jgdw, title="x", pool_text="甲\n乙", count=5)
    with pytest.raises(ActionRefused, match="权重"):
        actions.create_draw(acting_user=jgdw, title="x", pool_text="甲*abc", count=1)
    with pytest.raises(ActionRefused, match="调研日期"):
        actions.create_draw(acting_user=jgdw, title="x", pool_text="甲", count=1, unannounced=True)
    with pytest.raises(AccessRefused):
        actions.create_draw(acting_user=persona("zhibu1"), title="x", pool_text="甲", count=1)


def test_sealed_until_visit_and_seed_hidden_until_reveal(persona, api_token, client):
    jgdw = persona("jgdw")
    sealed = actions.create_draw(
        acting_user=jgdw,
        title="不打招呼",
        pool_text=POOL,
        count=1,
        unannounced=True,
        visit_date=dt.date.today() + dt.timedelta(days=30),
    )
    zhibu = {"Authorization": f"Bearer {api_token('zhibu1')}"}
    office = {"Authorization": f"Bearer {api_token('jgdw')}"}
    assert sealed.pk not in [i["id"] for i in client.get("/api/draws", headers=zhibu).json()["items"]]
    assert client.get(f"/api/draws/{sealed.pk}", headers=zhibu).status_code == 404
    shown = client.get(f"/api/draws/{sealed.pk}", headers=office).json()
    assert shown["seed"] is None and shown["commitment"] == sealed.commitment
    actions.reveal_draw(acting_user=jgdw, draw=sealed)
    shown = client.get(f"/api/draws/{sealed.pk}", headers=office).json()
    assert (
        shown["verified"] is True
        and hashlib.sha256(shown["seed"].encode()).hexdigest() == shown["commitment"]
    )


def test_draw_pages(login_as):
    client = login_as("jgdw")
    page = client.post("/supervision/draws/", {"title": "页面抽取", "pool": POOL, "count": "x"})
    assert "抽取数量和排除轮数应为整数" in page.content.decode()
    answer = client.post(
        "/supervision/draws/", {"title": "页面抽取", "pool": POOL, "count": "2", "rule": "因故重抽一次"}
    )
    assert answer.status_code == 302
    detail = client.get(answer["Location"]).content.decode()
    assert "承诺值" in detail and "draw-data" not in detail
    client.post(answer["Location"] + "reveal/")
    detail = client.get(answer["Location"]).content.decode()
    assert 'id="draw-data"' in detail and "data-verify-draw" in detail and "均与公布数据一致" in detail
