"""The development set must meet the figures of issue B (../shared/eval).

These plans are a development set: the rules are general, and the parser is also scored on
plans nobody here has seen."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from luoshi.planparse import parse_text

EVAL = Path(__file__).resolve().parents[3].parent / "shared" / "eval"
GOLD = sorted((EVAL / "gold").glob("*.json"))


def scorer():
    spec = importlib.util.spec_from_file_location("score_plan", EVAL / "score_plan.py")
    assert spec and spec.loader, f"找不到评测脚本 {EVAL}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_development_set_is_present() -> None:
    assert len(GOLD) >= 5, f"../shared/eval/gold 中应有评测文件：{EVAL}"


@pytest.mark.parametrize("gold_path", GOLD, ids=[g.stem for g in GOLD])
def test_parser_meets_the_figures_on_the_development_set(gold_path) -> None:
    source = (EVAL.parent / "plans" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    plan = json.loads(json.dumps(parse_text(source), ensure_ascii=False))
    m = scorer().Scorer(source, gold, plan).run()
    assert m["spans"] == 1.0
    assert m["outline"][0] == 1.0
    assert m["measures"][0] >= 0.98
    for kind in ("schedule", "target", "document"):
        recall, precision, _, _ = m[kind]
        assert recall >= 0.95 and precision >= 0.9, (kind, recall, precision)
    assert m["actor"][0] >= 0.9
    assert m["duplicates"][0] == 1.0 and m["placeholders"][0] == 1.0
    assert m["year"]
