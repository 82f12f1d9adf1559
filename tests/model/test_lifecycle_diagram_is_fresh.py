"""specs/lifecycle.md is what the model generates now (regenerate with EXECSPEC_REGEN=1)."""

from __future__ import annotations

import os
from pathlib import Path

from functools import cache

from execspec.model.diagram import lifecycle_edges, lifecycle_markdown
from execspec.model.rules import RULES

LIFECYCLE = Path(__file__).resolve().parents[2] / "specs" / "lifecycle.md"


@cache
def _edges() -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    return lifecycle_edges()


def test_lifecycle_diagram_is_fresh() -> None:
    text = lifecycle_markdown()
    if os.environ.get("EXECSPEC_REGEN") == "1":
        LIFECYCLE.write_text(text, encoding="utf-8")
    assert LIFECYCLE.exists(), "specs/lifecycle.md is missing: run with EXECSPEC_REGEN=1"
    assert LIFECYCLE.read_text(encoding="utf-8") == text, (
        "specs/lifecycle.md is stale: regenerate with EXECSPEC_REGEN=1 python -m pytest "
        "tests/model/test_lifecycle_diagram_is_fresh.py and review the diff"
    )


def test_future_diagram_has_every_documented_edge_and_no_backward_one() -> None:
    fut, _ = _edges()
    pairs = {(a, b) for a, b, _ in fut}
    assert pairs == {
        ("[*]", "PENDING"), ("PENDING", "RUNNING"), ("PENDING", "CANCELLED"),
        ("PENDING", "FINISHED"), ("RUNNING", "FINISHED"),
    }
    assert all(rule in RULES for _, _, rule in fut)


def test_pool_diagram_shows_broken_is_never_left() -> None:
    _, pool = _edges()
    assert not [edge for edge in pool if edge[0] == "BROKEN"]
    assert ("OPEN", "BROKEN", "worker.init-fails") in pool
