"""The PEP 316 contracts on the model's small pure functions hold: CrossHair finds no
counterexample within a fixed per-condition budget, and it does refute a known-bad contract.

Budget: ``PER_CONDITION_TIMEOUT`` seconds per pre/post condition (override with the environment
variable EXECSPEC_CROSSHAIR_BUDGET). The modules checked are those carrying contracts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
CONTRACT_MODULES = ("model/future.py", "model/waiters.py", "model/pool.py")
PER_CONDITION_TIMEOUT = float(os.environ.get("EXECSPEC_CROSSHAIR_BUDGET", "2"))


def _crosshair(*targets: str, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess[str], float]:
    if shutil.which("crosshair") is None:
        pytest.skip("crosshair is not installed (pip install crosshair-tool)")
    start = time.perf_counter()
    out = subprocess.run(
        ["crosshair", "check", "--analysis_kind=PEP316",
         f"--per_condition_timeout={PER_CONDITION_TIMEOUT}", *targets],
        cwd=cwd, capture_output=True, text=True, timeout=110,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return out, time.perf_counter() - start


def test_crosshair_finds_no_counterexample_to_the_model_contracts() -> None:
    out, seconds = _crosshair(*CONTRACT_MODULES)
    assert out.returncode == 0 and not out.stdout.strip(), (
        f"CrossHair refuted a model contract (budget {PER_CONDITION_TIMEOUT}s per condition, "
        f"{seconds:.1f}s):\n{out.stdout}{out.stderr}"
    )


def test_the_contracted_modules_carry_contracts() -> None:
    # Guards against the check passing vacuously because the contracts were removed.
    for module in CONTRACT_MODULES:
        text = (ROOT / module).read_text(encoding="utf-8")
        assert "    post: " in text, f"{module} has no post: contract left for CrossHair to check"


def test_crosshair_refutes_the_known_bad_contract() -> None:
    out, _ = _crosshair(str(DATA / "known_bad_contract.py"))
    assert out.returncode != 0, "CrossHair accepted a contract that is false: the check is blind"
    assert "cancel_always_succeeds" in out.stdout or "known_bad_contract" in out.stdout, out.stdout
