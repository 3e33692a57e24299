"""Numbers typed by people or sent by scripts, read safely (issue S-5, S-7).

`str.isdigit()` is true for "²" and "١٢", which `int()` then refuses or reads as another
number, and Python's ints are unbounded while the database's are 64-bit: both gave 500s.
Pages and filters read numbers through these helpers; the API declares bounded types
(luoshi.core.api.Id, Count, Limit, Offset) instead.
"""

from __future__ import annotations

MAX_BIGINT = 2**63 - 1
# The working-day calendar's years: what its GET already limited to, now its POST as well.
CALENDAR_YEARS = (2000, 2100)


def parse_int(text: object, *, minimum: int = 0, maximum: int = MAX_BIGINT) -> int | None:
    """An integer of ASCII digits (an optional leading minus) within [minimum, maximum],
    else None. Never raises, never reads more than 20 characters."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > 19 or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def calendar_year(text: object) -> int | None:
    """A year the working-day calendar may hold (2000–2100), or None."""
    return parse_int(text, minimum=CALENDAR_YEARS[0], maximum=CALENDAR_YEARS[1])


def calendar_year_refusal(text: object) -> str:
    """The Chinese message for a year outside the calendar's range."""
    return f"年份须为 {CALENDAR_YEARS[0]}–{CALENDAR_YEARS[1]} 之间的整数（收到：{str(text)[:10]}）。"
