"""Organisation pages: the permission matrix (STYLE.md 17) and the data scope (SECURITY.md 2)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.audit.models import AuditEvent
from luoshi.orgs.models import Organization, Person

pytestmark = pytest.mark.django_db


def branch(name: str) -> Organization:
    return Organization.objects.get(name=name)


def a_person_of(org: Organization) -> Person:
    return Person.objects.filter(org=org).first()


def test_plan_office_sees_the_whole_department_tree(login_as) -> None:
    response = login_as("jgdw").get("/orgs/")
    assert response.status_code == 200
    assert len(response.context["orgs"]) == Organization.objects.count() >= 20
    assert "林业和草原局党组" in response.content.decode()


def test_branch_secretary_sees_only_their_branch(login_as) -> None:
    response = login_as("zhibu1").get("/orgs/")
    names = [o.name for o in response.context["orgs"]]
    assert names == ["办公室党支部", "办公室"]  # the branch and the division it is built in


def test_sibling_branch_secretary_gets_404_for_everything_of_the_other_branch(login_as) -> None:
    office = branch("办公室党支部")
    person = a_person_of(office)
    client = login_as("zhibu2")
    before = AuditEvent.objects.filter(action="denied").count()
    assert client.get(f"/orgs/{office.pk}/").status_code == 404
    assert client.get(f"/orgs/people/{person.pk}/").status_code == 404
    assert client.post(f"/orgs/people/{person.pk}/reveal/").status_code == 404
    assert AuditEvent.objects.filter(action="denied").count() == before + 3


def test_secretary_opens_own_branch_and_members(login_as) -> None:
    office = branch("办公室党支部")
    client = login_as("zhibu1")
    response = client.get(f"/orgs/{office.pk}/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == Person.objects.filter(org=office).count()
    person = a_person_of(office)
    page = client.get(f"/orgs/people/{person.pk}/").content.decode()
    assert person.masked_mobile in page and person.mobile not in page
    assert person.id_number not in page


def test_revealing_personal_data_is_permitted_to_own_staff_and_audited(login_as) -> None:
    person = a_person_of(branch("办公室党支部"))
    before = AuditEvent.objects.filter(action="reveal").count()
    response = login_as("zhibu1").post(f"/orgs/people/{person.pk}/reveal/")
    assert response.status_code == 200
    assert person.mobile in response.content.decode()
    assert AuditEvent.objects.filter(action="reveal").count() == before + 1


def test_a_member_may_not_reveal_personal_data(login_as) -> None:
    person = a_person_of(branch("办公室党支部"))
    response = login_as("dangyuan1").post(f"/orgs/people/{person.pk}/reveal/")
    assert response.status_code == 403
    assert person.mobile not in response.content.decode()


def test_reveal_refuses_get(login_as) -> None:
    person = a_person_of(branch("办公室党支部"))
    assert login_as("zhibu1").get(f"/orgs/people/{person.pk}/reveal/").status_code == 405


@pytest.mark.parametrize("username", ["jgdw", "zhibu1", "lingdao", "auditadmin"])
def test_only_the_system_administrator_creates_organisations(login_as, username) -> None:
    response = login_as(username).get("/orgs/new/")
    assert response.status_code == 403


def test_system_administrator_creates_and_edits_an_organisation_audited(login_as) -> None:
    client = login_as("sysadmin")
    committee = Organization.objects.get(short_name="机关党委")
    response = client.post(
        "/orgs/new/",
        {"name": "新设处党支部", "kind": "branch", "parent": committee.pk, "order": 20, "is_active": "on"},
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="新设处党支部")
    assert org.path.startswith(committee.path) and org.depth == committee.depth + 1
    assert AuditEvent.objects.filter(
        action="create", object_type="orgs.organization", object_id=str(org.pk)
    ).exists()
    data = {
        "name": "新设处党支部",
        "short_name": "新设处",
        "kind": "branch",
        "parent": committee.pk,
        "order": 20,
        "is_active": "on",
        "version": org.version,
    }
    assert client.post(f"/orgs/{org.pk}/edit/", data).status_code == 302
    org.refresh_from_db()
    assert org.short_name == "新设处" and org.version == 2


def test_a_stale_edit_is_refused_with_a_conflict_and_nothing_is_lost(login_as) -> None:
    client = login_as("sysadmin")
    org = branch("财务处党支部")
    data = {
        "name": org.name,
        "short_name": "甲",
        "kind": "branch",
        "parent": org.parent_id,
        "order": 1,
        "is_active": "on",
        "version": org.version,
    }
    assert client.post(f"/orgs/{org.pk}/edit/", data).status_code == 302
    stale = dict(data, short_name="乙")  # still carries the old version
    response = client.post(f"/orgs/{org.pk}/edit/", stale)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    org.refresh_from_db()
    assert org.short_name == "甲"


def test_an_organisation_cannot_move_under_its_own_subtree(login_as) -> None:
    committee = Organization.objects.get(short_name="机关党委")
    child = branch("财务处党支部")
    data = {
        "name": committee.name,
        "kind": committee.kind,
        "parent": child.pk,
        "order": 1,
        "is_active": "on",
        "version": committee.version,
    }
    response = login_as("sysadmin").post(f"/orgs/{committee.pk}/edit/", data)
    assert "不能把组织移到" in response.content.decode()


def test_moving_an_organisation_rewrites_its_subtree_paths(login_as) -> None:
    info = Organization.objects.get(name="自然资源信息中心党总支")
    committee = Organization.objects.get(short_name="机关党委")
    data = {
        "name": info.name,
        "kind": info.kind,
        "parent": committee.pk,
        "order": 9,
        "is_active": "on",
        "version": info.version,
    }
    assert login_as("sysadmin").post(f"/orgs/{info.pk}/edit/", data).status_code == 302
    for child in Organization.objects.filter(parent__name=info.name):
        assert child.path.startswith(committee.path) and child.depth == committee.depth + 2


def test_tree_page_query_count_does_not_grow_with_organisations(login_as) -> None:
    client = login_as("jgdw")
    with CaptureQueriesContext(connection) as before:
        client.get("/orgs/")
    committee = Organization.objects.get(short_name="机关党委")
    for i in range(30):
        Organization(name=f"临时党支部{i}", kind="branch", parent=committee).save()
    with CaptureQueriesContext(connection) as after:
        client.get("/orgs/")
    assert len(after) == len(before)
