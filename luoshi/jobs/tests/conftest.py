from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY


@pytest.fixture
def immediate_jobs() -> Iterator[Any]:
    """huey runs each task as it is enqueued, in this process (for tests about what a job
    does rather than about the queue); the queue file is left alone."""
    HUEY.immediate = True
    try:
        yield HUEY
    finally:
        HUEY.immediate = False


@pytest.fixture
def empty_queue() -> Iterator[Any]:
    """The test data folder's huey file, emptied before and after."""
    HUEY.flush()
    try:
        yield HUEY
    finally:
        HUEY.flush()
