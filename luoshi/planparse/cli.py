"""`luoshi plan parse|text|check FILE`: planparse on the command line, without Django."""

from __future__ import annotations

import json
import sys

from luoshi.planparse import PlanError, parse_text, read_document
from luoshi.planparse.schema import Facts, Node, Plan

KIND_LABELS = {"recurring": "周期", "once": "一次", "event": "事件触发", "periodic": "定期"}


def run(command: str, path: str, *, as_json: bool = False) -> int:
    try:
        text = read_document(path)
        if command == "text":
            sys.stdout.write(text)
            return 0
        plan = parse_text(text)
    except PlanError as error:
        print(f"luoshi: {error}", file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - one line for people, never a traceback
        print("luoshi: 文档解析失败，请检查文档内容或联系管理员", file=sys.stderr)
        return 3
    if command == "check":
        for finding in plan["findings"]:
            print(f"[{finding['kind']}] {finding['message']}")
        print(f"共发现 {len(plan['findings'])} 处问题。" if plan["findings"] else "未发现问题。")
        return 1 if plan["findings"] else 0
    if as_json:
        json.dump(plan, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    _print_outline(plan)
    return 0


ROLE_LABELS = {"lead": "牵头", "responsible": "负责", "cooperating": "配合", "addressed": "报告对象"}


def _facts_line(item: Facts) -> str:
    """One line of facts; typed against the plan schema, as every consumer should be."""
    parts = []
    for actor in item["actors"]:
        role = actor.get("role")
        parts.append(f"[主体:{actor['text']}{'/' + ROLE_LABELS[role] if role else ''}]")
    for s in item["schedules"]:
        parts.append(f"[时间:{s['text']}/{KIND_LABELS.get(s['kind'], s['kind'])}]")
    for t in item["targets"]:
        parts.append(f"[目标:{t['count']}]")
    for d in item["documents"]:
        parts.append(f"[文件:《{d['title']}》]")
    for x in item["deliverables"]:
        parts.append(f"[成果:{x['text']}]")
    return " ".join(parts)


def _print_outline(plan: Plan) -> None:
    print(f"{plan['title'] or '（无标题）'}  {plan['year'] or ''}")
    for m in plan["preamble"]:
        print(f"  · {m['text']}")

    def show(nodes: list[Node], depth: int) -> None:
        for n in nodes:
            print(f"{'  ' * depth}{n['marker']}{n['title']} {_facts_line(n)}".rstrip())
            for m in n["measures"]:
                print(f"{'  ' * (depth + 1)}· {m['text']} {_facts_line(m)}".rstrip())
            show(n["children"], depth + 1)

    show(plan["outline"], 0)
    if plan["findings"]:
        print(f"\n草稿问题（{len(plan['findings'])}）：")
        for f in plan["findings"]:
            print(f"  [{f['kind']}] {f['message']}")
