"""The draw algorithm, with nothing but hashlib, so that anyone can recompute a result
(the verify page does the same in the browser, luoshi.js `verifyDraw`).

- pool hash: SHA-256 of the pool as canonical JSON (sorted keys, no spaces, UTF-8);
- commitment: SHA-256 of the seed (UTF-8), published before the draw;
- draw: picks `count` distinct items without replacement; each pick needs a uniform
  integer below the remaining total weight, taken from SHA-256("{seed}:{counter}") as a
  256-bit big-endian integer, rejected when it falls in the last incomplete block
  (rejection sampling, no modulo bias — the idea of RFC 3797), counter from 0 up.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

LIMIT = 1 << 256


def canonical(pool: list[dict[str, Any]]) -> bytes:
    return json.dumps(pool, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def pool_hash(pool: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical(pool)).hexdigest()


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def uniform_below(seed: str, n: int, counter: int) -> tuple[int, int]:
    """A uniform integer in [0, n) and the next counter."""
    bound = LIMIT - LIMIT % n
    while True:
        value = int.from_bytes(hashlib.sha256(f"{seed}:{counter}".encode()).digest(), "big")
        counter += 1
        if value < bound:
            return value % n, counter


def draw(pool: list[dict[str, Any]], count: int, seed: str) -> list[dict[str, Any]]:
    """`count` distinct items of `pool` (each {"label", "weight"}), in the order drawn."""
    remaining = [dict(item) for item in pool]
    picked: list[dict[str, Any]] = []
    counter = 0
    while remaining and len(picked) < count:
        total = sum(int(item.get("weight", 1)) for item in remaining)
        r, counter = uniform_below(seed, total, counter)
        for index, item in enumerate(remaining):
            r -= int(item.get("weight", 1))
            if r < 0:
                picked.append(remaining.pop(index))
                break
    return picked


def verify(
    *, pool: list[dict[str, Any]], count: int, seed: str, pool_digest: str, commit: str, result: list[Any]
) -> list[str]:
    """What does not hold, in Chinese; empty when the draw verifies."""
    problems = []
    if pool_hash(pool) != pool_digest:
        problems.append("抽取范围与公布的范围哈希不一致。")
    if commitment(seed) != commit:
        problems.append("种子与事先公布的承诺值不一致。")
    if draw(pool, count, seed) != result:
        problems.append("按种子重新计算的结果与公布的结果不一致。")
    return problems
