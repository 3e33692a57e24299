"""Model fields for personal data: encrypted at rest, masked when shown."""

from __future__ import annotations

from typing import Any

from django.db import models

from luoshi.core.crypto import get_provider


class EncryptedCharField(models.TextField):
    """Stores SM4-GCM ciphertext; Python code sees the plain string.

    Costs: no database-side search or ordering on the value. Use a blind index
    column beside it when exact lookups are needed.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return get_provider().decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return get_provider().encrypt(str(value))


def mask_mobile(value: str | None) -> str:
    """138****5678: enough to recognise, not enough to call."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str | None) -> str:
    """110105**********23: region prefix and the last two characters only."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 8) + value[-2:]
