"""`benchmarks/instructions.py`: bad input is one line and exit 2; where valgrind is installed,
the count is deterministic and grows with the work done. CI installs valgrind (``.ci/run``), so
there that test never skips.

No figure is asserted beyond that: the counts are for people comparing two trees.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))
SCRIPT = ROOT / "benchmarks" / "instructions.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("instructions_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_a_bad_schedule_count_is_one_line_and_exit_2() -> None:
    out = _run("--schedules", "0")
    assert out.returncode == 2, out
    assert out.stderr.strip().splitlines() == ["instructions.py: --schedules must be at least 1"]


def test_without_valgrind_it_says_so_in_one_line(tmp_path: Path) -> None:
    out = _run(path=str(tmp_path))  # an empty PATH: no valgrind (nor git)
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "valgrind is not installed" in lines[0], out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.skipif(not IN_CI and shutil.which("valgrind") is None,
                    reason="valgrind is not installed (apt-get install valgrind); CI installs it")
@pytest.mark.timeout(300)
def test_the_count_repeats_exactly_enough_and_grows_with_the_schedules() -> None:
    assert shutil.which("valgrind") is not None, "CI must install valgrind (.ci/run)"
    bench = _load()
    small = [bench.count(ROOT, "concurrent.futures", 3) for _ in range(2)]
    large = bench.count(ROOT, "concurrent.futures", 13)
    # the same run twice: within 0.1% (measured: a few parts in 100,000)
    assert abs(small[0] - small[1]) < small[0] / 1000, small
    # ten schedules more: more instructions, by far more than that jitter
    assert large - small[0] > 100 * abs(small[0] - small[1]) + 1_000_000, (small, large)
