"""Personal data is SM4-encrypted at rest and masked where shown (SECURITY.md tests 10, 19)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from luoshi.core.crypto import Sm4GcmProvider, get_provider
from luoshi.core.fields import mask_id_number, mask_mobile
from luoshi.orgs.models import Organization, Person


def test_sm4_round_trip_and_fresh_nonce_per_value() -> None:
    provider = Sm4GcmProvider(bytes(range(16)))
    a, b = provider.encrypt("13812345678"), provider.encrypt("13812345678")
    assert a != b
    assert provider.decrypt(a) == provider.decrypt(b) == "13812345678"


def test_tampered_ciphertext_is_refused() -> None:
    provider = Sm4GcmProvider(bytes(range(16)))
    token = provider.encrypt("450103199001011234")
    broken = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; never the plaintext
        provider.decrypt(broken)


def test_masks_keep_only_what_identifies_without_exposing() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id_number("450103199001011234") == "450103**********34"
    assert mask_mobile("") == "" and mask_id_number(None) == ""


@pytest.mark.django_db
def test_raw_columns_hold_no_mobile_or_id_number() -> None:
    org = Organization.objects.get(short_name="机关党委")
    person = Person.objects.create(
        name="测试人", org=org, mobile="13912345678", id_number="450103199001011234"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, id_number FROM orgs_person WHERE id = %s", [person.pk])
        raw_mobile, raw_id = cursor.fetchone()
    assert raw_mobile.startswith("sm4g1:") and raw_id.startswith("sm4g1:")
    assert not re.search(r"1[3-9]\d{9}", raw_mobile + raw_id)
    assert not re.search(r"\d{17}[\dX]", raw_mobile + raw_id)
    reloaded = Person.objects.get(pk=person.pk)
    assert (reloaded.mobile, reloaded.id_number) == ("13912345678", "450103199001011234")


@pytest.mark.django_db
def test_no_demo_person_is_stored_in_plain_text() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, id_number FROM orgs_person")
        rows = cursor.fetchall()
    assert len(rows) >= 150
    assert all(m.startswith("sm4g1:") and i.startswith("sm4g1:") for m, i in rows)
    assert get_provider().decrypt(rows[0][0]).isdigit()
