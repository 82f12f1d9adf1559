"""The PEP 316 contracts on the model's small pure functions hold: CrossHair finds no
counterexample within a fixed per-condition budget, and it does refute a known-bad contract.

Budget: ``PER_CONDITION_TIMEOUT`` = 4 seconds per condition (override with the environment
variable EXECSPEC_CROSSHAIR_BUDGET). The functions are small enough that CrossHair explores every
path well within it ("Confirmed over all paths" for all 24 post-conditions): the contracts are
proved, not merely unrefuted. The whole check takes about 10 s whatever the budget (measured on
a loaded 2-core machine: 12.4 s at 1 s, 10.1 s at 2 s, 10.0 s at 4 s); if a loaded machine keeps
a condition from being exhausted, the check retries once with three times the budget.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
CONTRACT_MODULES = ("model/future.py", "model/waiters.py", "model/pool.py")
PER_CONDITION_TIMEOUT = float(os.environ.get("EXECSPEC_CROSSHAIR_BUDGET", "4"))


def _crosshair(
    *targets: str, budget: float = PER_CONDITION_TIMEOUT
) -> tuple[subprocess.CompletedProcess[str], float]:
    if shutil.which("crosshair") is None:
        pytest.skip("crosshair is not installed (pip install crosshair-tool)")
    start = time.perf_counter()
    out = subprocess.run(
        ["crosshair", "check", "--analysis_kind=PEP316",
         f"--per_condition_timeout={budget}", *targets],
        cwd=ROOT, capture_output=True, text=True, timeout=350,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return out, time.perf_counter() - start


def _post_conditions() -> set[str]:
    found = set()
    for module in CONTRACT_MODULES:
        lines = (ROOT / module).read_text(encoding="utf-8").splitlines()
        found |= {f"{module}:{n}" for n, line in enumerate(lines, 1) if line.strip().startswith("post:")}
    return found


def _confirmed(stdout: str) -> set[str]:
    return {
        line.split(": info:")[0].replace(str(ROOT) + "/", "")
        for line in stdout.splitlines()
        if "Confirmed over all paths" in line
    }


@pytest.mark.timeout(400)
def test_crosshair_proves_every_model_contract() -> None:
    budget = PER_CONDITION_TIMEOUT
    for attempt in range(2):  # a loaded machine may need a second, roomier try to exhaust paths
        out, seconds = _crosshair("--report_all", *CONTRACT_MODULES, budget=budget)
        refuted = [line for line in out.stdout.splitlines() if ": error:" in line]
        assert out.returncode == 0 and not refuted, (
            f"CrossHair refuted a model contract (budget {budget}s per condition, "
            f"{seconds:.1f}s):\n{out.stdout}{out.stderr}"
        )
        unproved = sorted(_post_conditions() - _confirmed(out.stdout))
        if not unproved:
            return
        budget *= 3
    raise AssertionError(
        f"CrossHair found no counterexample but did not exhaust every path of {unproved} within "
        f"{budget / 3}s per condition ({seconds:.1f}s in all); raise EXECSPEC_CROSSHAIR_BUDGET "
        "or simplify the function"
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
