"""planparse: reads a Party-building work plan (工作要点) into outline, measures, facts
and findings. Pure Python: nothing here imports Django, so the command line starts fast
and the web app calls it like any library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from luoshi.planparse.errors import PlanError
from luoshi.planparse.parser import parse_text
from luoshi.planparse.schema import Plan
from luoshi.planparse.text import read_document, text_from_bytes

__all__ = ["Plan", "PlanError", "parse_file", "parse_text", "read_document", "text_from_bytes"]


def parse_file(path: str | Path, **options: Any) -> Plan:
    return parse_text(read_document(path), **options)
