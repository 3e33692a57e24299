"""This part's settings (Django settings or environment; luoshi/settings.py is not touched)."""

from __future__ import annotations

import os

from django.conf import settings


def lead_days_text() -> str:
    """The global reminder lead times, in working days: LUOSHI_REMINDER_LEAD_DAYS ("7,1")."""
    return str(
        getattr(settings, "LUOSHI_REMINDER_LEAD_DAYS", os.environ.get("LUOSHI_REMINDER_LEAD_DAYS", "7,1"))
    )
