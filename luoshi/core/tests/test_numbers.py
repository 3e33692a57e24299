"""Numbers from pages and filters are read without 500s (issue S-5, S-7): non-ASCII digits,
values beyond 64 bits and years outside the calendar's range are refused, not raised."""

from __future__ import annotations

import pytest

from luoshi.core.numbers import MAX_BIGINT, calendar_year, parse_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", 0),
        (str(MAX_BIGINT), MAX_BIGINT),
        (str(MAX_BIGINT + 1), None),
        (str(2**64 + 1), None),
        ("9" * 400, None),
        ("²", None),
        ("１２", None),
        ("١٢", None),
        ("-1", None),
        ("1e3", None),
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_parse_int_accepts_ascii_digits_within_range_only(text, expected) -> None:
    assert parse_int(text) == expected


def test_negative_numbers_only_where_allowed() -> None:
    assert parse_int("-5", minimum=-10) == -5


@pytest.mark.parametrize(("text", "expected"), [("2022", 2022), ("2000", 2000), ("2100", 2100)])
def test_calendar_years_inside_the_range(text, expected) -> None:
    assert calendar_year(text) == expected


@pytest.mark.parametrize("text", ["0", "1999", "2101", "99999", "²⁰²²", "-2022"])
def test_calendar_years_outside_the_range_are_refused(text) -> None:
    assert calendar_year(text) is None


BEYOND = str(2**64 + 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("jgdw", f"/orgs/{BEYOND}/", 404),
        ("jgdw", f"/orgs/people/{BEYOND}/", 404),
        ("sysadmin", f"/accounts/users/{BEYOND}/edit/", 404),
        ("secadmin", f"/accounts/users/{BEYOND}/reset-password/", 404),
        ("sysadmin", "/orgs/new/?parent=²", 200),
        ("sysadmin", f"/orgs/new/?parent={BEYOND}", 200),
        ("jgdw", "/orgs/people/new/?org=²", 200),
        ("jgdw", f"/orgs/people/new/?org={BEYOND}", 200),
    ],
)
def test_pages_answer_huge_or_non_ascii_numbers_without_a_server_error(
    login_as, username, path, status
) -> None:
    client = login_as(username)
    client.raise_request_exception = False
    assert client.get(path).status_code == status
