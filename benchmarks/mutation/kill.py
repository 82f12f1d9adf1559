"""Kill command for mutation testing ``impl/`` (issue 9): the conformance machine on ``impl``, shim mode.

Exit status (cosmic-ray counts any non-zero status as *killed*; a hang is killed only by its
``timeout``, which kills this process group):

* 0 -- the machine passed: the mutant survived
* 1 -- the machine reported a violation (the clauses and the shape are printed)
* 2 -- the harness errored (``MachineResult.error``, e.g. the mutant broke loading under the shim)
* 3 -- Hypothesis reported a flaky failure (shim mode is deterministic, so this is a finding too)
* 4 -- ``execspec.impl`` does not resolve under ``--root`` (wrong tree or venv: fix the setup)
* 5 -- the machine passed, but its fault mode found stranded work: a KeyboardInterrupt raised at
  a scheduling point of a shape's calls left a future unresolved, a lock held, a thread or a
  waiter record behind (``execspec.conformance.faults``, ``--fault-points`` per shape, 0: skip),
  or in one of the fault checker's own scenarios (``execspec.sched.faults.SCENARIOS``, every
  point of each); and the same scenarios with each ``Thread.start()`` refused in turn, as an
  OS out of threads refuses it (``at="start"``)

Usage::

    python benchmarks/mutation/kill.py [--root DIR] [--examples N] [--steps N] [--shrink-budget S]
                                       [--fault-points N]

``--root``: the tree being mutated; the run refuses (exit 4) unless ``execspec.impl`` is found
there, so a venv pointing at another checkout cannot make every mutant "survive" unseen.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", help="the mutated tree: execspec.impl must resolve under it")
    p.add_argument("--examples", type=int, default=30, help="shim examples after the shapes (30)")
    p.add_argument("--steps", type=int, default=10, help="steps per example (10)")
    p.add_argument("--shrink-budget", type=float, default=1.0, help="seconds of shrinking (1.0)")
    p.add_argument("--fault-points", type=int, default=4,
                   help="interrupts tried per shape in the fault phase, a seeded sample (4; 0: no fault phase)")
    args = p.parse_args(argv)

    spec = importlib.util.find_spec("execspec.impl")  # locate without importing the mutant
    origin = os.path.realpath(spec.origin) if spec and spec.origin else None
    if args.root is not None:
        root = os.path.realpath(args.root)
        if origin is None or not origin.startswith(root + os.sep):
            print(f"kill.py: execspec.impl resolves to {origin}, not under {root}", file=sys.stderr)
            return 4

    from execspec.conformance.machine import Mode
    from execspec.conformance.run import Profile, run_machine
    from execspec.targets import Target

    # A dropped as_completed generator closed at teardown raises GreenletExit inside the shim;
    # Python reports it as "Exception ignored" on stderr. Counted here instead of printed.
    unraisable: list[str] = []
    sys.unraisablehook = lambda u: unraisable.append(type(u.exc_value).__name__)

    profile = Profile("mutation", shim_examples=args.examples, thread_examples=0, steps=args.steps,
                      shrink_budget=args.shrink_budget)
    started = time.monotonic()
    r = run_machine(Target.parse("impl"), Mode.SHIM, profile)
    took = time.monotonic() - started
    head = (f"impl from {origin}: {r.shapes_run} shapes, {r.examples} examples, {took:.1f}s, "
            f"{len(unraisable)} unraisable ({', '.join(sorted(set(unraisable))) or '-'})")
    if r.violation is not None:
        print(f"{head}: VIOLATION {', '.join(r.clauses)} (shape: {r.shape or 'generated'})")
        return 1
    if r.error is not None:
        print(f"{head}: HARNESS ERROR {r.error}")
        return 2
    if r.flaky is not None:
        print(f"{head}: FLAKY {r.flaky}")
        return 3
    if args.fault_points > 0:
        return _fault_phase(head, args.fault_points)
    print(f"{head}: passed")
    return 0


def _fault_phase(head: str, points: int) -> int:
    """The machine's fault mode on impl: exit 5 if an interrupt strands anything."""
    import contextlib
    import io
    import logging

    from execspec.conformance.faults import shape_faults
    from execspec.sched.faults import SCENARIOS, StartRefused, inject_faults
    from execspec.targets import Target

    logging.disable(logging.CRITICAL)  # impl logs each interrupted worker; the runs say what matters
    started = time.monotonic()
    with contextlib.redirect_stderr(io.StringIO()):  # threading's excepthook prints each interrupt
        runs = shape_faults(Target.parse("impl"), max_points=points)
        for scenario in SCENARIOS.values():
            runs.append(inject_faults(scenario, module="execspec.impl", max_points=1_000))
            runs.append(inject_faults(scenario, module="execspec.impl", max_points=1_000,  # the OS
                                      exception=StartRefused, at="start", must_escape=False))  # refuses
    bad = [r for r in runs if not r.ok]
    tried = sum(r.tried for r in runs)
    took = time.monotonic() - started
    if bad:
        first = bad[0].render().splitlines()
        print(f"{head}; faults: {len(bad)} of {len(runs)} runs stranded work ({tried} points, {took:.1f}s): "
              + " | ".join(first[:3]))
        return 5
    print(f"{head}; faults: {tried} points over {len(runs)} shapes and scenarios survived ({took:.1f}s): passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
