"""The parser's output holds to the declared plan schema (luoshi/planparse/schema.py) on every
evaluation plan and own test plan: each key required there is present, no key is undeclared,
and each value has the declared type. So the TypedDicts consumers annotate with are the truth."""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest

from luoshi.planparse import parse_text
from luoshi.planparse.schema import Plan

EVAL = Path(__file__).resolve().parents[3] / "eval"
PLANS = sorted(EVAL.glob("plans*/*.txt")) + sorted((EVAL / "own").glob("*.txt"))


def check(value: Any, hint: Any, where: str) -> None:
    origin = get_origin(hint)
    if hint is Any:
        return
    if typing.is_typeddict(hint):
        assert isinstance(value, dict), where
        hints = typing.get_type_hints(hint)
        missing = hint.__required_keys__ - value.keys()
        assert not missing, f"{where}: 缺少 {sorted(missing)}"
        extra = value.keys() - hints.keys()
        assert not extra, f"{where}: 未声明的键 {sorted(extra)}"
        for key, v in value.items():
            check(v, hints[key], f"{where}.{key}")
        return
    if origin is Literal:
        assert value in get_args(hint), f"{where}: {value!r} 不在 {get_args(hint)}"
        return
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in get_args(hint):
            try:
                check(value, option, where)
                return
            except AssertionError as error:
                errors.append(str(error))
        raise AssertionError(f"{where}: {value!r} 不符合 {hint}（{errors}）")
    if origin is list:
        assert isinstance(value, list), where
        (item,) = get_args(hint)
        for i, v in enumerate(value):
            check(v, item, f"{where}[{i}]")
        return
    if hint is type(None):
        assert value is None, where
        return
    if hint is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
        return
    assert isinstance(value, hint), f"{where}: {value!r} 不是 {hint}"


@pytest.mark.parametrize("path", PLANS, ids=[f"{p.parent.name}/{p.stem}" for p in PLANS])
def test_the_output_holds_to_the_declared_schema(path: Path) -> None:
    check(parse_text(path.read_text(encoding="utf-8")), Plan, "plan")


def test_the_check_catches_a_wrong_value() -> None:
    plan = parse_text("一、要求\n各党支部每月开展1次主题党日。\n")
    plan["outline"][0]["measures"][0]["schedules"][0]["kind"] = "sometimes"  # type: ignore[typeddict-item]
    with pytest.raises(AssertionError):
        check(plan, Plan, "plan")
