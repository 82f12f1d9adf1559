"""The explorer rejects each deliberately broken model with its shortest counterexample,
naming the invariant broken and printing the path step by step."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from execspec.model.broken import VARIANTS
from execspec.model.explore import explore


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_explorer_rejects_broken_variant_with_shortest_counterexample(name: str) -> None:
    variant = VARIANTS[name]
    report = explore(variant.bounds, variant.model)
    assert report.violation is not None, f"the explorer accepted the broken model {name!r}"
    assert report.violation.invariants[0] == variant.invariant, report.render()
    assert len(report.violation.path) == variant.steps, report.render()


def test_cancel_running_counterexample_reads_step_by_step() -> None:
    variant = VARIANTS["cancel-running"]
    text = explore(variant.bounds, variant.model).render()
    assert "INV-CANCELLED-NEVER-RUNS" in text
    lines = text.splitlines()
    steps = [line.strip() for line in lines if line.strip()[:1].isdigit()]
    assert steps[1].startswith("1  submit(returns) -> f0")
    assert steps[2].startswith("2  worker starts f0")
    assert steps[3].startswith("3  f0.cancel() -> True")
    assert "f0 CANCELLED runs=1" in text


def test_lost_wakeup_counterexample_blocks_then_cancels() -> None:
    variant = VARIANTS["lost-wakeup"]
    text = explore(variant.bounds, variant.model).render()
    assert "f0.result(timeout=None) blocks (waiter 0)" in text
    assert "f0.cancel() -> True" in text


def test_the_correct_model_passes_the_same_bounds() -> None:
    for variant in VARIANTS.values():
        assert explore(variant.bounds).ok


GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_broken_variant_counterexample_matches_its_golden_file(name: str) -> None:
    variant = VARIANTS[name]
    violation = explore(variant.bounds, variant.model).violation
    assert violation is not None
    text = violation.render() + "\n"
    golden = GOLDEN / f"broken-{name}.txt"
    if os.environ.get("EXECSPEC_REGEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden.name} is missing: run with EXECSPEC_REGEN=1"
    assert golden.read_text(encoding="utf-8") == text, (
        f"the counterexample for {name!r} changed; review it and regenerate with EXECSPEC_REGEN=1"
    )
