"""Evidence checks that do not trust what a file says about itself (SECURITY.md test 11,
issue S-1): PDFs parsed over every object, zip members counted while they inflate, the
extension compared with the content, OLE Office files checked for macros, the scanner."""

from __future__ import annotations

import io
import random
import socket
import struct
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from luoshi.core import filecheck
from luoshi.core.errors import ActionRefused
from luoshi.core.samplefiles import ole_bytes, pdf_bytes, pdf_with, png_bytes

CATALOG = "<< /Type /Catalog /Pages 2 0 R{extra} >>"
PAGES = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def pdf_doc(catalog_extra: str, fourth: str, compressed: tuple[int, ...] = ()) -> bytes:
    return pdf_with([CATALOG.format(extra=catalog_extra), PAGES, PAGE, fourth], compressed=compressed)


def docx(members: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def real_docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("会议记录")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def real_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["单位", "完成"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def under_declared(piece: bytes, count: int, declared: int = 1000) -> bytes:
    """A .docx whose word/document.xml inflates to `count` times `piece` while both its local
    and central headers declare `declared` bytes — the probe's bomb, written piece by piece."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as member:
            for _ in range(count):
                member.write(piece)
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    struct.pack_into("<L", data, info.header_offset + 22, declared)
    central = data.find(b"word/document.xml", data.find(b"PK\x01\x02")) - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<L", data, central + 24, declared)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").file_size == declared
    return bytes(data)


GOOD = [
    ("会议记录.pdf", pdf_bytes(["minutes"])),
    ("压缩结构.pdf", pdf_doc(" /OpenAction 4 0 R", "<< /S /GoTo /D [3 0 R /Fit] >>", compressed=(2, 4))),
    ("照片.png", png_bytes()),
    ("照片.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    ("照片.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    ("材料.docx", real_docx()),
    ("台账.xlsx", real_xlsx()),
    ("旧版材料.doc", ole_bytes({"WordDocument": b"\xec\xa5" + b"\0" * 100, "1Table": b"\0" * 10})),
    ("旧版台账.xls", ole_bytes({"Workbook": b"\x09\x08" + b"\0" * 100})),
]


@pytest.mark.parametrize(("name", "data"), GOOD, ids=[g[0] for g in GOOD])
def test_good_files_of_each_type_are_accepted(name, data) -> None:
    assert filecheck.check(data, name).content_type


BAD = [
    # the probe's PDFs: hex-escaped names, and an /OpenAction inside a compressed object stream
    ("escaped.pdf", pdf_doc(" /OpenAction 4 0 R", "<< /S /J#61vaScript /J#53 (app.alert(1)) >>"), "脚本"),
    ("objstm.pdf", pdf_doc(" /OpenAction 4 0 R", "<< /S /JavaScript /JS (app.alert(1)) >>", (4,)), "脚本"),
    ("launch.pdf", pdf_doc(" /OpenAction 4 0 R", "<< /S /L#61unch /F (cmd.exe) >>"), "脚本"),
    (
        "names.pdf",
        pdf_doc(" /Names 4 0 R", "<< /EmbeddedFiles << /Names [(a.exe) 3 0 R] >> >>", (4,)),
        "嵌入",
    ),
    ("embedded.pdf", pdf_doc("", "<< /Type /Embedded#46ile /Length 0 >>"), "嵌入"),
    ("xfa.pdf", pdf_doc(" /AcroForm 4 0 R", "<< /Fields [] /X#46A 3 0 R >>", (4,)), "脚本"),
    ("aa.pdf", pdf_doc("", "<< /Type /Annot /A << /S /#4A#61#76#61Script /JS 3 0 R >> >>", (4,)), "脚本"),
    ("truncated.pdf", pdf_bytes(["a"])[:60], "损坏"),
    # names that disagree with the content
    ("report.html", png_bytes(), "扩展名"),
    ("report.pdf", png_bytes(), "扩展名"),
    ("photo.png", real_docx(), "扩展名"),
    ("old.xls", ole_bytes({"WordDocument": b"\0"}), "扩展名"),
    ("noextension", pdf_bytes(["a"]), "扩展名"),
    # zip members that lie about their size, and macros
    ("small-lie.docx", under_declared(random.Random(1).randbytes(5000), 1), "损坏"),
    ("macro.docx", docx({"word/vbaProject.bin": b"x"}), "宏"),
    ("embedded-macro.docx", docx({"word/embeddings/book.xlsm": b"PK"}), "宏"),
    (
        "embedded-ole.docx",
        docx({"word/embeddings/oleObject1.bin": ole_bytes({"Macros/VBA/dir": b"x"})}),
        "宏",
    ),
    # OLE Office with VBA: a regular project, and code hidden outside any VBA storage
    (
        "macro.doc",
        ole_bytes({"WordDocument": b"\0", "Macros/PROJECT": b"ID=1", "Macros/VBA/dir": b"\0"}),
        "宏",
    ),
    ("hidden.xls", ole_bytes({"Workbook": b"\0", "Data/Blob": b"\x01\x00Attribut\x00e VB_Name"}), "宏"),
    ("other.doc", ole_bytes({"PowerPoint Document": b"\0"}), "不支持"),
    ("random.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4, "损坏"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_with_a_clear_reason(name, data, reason) -> None:
    with pytest.raises(ActionRefused) as refused:
        filecheck.check(data, name)
    assert reason in str(refused.value), str(refused.value)


def test_a_member_that_under_declares_its_size_is_counted_as_it_inflates() -> None:
    """The probe's .docx: 1,000 bytes declared, 200 MiB inflated; refused as a bomb, and the
    check itself holds only a small window in memory."""
    bomb = under_declared(b"0" * (1 << 20), 200)
    tracemalloc.start()
    try:
        with pytest.raises(ActionRefused, match="解压后过大"):
            filecheck.check(bomb, "big.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak


class FakeClamd:
    """A ClamAV daemon stand-in on a Unix socket, speaking INSTREAM: finds the EICAR test string."""

    def __init__(self, path: Path) -> None:
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(4)
        self.scanned = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    header = b""
                    while len(header) < 4:
                        header += conn.recv(4 - len(header))
                    (length,) = struct.unpack("!L", header)
                    if not length:
                        break
                    while length:
                        piece = conn.recv(length)
                        data += piece
                        length -= len(piece)
                self.scanned += 1
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
                conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def clamd(settings):
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="clamd-"))  # short: Unix socket paths are limited to ~100 bytes
    daemon = FakeClamd(folder / "s")
    settings.LUOSHI_CLAMD = f"unix:{folder / 's'}"
    yield daemon
    daemon.close()
    (folder / "s").unlink(missing_ok=True)
    folder.rmdir()


def test_the_configured_scanner_sees_every_file_and_refuses_what_it_finds(clamd) -> None:
    assert filecheck.check(pdf_bytes(["clean"]), "a.pdf") == filecheck.PDF
    infected = pdf_bytes(["X5O!P%@AP[4", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"])
    with pytest.raises(ActionRefused, match="病毒扫描"):
        filecheck.check(infected, "b.pdf")
    assert clamd.scanned == 2


def test_an_unreachable_scanner_refuses_rather_than_stores_unscanned(settings) -> None:
    settings.LUOSHI_CLAMD = "tcp:127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(ActionRefused, match="暂不可用"):
        filecheck.check(pdf_bytes(["a"]), "a.pdf")


@pytest.mark.django_db
def test_the_report_api_refuses_a_png_named_html_and_keeps_nothing(api_token) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {api_token('zhibu1')}"})
    listed = client.get("/api/occurrences?limit=500").json()["items"]
    occurrence = next(
        o for o in listed if o["status"] in ("not_started", "in_progress", "returned", "overdue")
    )
    before = client.get(f"/api/occurrences/{occurrence['id']}").json()
    response = client.post(
        f"/api/occurrences/{occurrence['id']}/reports",
        {"text": "已完成。", "files": [SimpleUploadedFile("report.html", png_bytes())]},
    )
    assert response.status_code == 400 and "扩展名" in response.json()["detail"]
    after = client.get(f"/api/occurrences/{occurrence['id']}").json()
    assert len(after["reports"]) == len(before["reports"])
