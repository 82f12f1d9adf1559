"""The benchmark runs: `benchmarks/throughput.py --quick` completes and prints every ratio.

No timing is asserted here; the figures are for people, read from the full run.
"""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_quick_benchmark_completes_and_prints_ratios() -> None:
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "throughput.py"), "--quick"],
        capture_output=True, text=True, timeout=100,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    for label in ("submit+result, 1 worker", "submit+result, 4 workers", "submit+result, 32 workers", "map,",
                  "round trip, median", "round trip, p99", "memory per pending future", "floor", "lines"):  # fmt: skip
        assert label in out.stdout, f"{label!r} missing from:\n{out.stdout}"
    assert out.stdout.count("ratio") >= 7
