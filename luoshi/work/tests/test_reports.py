"""Reporting and review: evidence checks, statuses with their history, permissions,
conflicts and exactly-once review."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEvent
from luoshi.core.samplefiles import pdf_bytes, png_bytes
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Evidence, Occurrence, Report
from luoshi.work.uploads import stored_exists

pytestmark = pytest.mark.django_db


def open_occurrence(org_name: str = "办公室党支部") -> Occurrence:
    occ = Occurrence.objects.filter(org__name=org_name).order_by("due_date").first()
    Occurrence.objects.filter(pk=occ.pk).update(status=OccurrenceStatus.NOT_STARTED, achieved_count=0)
    occ.reports.all().delete()
    occ.refresh_from_db()
    return occ


def docx_bytes(extra: dict[str, bytes] | None = None, content_types: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f"<Types>{content_types}</Types>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"0" * (120 * 1024 * 1024))
    return buffer.getvalue()


GOOD = [
    ("会议记录.pdf", pdf_bytes(["minutes"])),
    ("照片.png", png_bytes()),
    ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    ("材料.docx", docx_bytes()),
]
# Each refused file, with the words its refusal must say (not just any refusal).
BAD = [
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "不支持"),
    ("page.html", b"<html><script>alert(1)</script></html>", "不支持"),
    ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "不支持"),
    ("macro.docm", docx_bytes({"word/vbaProject.bin": b"x"}), "宏"),
    ("macro.docx", docx_bytes(content_types="application/vnd.ms-word.document.macroEnabled.main+xml"), "宏"),
    (
        "script.pdf",
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj",
        "脚本",
    ),
    ("random.png", bytes(range(256)) * 4, "不支持"),
    ("empty.pdf", b"", "空"),
]


def post_report(client, occ: Occurrence, files=(), text="本季度召开支委会3次，已按要求完成。", count=""):
    data = {"text": text, "count": count, "files": [SimpleUploadedFile(n, d) for n, d in files]}
    return client.post(f"/work/occurrences/{occ.pk}/report/", data)


def test_secretary_reports_with_evidence_and_the_office_accepts(login_as) -> None:
    occ = open_occurrence()
    zhibu1 = login_as("zhibu1")
    assert post_report(zhibu1, occ, GOOD).status_code == 302
    occ.refresh_from_db()
    report = occ.reports.get()
    assert occ.status == OccurrenceStatus.SUBMITTED and report.evidence.count() == len(GOOD)
    assert all(stored_exists(e.stored_name) for e in report.evidence.all())
    response = login_as("jgdw").post(f"/work/reports/{report.pk}/review/", {"decision": "accept"})
    assert response.status_code == 302
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.DONE
    assert [(c.old, c.new) for c in occ.changes.order_by("id")][-2:] == [
        ("not_started", "submitted"),
        ("submitted", "done"),
    ]
    assert AuditEvent.objects.filter(object_type="work.report", object_id=str(report.pk)).count() == 2


@pytest.mark.parametrize(("name", "data", "says"), BAD, ids=[b[0] for b in BAD])
def test_bad_evidence_is_refused_and_nothing_is_saved(login_as, name, data, says) -> None:
    """A refused file names itself and why; the report and the good file beside it are not
    saved, and what was typed stays in the form."""
    occ = open_occurrence()
    files_before = Evidence.objects.count()
    client = login_as("zhibu1")
    response = post_report(
        client, occ, [("好.pdf", pdf_bytes(["ok"])), (name, data)], text="本季度已完成学习。"
    )
    assert response.status_code == 400
    assert Report.objects.filter(occurrence=occ).count() == 0
    assert Evidence.objects.count() == files_before
    page = response.content.decode()
    error = next(e for e in response.context["report_form"].errors["files"] if "“" in e)
    assert says in error and name.split(".")[0] in error
    assert "本季度已完成学习。" in page and "请重新选择" in page


def test_a_report_without_text_names_the_field_and_keeps_the_count(login_as) -> None:
    occ = open_occurrence()
    response = post_report(login_as("zhibu1"), occ, text="", count="3")
    assert response.status_code == 400
    assert "“进展情况”" in response.content.decode()
    assert response.context["report_form"]["count"].value() == "3"
    assert Report.objects.filter(occurrence=occ).count() == 0


def test_zip_bombs_are_refused(login_as) -> None:
    occ = open_occurrence()
    post_report(login_as("zhibu1"), occ, [("big.docx", zip_bomb())])
    assert Report.objects.filter(occurrence=occ).count() == 0


def test_returning_needs_a_comment_and_the_secretary_reports_again(login_as) -> None:
    occ = open_occurrence()
    zhibu1, office = login_as("zhibu1"), login_as("jgdw")
    post_report(zhibu1, occ)
    report = occ.reports.get()
    office.post(f"/work/reports/{report.pk}/review/", {"decision": "return", "comment": ""})
    report.refresh_from_db()
    assert report.status == "submitted"
    office.post(f"/work/reports/{report.pk}/review/", {"decision": "return", "comment": "请补充会议记录"})
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.RETURNED
    assert occ in list(Occurrence.objects.filter(status="returned"))
    post_report(zhibu1, occ, text="已补充会议记录。")
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.SUBMITTED and occ.reports.count() == 2


def test_a_report_is_reviewed_exactly_once(login_as, persona) -> None:
    from luoshi.core.errors import ActionRefused
    from luoshi.work.actions import review_report

    occ = open_occurrence()
    post_report(login_as("zhibu1"), occ)
    report = occ.reports.get()
    review_report(acting_user=persona("jgdw"), report=report, decision="accept")
    with pytest.raises(ActionRefused, match="已被审核"):
        review_report(
            acting_user=persona("jgdw"),
            report=Report.objects.get(pk=report.pk),
            decision="return",
            comment="x",
        )


def test_targets_accumulate_until_reached(login_as, persona) -> None:
    from luoshi.work.actions import review_report, submit_report

    occ = open_occurrence()
    Occurrence.objects.filter(pk=occ.pk).update(target_count=9)
    occ.refresh_from_db()
    office = persona("jgdw")
    report = submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="已巡察3家。", count=3)
    review_report(acting_user=office, report=report, decision="accept")
    occ.refresh_from_db()
    assert (occ.status, occ.achieved_count) == (OccurrenceStatus.IN_PROGRESS, 3)
    report = submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="又巡察6家。", count=6)
    review_report(acting_user=office, report=report, decision="accept")
    occ.refresh_from_db()
    assert (occ.status, occ.achieved_count) == (OccurrenceStatus.DONE, 9)


def test_a_sibling_branch_gets_404_and_cannot_report_or_download(login_as, persona) -> None:
    from luoshi.work.actions import submit_report

    occ = open_occurrence()
    report = submit_report(
        acting_user=persona("zhibu1"),
        occurrence=occ,
        text="完成。",
        files=[SimpleUploadedFile("a.pdf", pdf_bytes(["a"]))],
    )
    zhibu2 = login_as("zhibu2")
    assert zhibu2.get(f"/work/occurrences/{occ.pk}/").status_code == 404
    assert post_report(zhibu2, occ).status_code == 404
    assert zhibu2.get(f"/work/evidence/{report.evidence.get().pk}/").status_code == 404
    assert zhibu2.post(f"/work/reports/{report.pk}/review/", {"decision": "accept"}).status_code == 404


def test_a_member_and_the_reporting_branch_cannot_review(login_as, persona) -> None:
    from luoshi.work.actions import submit_report

    occ = open_occurrence()
    report = submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="完成。")
    for username in ("zhibu1", "dangyuan1"):
        login_as(username).post(f"/work/reports/{report.pk}/review/", {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == "submitted"


def test_evidence_downloads_as_an_attachment_with_a_safe_name(login_as, persona) -> None:
    from luoshi.work.actions import submit_report

    occ = open_occurrence()
    name = '../../etc/pass"wd\r\nX-Evil: 1.pdf'
    report = submit_report(
        acting_user=persona("zhibu1"),
        occurrence=occ,
        text="完成。",
        files=[SimpleUploadedFile(name, pdf_bytes(["a"]))],
    )
    evidence = report.evidence.get()
    assert "/" not in evidence.original_name and "\n" not in evidence.original_name
    assert evidence.stored_name.isalnum() and len(evidence.stored_name) == 32
    response = login_as("zhibu1").get(f"/work/evidence/{evidence.pk}/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition and "\r" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_two_people_editing_one_report_the_second_gets_a_conflict(login_as, persona) -> None:
    from luoshi.work.actions import submit_report

    occ = open_occurrence()
    report = submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="初稿。")
    first, second = login_as("zhibu1"), login_as("zhibu1")
    stale_version = report.version
    assert (
        first.post(
            f"/work/reports/{report.pk}/edit/", {"text": "第一人修改。", "version": stale_version}
        ).status_code
        == 302
    )
    response = second.post(
        f"/work/reports/{report.pk}/edit/", {"text": "第二人修改。", "version": stale_version}
    )
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.text == "第一人修改。"


def test_overdue_occurrences_are_marked_with_a_history_row() -> None:
    import datetime as dt

    from luoshi.work.actions import mark_overdue

    occ = open_occurrence()
    assert mark_overdue(today=occ.due_date + dt.timedelta(days=1)) >= 1
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.OVERDUE
    assert occ.changes.filter(new="overdue").exists()
    assert mark_overdue(today=occ.due_date + dt.timedelta(days=1)) == 0


def test_my_work_opens_on_what_was_returned_and_counts_every_tab(login_as) -> None:
    occ = open_occurrence()
    Occurrence.objects.filter(pk=occ.pk).update(status=OccurrenceStatus.RETURNED)
    page = login_as("zhibu1").get("/work/my/")
    assert page.status_code == 200 and page.context["tab"] == "returned"
    assert occ.pk in {o.pk for o in page.context["page"].object_list}
    counts = page.context["counts"]
    assert sum(n for _, _, n in page.context["tabs"]) == counts["total"]
    owed = Occurrence.objects.filter(org__path__startswith=occ.org.path)
    assert counts["total"] == owed.count() and counts["returned"] == owed.filter(status="returned").count()


def test_the_review_queue_lists_every_submitted_report_of_the_office_scope(login_as) -> None:
    office = login_as("jgdw").get("/work/review/")
    waiting = Occurrence.objects.filter(status="submitted").exclude(reports__author__username="jgdw")
    assert office.context["page"].paginator.count == waiting.distinct().count() > 0


def test_the_worker_command_marks_overdue_once(capsys) -> None:
    from luoshi.cli import main

    occ = open_occurrence()
    assert main(["worker", "--once"]) == 0
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.OVERDUE
    assert "已标记逾期事项" in capsys.readouterr().out


def test_a_returned_report_is_corrected_from_what_was_sent_and_the_audit_says_why(login_as, persona) -> None:
    from luoshi.work.actions import review_report, submit_report

    occ = open_occurrence()
    report = submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="初次报送的内容。", count=2)
    review_report(acting_user=persona("jgdw"), report=report, decision="return", comment="请补充人数")
    page = login_as("zhibu1").get(f"/work/occurrences/{occ.pk}/")
    form = page.context["report_form"]
    assert form["text"].value() == "初次报送的内容。" and form["count"].value() == 2
    assert "请按意见修改后重新报送" in page.content.decode()
    watcher = login_as("dangyuan1").get(f"/work/occurrences/{occ.pk}/").content.decode()
    assert "已退回报送单位修改" in watcher and "请按意见修改后重新报送" not in watcher
    event = (
        AuditEvent.objects.filter(object_type="work.report", object_id=str(report.pk))
        .order_by("-seq")
        .first()
    )
    assert event.message == "退回：请补充人数"


def test_a_member_sees_what_the_branch_owes_as_its_secretary_does(login_as) -> None:
    member = login_as("dangyuan1").get("/work/my/").context["counts"]
    secretary = login_as("zhibu1").get("/work/my/").context["counts"]
    assert member == secretary
