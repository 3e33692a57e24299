"""What inspections hand to the rest of luoshi: 督办 of slow measures through supervision,
a 回头看 drawn by supervision's verifiable draw, verification through work's one review,
the audit log's words for a view, and discipline staff's panel on home."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.inspections import actions
from luoshi.inspections.choices import RoundKind
from luoshi.inspections.models import Finding, FollowUpDraw, Round
from luoshi.inspections.tests.test_inspections import finding_of, later, new_round
from luoshi.supervision import draws
from luoshi.supervision.actions import verify_draw
from luoshi.supervision.models import SupervisionOrder
from luoshi.work import rules
from luoshi.work.actions import review_report, submit_report
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db


def late_measures(round_: Round) -> list[Occurrence]:
    return list(Occurrence.objects.filter(duty__rectification__finding__round=round_).filter(rules.red_q()))


# --- 督办 from the round page -----------------------------------------------------------------


def test_jijian_orders_the_late_measures_of_a_round_from_its_page(login_as) -> None:
    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    late = late_measures(regular)
    assert late, "the demo has late measures"
    client = login_as("jijian")
    page = client.get(f"/inspections/rounds/{regular.pk}/").content.decode()
    assert "对勾选的措施下发督办单" in page and all(f'value="{o.pk}"' in page for o in late)
    answer = client.post(
        f"/inspections/rounds/{regular.pk}/order/", {"occurrences": [late[0].pk], "level": "2"}
    )
    order = SupervisionOrder.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/supervision/orders/{order.pk}/"
    assert list(order.occurrences.all()) == [late[0]]
    assert regular.title in order.duty.title and order.level.name == "催办"
    answers = Occurrence.objects.filter(duty=order.duty)
    assert [a.org for a in answers] == [late[0].org]  # the late organisation owes the answer
    page = client.get(f"/inspections/rounds/{regular.pk}/").content.decode()
    assert f"/supervision/orders/{order.pk}/" in page


def test_only_measures_of_the_round_and_only_issuers_may_order(login_as, persona) -> None:
    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    other = new_round(persona)
    measure = actions.add_measure(
        acting_user=persona("jijian"),
        finding=finding_of(persona, other, other.orgs.first()),
        text="改",
        deadline=later(),
    )
    with pytest.raises(ActionRefused, match="不是本轮"):
        actions.supervise_measures(
            acting_user=persona("jijian"), round_=regular, occurrences=[measure.occurrence]
        )
    with pytest.raises(ActionRefused, match="勾选"):
        actions.supervise_measures(acting_user=persona("jijian"), round_=regular, occurrences=[])
    with pytest.raises(AccessRefused):
        actions.supervise_measures(
            acting_user=persona("zhibu1"), round_=regular, occurrences=late_measures(regular)[:1]
        )
    zhibu1 = login_as("zhibu1")
    assert "下发督办单" not in zhibu1.get(f"/inspections/rounds/{regular.pk}/").content.decode()
    mine = [o for o in late_measures(regular) if o.org == persona("zhibu1").org]
    answer = zhibu1.post(f"/inspections/rounds/{regular.pk}/order/", {"occurrences": [o.pk for o in mine]})
    assert answer.status_code in (403, 302) and not SupervisionOrder.objects.exists()


# --- 回头看 drawn ---------------------------------------------------------------------------


def test_a_follow_up_round_is_made_of_a_verifiable_draw(login_as, persona) -> None:
    jijian = persona("jijian")
    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    client = login_as("jijian")
    page = client.get("/inspections/rounds/new/").content.decode()
    assert "冻结范围并公布承诺值" in page
    client.post("/inspections/follow-up-draws/", {"year": "2022", "count": "4"})
    drawn = FollowUpDraw.objects.get()
    pool_orgs = sorted(regular.inspected.values_list("org_id", flat=True))
    assert sorted(drawn.labels.values()) == pool_orgs  # the pool: organisations inspected before
    assert drawn.draw.pool_hash == draws.pool_hash(drawn.draw.pool) and drawn.draw_id
    assert drawn.drawn_org_ids() == []
    before_reveal = client.get(f"/inspections/rounds/new/?draw={drawn.pk}").content.decode()
    assert drawn.draw.commitment in before_reveal and 'name="starts_on"' not in before_reveal
    client.post(f"/inspections/follow-up-draws/{drawn.pk}/reveal/")
    drawn.refresh_from_db()
    drawn.draw.refresh_from_db()
    picked = drawn.drawn_org_ids()
    assert len(picked) == 4 and set(picked) <= set(pool_orgs)
    assert verify_draw(drawn.draw) == []  # anyone recomputes the result from pool and seed
    year = timezone.localdate().year
    form = {
        "draw": drawn.pk,
        "year": year,
        "batch": 3,
        "kind": RoundKind.FOLLOW_UP,
        "starts_on": dt.date(year, 10, 1).isoformat(),
        "ends_on": dt.date(year, 10, 30).isoformat(),
    }
    answer = client.post("/inspections/rounds/new/", form | {"orgs": picked})
    round_ = Round.objects.get(follow_up_draw=drawn)
    assert answer["Location"] == f"/inspections/rounds/{round_.pk}/"
    assert sorted(round_.inspected.values_list("org_id", flat=True)) == sorted(picked)
    assert f"/supervision/draws/{drawn.draw_id}/" in client.get(answer["Location"]).content.decode()
    with pytest.raises(ActionRefused, match="已用于"):
        actions.create_round(
            acting_user=jijian,
            year=year,
            batch=4,
            kind=RoundKind.FOLLOW_UP,
            title="",
            orgs=round_.orgs.all(),
            starts_on=dt.date(year, 10, 1),
            ends_on=dt.date(year, 10, 2),
            follow_up_draw=drawn,
        )


def test_a_drawn_round_takes_exactly_the_result_once_revealed(persona) -> None:
    jijian = persona("jijian")
    drawn = actions.start_follow_up_draw(acting_user=jijian, year=2022, count=2)
    year = timezone.localdate().year
    kwargs = {
        "acting_user": jijian,
        "year": year,
        "batch": 5,
        "title": "",
        "starts_on": dt.date(year, 10, 1),
        "ends_on": dt.date(year, 10, 2),
        "follow_up_draw": drawn,
    }
    some = list(Round.objects.get(year=2022, kind=RoundKind.REGULAR).orgs.all()[:2])
    with pytest.raises(ActionRefused, match="尚未揭示"):
        actions.create_round(kind=RoundKind.FOLLOW_UP, orgs=some, **kwargs)
    actions.reveal_follow_up_draw(acting_user=jijian, follow_up_draw=drawn)
    with pytest.raises(ActionRefused, match="回头看"):
        actions.create_round(kind=RoundKind.REGULAR, orgs=some, **kwargs)
    drawn_orgs = set(drawn.drawn_org_ids())
    wrong = [
        o for o in Round.objects.get(year=2022, kind=RoundKind.REGULAR).orgs.all() if o.pk not in drawn_orgs
    ]
    with pytest.raises(ActionRefused, match="抽取结果一致"):
        actions.create_round(kind=RoundKind.FOLLOW_UP, orgs=wrong[:2], **kwargs)
    with pytest.raises(AccessRefused):
        actions.start_follow_up_draw(acting_user=persona("zhibu1"), year=2022, count=1)
    with pytest.raises(ActionRefused, match="没有确认巡察完成"):
        actions.start_follow_up_draw(acting_user=jijian, year=2001, count=1)


# --- one review path -----------------------------------------------------------------------


def test_a_measure_verified_from_the_review_queue_enters_the_findings_history(persona, login_as) -> None:
    jijian, zhibu1 = persona("jijian"), persona("zhibu1")
    round_ = new_round(persona)
    finding = finding_of(persona, round_, zhibu1.org)
    measure = actions.add_measure(acting_user=jijian, finding=finding, text="补齐记录", deadline=later())
    report = submit_report(acting_user=zhibu1, occurrence=measure.occurrence, text="已补齐。")
    assert rules.reviewable_by(jijian).filter(pk=measure.occurrence.pk).exists()
    assert not rules.reviewable_by(jijian).exclude(duty__kind="rectification").exists()
    assert "补齐记录" in login_as("jijian").get("/work/review/").content.decode()
    review_report(acting_user=jijian, report=report, decision="return", comment="缺佐证")
    report = submit_report(acting_user=zhibu1, occurrence=measure.occurrence, text="已补佐证。")
    review_report(acting_user=jijian, report=report, decision="accept")
    events = list(finding.events.values_list("kind", "comment", "by__username"))
    assert events[-2:] == [("sent_back", "缺佐证", "jijian"), ("verified", "", "jijian")]
    actions.close_finding(acting_user=jijian, finding=finding, comment="同意销号")
    assert Finding.objects.get(pk=finding.pk).status == "closed"


# --- audit and home ------------------------------------------------------------------------


def test_the_audit_log_names_an_inspection_view_in_chinese(login_as, persona) -> None:
    finding = Finding.objects.filter(org=persona("zhibu1").org).first()
    login_as("zhibu1").get(f"/inspections/findings/{finding.pk}/")
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.get_action_display(), event.message) == ("view", "查看", "查看巡察问题")
    page = login_as("auditadmin").get("/audit/?action=view").content.decode()
    assert "查看巡察问题" in page and "查看个人敏感信息</td>" not in page


def test_jijian_home_shows_what_discipline_staff_act_on(login_as, persona) -> None:
    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    home = login_as("jijian").get("/").content.decode()

    def card(label: str) -> int:
        return int(re.search(rf'{label}</div><div class="display-6[^"]*">(\d+)<', home).group(1))

    waiting = rules.reviewable_by(persona("jijian")).filter(duty__kind="rectification").count()
    follow = Round.objects.get(year=2022, kind=RoundKind.FOLLOW_UP)
    assert waiting and card("待验收的整改措施") == waiting
    assert card("逾期的整改措施") == len(late_measures(regular)) + len(late_measures(follow)) > 0
    assert f"/inspections/rounds/{regular.pk}/" in home
    assert "待验收的整改措施" not in login_as("zhibu1").get("/").content.decode()
    assert "待验收的整改措施" not in login_as("jgdw").get("/").content.decode()
