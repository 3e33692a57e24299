"""Every page counts with the same rules: home, 我的待办, the ledger and the API show the
same numbers for the same user, and lists cost a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.work.models import Occurrence
from luoshi.work.rules import COUNTED_BUCKETS

pytestmark = pytest.mark.django_db

BUCKETS = COUNTED_BUCKETS  # 已撤回 counts nowhere


def api(api_token, username: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token(username)}"})


def only_buckets(counts: dict[str, int]) -> dict[str, int]:
    return {k: counts[k] for k in ["total", *BUCKETS]}


@pytest.mark.parametrize("username", ["jgdw", "zhibu1", "lingdao"])
def test_home_my_work_ledger_and_api_agree(username, login_as, api_token) -> None:
    client, token = login_as(username), api(api_token, username)
    home = client.get("/").context
    my_work = client.get("/work/my/").context
    ledger = client.get("/tasks/ledger/").context
    own = only_buckets(home["own"])
    assert own == only_buckets(my_work["counts"])
    assert {b: n for b, _, n in my_work["tabs"]} == {b: own[b] for b in BUCKETS}
    assert own == only_buckets(token.get("/api/occurrences/counts?mine=1").json())
    # The task ledger lists the plan's tasks; the API and home count every duty (meetings,
    # letters … too): the ledger plus the other duties' occurrences is the API's count.
    from luoshi.work import rules
    from luoshi.work.filters import OccurrenceFilters, occurrences_for

    user = client.get("/").context["user"]
    others = rules.bucket_counts(occurrences_for(user, OccurrenceFilters()).filter(duty__task__isnull=True))
    tasks = only_buckets(ledger["totals"])
    scope = {k: tasks[k] + (others[k] or 0) for k in tasks}
    assert scope == only_buckets(token.get("/api/occurrences/counts").json())
    if "scope" in home:
        assert only_buckets(home["scope"]) == scope
    for bucket in BUCKETS:
        listed = token.get(f"/api/occurrences?status={bucket}&limit=1").json()["count"]
        assert listed == scope[bucket], bucket
        mine = token.get(f"/api/occurrences?status={bucket}&mine=1&limit=1").json()["count"]
        assert mine == own[bucket], bucket
    assert sum(own[b] for b in BUCKETS) == own["total"]


def test_the_demo_shows_late_returned_and_due_soon_work_today(login_as) -> None:
    """The current year's plan is played out up to today: something of each kind shows."""
    home = login_as("zhibu1").get("/").context
    assert home["own"]["returned"] >= 1 and home["own"]["late"] >= 1 and home["own"]["soon"] >= 1
    office = login_as("jgdw").get("/").context
    assert office["scope"]["soon"] >= 1 and office["to_review"] >= 1


def test_the_leader_owes_only_the_party_groups_work(login_as, persona) -> None:
    leader = persona("lingdao")
    counts = login_as("lingdao").get("/work/my/").context["counts"]
    assert counts["total"] == Occurrence.objects.filter(org=leader.org).count()
    assert counts["total"] < Occurrence.objects.count()


def test_lists_are_paged_and_the_count_is_the_real_count(login_as, api_token) -> None:
    token = api(api_token, "jgdw")
    page = token.get("/api/occurrences?limit=5").json()
    assert len(page["items"]) == 5 and page["count"] == Occurrence.objects.count()
    my_work = login_as("jgdw").get("/work/my/?status=done").context
    assert my_work["page"].paginator.count == my_work["counts"]["done"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/work/my/",
        "/work/my/?status=done",
        "/work/review/",
        "/api/occurrences?limit=200",
        "/api/occurrences/counts",
        "/api/reviews?limit=200",
        "/api/tasks?limit=200",
        "/api/plans",
        "/api/orgs?limit=200",
    ],
)
def test_query_counts_do_not_grow_with_rows(url, login_as, api_token) -> None:
    """Adding occurrences, reports waiting for review and organisations' work changes no
    page's or API list's number of queries."""
    client = login_as("jgdw") if not url.startswith("/api/") else api(api_token, "jgdw")
    before = _queries(client, url)
    occurrence = Occurrence.objects.filter(status="submitted").select_related("duty").first()
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                duty=occurrence.duty,
                org=occurrence.org,
                period=f"附加{i}",
                period_start=occurrence.period_start,
                due_date=occurrence.due_date,
                status=("submitted", "done", "returned", "overdue")[i % 4],
            )
            for i in range(40)
        ]
    )
    assert _queries(client, url) == before
