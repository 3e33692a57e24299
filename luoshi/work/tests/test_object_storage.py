"""Evidence in S3-compatible object storage (issue T-4), against moto's S3 server on
127.0.0.1: the same content checks before anything is stored, downloads checked against the
user's scope and then handed out as signed addresses that expire, previews read from the
bucket, and backups that carry the bucket's files."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from luoshi.core.samplefiles import pdf_bytes
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db
BUCKET = "luoshi-evidence"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def bucket(settings: Any) -> Iterator[Any]:
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    storages = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 60,
                "signature_version": "s3v4",
            },
        },
    }
    try:
        with override_settings(STORAGES=storages):
            yield client
    finally:
        server.stop()


def _keys(client: Any) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _open_occurrence() -> Occurrence:
    occ = Occurrence.objects.filter(org__name="办公室党支部").order_by("due_date").first()
    Occurrence.objects.filter(pk=occ.pk).update(status=OccurrenceStatus.NOT_STARTED, achieved_count=0)
    occ.reports.all().delete()
    return occ


def test_evidence_goes_to_the_bucket_after_the_same_checks_and_downloads_expire(bucket, login_as) -> None:
    occ = _open_occurrence()
    zhibu1 = login_as("zhibu1")
    refused = zhibu1.post(
        f"/work/occurrences/{occ.pk}/report/",
        {"text": "已完成。", "files": [SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)]},
    )
    assert refused.status_code == 400 and _keys(bucket) == []  # checked before storing

    pdf = pdf_bytes(["minutes of the meeting"])
    posted = zhibu1.post(
        f"/work/occurrences/{occ.pk}/report/",
        {"text": "已完成。", "files": [SimpleUploadedFile("会议记录.pdf", pdf)]},
    )
    assert posted.status_code == 302
    evidence = occ.reports.get().evidence.get()
    assert _keys(bucket) == [f"{evidence.stored_name[:2]}/{evidence.stored_name}"]

    download = zhibu1.get(f"/work/evidence/{evidence.pk}/")
    assert download.status_code == 302
    signed = download["Location"]
    assert "X-Amz-Expires=60" in signed and "X-Amz-Signature=" in signed
    with urllib.request.urlopen(signed, timeout=10) as answer:  # noqa: S310 - the local moto server
        assert answer.read() == pdf
    assert login_as("zhibu2").get(f"/work/evidence/{evidence.pk}/").status_code == 404  # scope first

    preview = login_as("jgdw").get(f"/work/evidence/{evidence.pk}/preview/")
    assert preview.status_code == 200 and preview.content.startswith(b"\x89PNG")


def test_a_backup_carries_the_buckets_files(bucket, login_as, tmp_path) -> None:
    from luoshi.backup import backup

    occ = _open_occurrence()
    pdf = pdf_bytes(["backup me"])
    login_as("zhibu1").post(
        f"/work/occurrences/{occ.pk}/report/",
        {"text": "已完成。", "files": [SimpleUploadedFile("材料.pdf", pdf)]},
    )
    evidence = occ.reports.get().evidence.get()
    folder = backup(tmp_path)
    copied = folder / "media" / "evidence" / evidence.stored_name[:2] / evidence.stored_name
    assert copied.read_bytes() == pdf
