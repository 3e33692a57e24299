"""`luoshi plan …` as people and scripts run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"


def luoshi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "luoshi.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_parse_json_prints_the_plan(tmp_path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("2024年要点\n一、要求\n各支部每月学习。\n", encoding="utf-8")
    result = luoshi("plan", "parse", str(path), "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["year"] == 2024 and plan["outline"][0]["measures"][0]["schedules"][0]["freq"] == "monthly"


def test_readable_outline_marks_facts(tmp_path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("一、要求\n对9家单位开展巡察。\n", encoding="utf-8")
    out = luoshi("plan", "parse", str(path)).stdout
    assert "一、要求" in out and "[目标:9]" in out


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02" * 1000])
def test_bad_files_give_one_line_and_no_traceback(tmp_path, content) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = luoshi("plan", "parse", str(path), "--json")
    assert result.returncode != 0
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_file(tmp_path) -> None:
    result = luoshi("plan", "text", str(tmp_path / "nothing.txt"))
    assert result.returncode != 0 and "无法读取" in result.stderr


def test_check_exits_1_when_the_draft_has_findings(tmp_path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("一、要求\n学习XXX精神。\n", encoding="utf-8")
    result = luoshi("plan", "check", str(path))
    assert result.returncode == 1 and "placeholder" in result.stdout


def test_the_plan_commands_do_not_import_django() -> None:
    code = "import sys, luoshi.cli; luoshi.cli.build_parser(); import luoshi.planparse.cli; print('django' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )


def test_reference_plan_parses_end_to_end() -> None:
    result = luoshi("plan", "parse", str(REFERENCE), "--json")
    plan = json.loads(result.stdout)
    assert plan["year"] == 2022 and len(plan["outline"]) == 6
