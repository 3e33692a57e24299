"""The `<id:pk>` path converter: Django's `<int:…>` matches any run of digits, and a value
beyond 64 bits then overflows in SQL (a 500). This one matches 1–19 ASCII digits within the
database's range; anything else does not match, so the answer is the ordinary 404."""

from __future__ import annotations

from luoshi.core.numbers import MAX_BIGINT


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_BIGINT:
            raise ValueError("beyond 64 bits")  # Django's resolver reads this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
