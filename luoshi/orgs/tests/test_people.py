"""People management: the plan office for the department, organisation staff for their
subtree; personal fields validated, encrypted, and audited only as digests."""

from __future__ import annotations

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.orgs.models import Organization, Person, Post

pytestmark = pytest.mark.django_db


def data(org: Organization, **extra: str) -> dict[str, object]:
    return {
        "name": "新同志",
        "org": org.pk,
        "party_status": "probationary",
        "mobile": "13900001111",
        "id_number": "45010319900101123x",
        "gender": "female",
    } | extra


def test_a_secretary_adds_a_member_to_the_branch_and_the_log_keeps_no_numbers(login_as) -> None:
    branch = Organization.objects.get(name="办公室党支部")
    response = login_as("zhibu1").post("/orgs/people/new/", data(branch))
    assert response.status_code == 302
    person = Person.objects.get(name="新同志")
    assert person.id_number == "45010319900101123X" and person.org == branch
    event = AuditEvent.objects.get(action="create", object_type="orgs.person", object_id=str(person.pk))
    assert "13900001111" not in str(event.after) and "1990" not in str(event.after)


def test_a_secretary_cannot_add_people_to_a_sibling_branch(login_as) -> None:
    other = Organization.objects.get(name="政策法规处党支部")
    response = login_as("zhibu1").post("/orgs/people/new/", data(other))
    assert response.status_code == 200 and not Person.objects.filter(name="新同志").exists()  # not a choice


def test_bad_numbers_are_refused_in_chinese(login_as) -> None:
    branch = Organization.objects.get(name="办公室党支部")
    response = login_as("zhibu1").post("/orgs/people/new/", data(branch, mobile="12345", id_number="abc"))
    body = response.content.decode()
    assert "请输入11位手机号码" in body and "请输入18位身份证号" in body


def test_editing_reveals_audited_and_a_stale_version_conflicts(login_as) -> None:
    person = Person.objects.filter(org__name="办公室党支部").first()
    client = login_as("jgdw")
    before = AuditEvent.objects.filter(action="reveal").count()
    page = client.get(f"/orgs/people/{person.pk}/edit/")
    assert person.mobile in page.content.decode()
    assert AuditEvent.objects.filter(action="reveal").count() == before + 1
    form = {
        "name": person.name,
        "org": person.org_id,
        "party_status": person.party_status,
        "mobile": person.mobile,
        "id_number": person.id_number,
        "job_title": "副处长",
        "version": person.version,
    }
    assert client.post(f"/orgs/people/{person.pk}/edit/", form).status_code == 302
    stale = client.post(f"/orgs/people/{person.pk}/edit/", form | {"job_title": "处长"})
    assert "已被他人修改" in stale.content.decode()
    person.refresh_from_db()
    assert person.job_title == "副处长"


def test_members_and_outsiders_cannot_edit(login_as) -> None:
    person = Person.objects.filter(org__name="办公室党支部").first()
    assert login_as("dangyuan1").get(f"/orgs/people/{person.pk}/edit/").status_code == 403
    assert login_as("zhibu2").get(f"/orgs/people/{person.pk}/edit/").status_code == 404


def test_posts_are_added_and_ended(login_as) -> None:
    person = Person.objects.filter(org__name="办公室党支部").last()
    client = login_as("zhibu1")
    client.post(f"/orgs/people/{person.pk}/posts/", {"org": person.org_id, "kind": "publicity"})
    post = Post.objects.get(person=person, kind="publicity", ended_on__isnull=True)
    again = client.post(f"/orgs/people/{person.pk}/posts/", {"org": person.org_id, "kind": "publicity"})
    assert again.status_code == 302 and Post.objects.filter(person=person, kind="publicity").count() == 1
    client.post(f"/orgs/people/{person.pk}/posts/{post.pk}/end/")
    post.refresh_from_db()
    assert post.ended_on is not None
