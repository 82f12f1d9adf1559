"""Golden examples: known-bad and known-good scenarios, every strategy, one test.

Each case explores a scenario from ``execspec.sched.examples`` under one strategy and renders
what was found (the summary — schedules needed, distinct failures — and the first failure's
report) into ``tests/sched/golden/<case>.txt``. Regenerate with ``EXECSPEC_REGEN=1`` and
review the diff before committing.
"""

from __future__ import annotations

import functools
import os
import re
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from execspec.sched.strategies.named import make_strategy
from execspec.sched.explore import explore
from execspec.sched.explore.schedule import resolve_scenario

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).resolve().parents[2]  # paths in reports are shown relative to the checkout
STDLIB = sysconfig.get_paths()["stdlib"]
REGEN = os.environ.get("EXECSPEC_REGEN") == "1"
EX = "execspec.sched.examples"


@dataclass(frozen=True)
class Case:
    name: str
    scenario: str
    strategy: str              # as for `execspec deadlocks --strategy`
    expect: str                # "DEADLOCK", "EXCEPTION" or "OK" (no failure in any schedule)
    kwargs: dict[str, Any] = field(default_factory=dict)
    max_schedules: int = 2000
    must_say: tuple[str, ...] = ()  # words the report must contain (the cycle, the future ...)
    preemption_bound: int | None = None  # for the dfs strategies


ALL = ("random", "pct", "dfs", "dfs-dpor")  # DFS unbounded: complete searches
CASES = [
    *(Case(f"docs1-wait-on-each-other-{s}", f"{EX}.docs:wait_on_each_other", s, "DEADLOCK",
           must_say=("Wait-for cycle", "waits on future a (wait_on_b)",
                     "waits on future b (wait_on_a)"))
      for s in ALL),
    *(Case(f"docs2-wait-on-future-{s}", f"{EX}.docs:wait_on_future", s, "DEADLOCK",
           must_say=("Wait-for cycle", "the only worker", "queued behind it"))
      for s in ALL),
    *(Case(f"docs2-max-workers-2-{s}", f"{EX}.docs:wait_on_future", s, "OK",
           {"max_workers": 2}, max_schedules=300 if s in ("random", "pct") else 5000)
      for s in ALL),
    Case("docs2-max-workers-2-dfs-bound2", f"{EX}.docs:wait_on_future", "dfs", "OK",
         {"max_workers": 2}, max_schedules=5000, preemption_bound=2),
    *(Case(f"lock-order-inversion-{s}", f"{EX}.lock_order:lock_order_inversion", s, "DEADLOCK",
           must_say=("Wait-for cycle", "waits for A", "waits for B"))
      for s in ALL),
    # the same with preemption bounds, with and without reduction
    *(Case(f"lock-order-inversion-{s}-bound{b}", f"{EX}.lock_order:lock_order_inversion", s,
           "DEADLOCK", preemption_bound=b)
      for s, b in (("dfs", 1), ("dfs-none", 1), ("dfs", 2), ("dfs-dpor", 2))),
    *(Case(f"forgetful-cancel-{s}", f"{EX}.forgetful_cancel:cancel_while_waiting", s, "DEADLOCK",
           must_say=("waits on future queued", "already done (cancelled)", "a lost wake-up"))
      for s in ALL),
    *(Case(f"lost-update-{s}", f"{EX}.lost_update:lost_update", s, "EXCEPTION",
           must_say=("lost update",)) for s in ALL),
]


def render(case: Case) -> tuple[str, list[str]]:
    """The golden text of ``case`` and the problems with it (not what it expects)."""
    scenario = resolve_scenario(case.scenario, {})
    if case.kwargs:
        scenario = functools.partial(scenario, **case.kwargs)
    result = explore(scenario, make_strategy(case.strategy, 0, case.preemption_bound), max_schedules=case.max_schedules,
                     schedule_dir=None)
    lines = [f"case: {case.name}", f"scenario: {case.scenario} {case.kwargs or ''}".rstrip(),
             result.summary()]
    problems = []
    if case.expect == "OK":
        if result.failures:
            problems.append(f"expected no failure, got {result.failures[0].key}")
        lines.append("every explored schedule passed" if not result.failures else "")
    else:
        first = result.failures[0] if result.failures else None
        if first is None or first.outcome != case.expect:
            problems.append(f"expected {case.expect}, got {first.key if first else 'no failure'}")
        elif any(w not in first.report for w in case.must_say):
            missing = [w for w in case.must_say if w not in first.report]
            problems.append(f"the report does not say {missing}")
        if first is not None:
            lines += ["", f"first failure, schedule #{first.index + 1}:", first.report.rstrip()]
    text = "\n".join(lines) + "\n"
    text = text.replace(str(ROOT) + os.sep, "").replace(STDLIB + os.sep, "<stdlib>/")
    return re.sub(r"0x[0-9a-fA-F]+", "0x…", text), problems


def test_golden_examples() -> None:
    """Every case finds what it should, and prints exactly its golden file."""
    problems: list[str] = []
    GOLDEN.mkdir(exist_ok=True)
    for case in CASES:
        text, wrong = render(case)
        problems += [f"{case.name}: {w}" for w in wrong]
        path = GOLDEN / f"{case.name}.txt"
        if REGEN:
            path.write_text(text, encoding="utf-8")
        elif not path.exists():
            problems.append(f"{case.name}: no golden file {path.name} (EXECSPEC_REGEN=1 writes it)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{case.name}: output differs from {path.name} "
                            f"(EXECSPEC_REGEN=1 rewrites it; review the diff):\n{text}")
    stale = {p.stem for p in GOLDEN.glob("*.txt")} - {c.name for c in CASES}
    problems += [f"stale golden file {name}.txt (no such case)" for name in sorted(stale)]
    assert not problems, "\n".join(problems)
