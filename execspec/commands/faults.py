"""``execspec faults [TARGET ...]``: raise an asynchronous exception (KeyboardInterrupt by
default) at each scheduling point of the shutdown, cancel, wait, as_completed, timeout, idle,
burst and handoff scenarios in turn, under the deterministic shim, and report what each interrupt stranded.

Per scenario it prints the injection points tried and survived and, for each point that
stranded work, the thread, the interrupted frame (file:line) and the operation, and what was
left: futures never done, locks held, threads alive, waiter records, hangs, and an interrupt
of the main thread that did not come out of the scenario as itself. Targets as for
``execspec check`` (default: impl and stdlib, side by side).

Exit codes: 0 every point of every target survived, 1 some point stranded work, 2 a bad
argument or target.
"""

from __future__ import annotations

import argparse
import builtins
import sys
from typing import Sequence

from execspec import config
from execspec.cli import parser as cli_parser
from execspec.sched.faults import SCENARIOS, inject_faults
from execspec.targets import DEFAULT_TARGETS, Target, TargetError

__all__ = ["main"]

#: printed under a target that is CPython's stdlib: what the tracker knows of its strandings
_UPSTREAM = ("upstream: no CPython issue found for these thread-pool strandings (closest: "
             "gh-125886, KeyboardInterrupt and pool workers, mostly ProcessPoolExecutor)")


def _exception(name: str) -> type[BaseException]:
    cls = getattr(builtins, name, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        raise argparse.ArgumentTypeError(f"{name!r} is not a built-in exception class "
                                         "(e.g. KeyboardInterrupt, SystemExit)")
    return cls


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = cli_parser("faults", (__doc__ or "").split("\n\n")[0].replace("``", ""))
    p.add_argument("targets", nargs="*", metavar="TARGET",
                   help="executors to interrupt (default: impl stdlib)")
    p.add_argument("--scenario", action="append", choices=sorted(SCENARIOS),
                   help="run only this scenario (repeatable; default: all)")
    p.add_argument("--exception", type=_exception, default=KeyboardInterrupt, metavar="NAME",
                   help="the built-in BaseException class to raise (default: KeyboardInterrupt)")
    p.add_argument("--max-points", type=_count, default=400, metavar="N",
                   help="try every point up to N per scenario, a seeded sample of N beyond")
    p.add_argument("--schedules", type=_count, default=1, metavar="N",
                   help="seeded schedules per scenario, each with its own points (default 1)")
    p.add_argument("--seed", type=int, default=None,
                   help=f"the schedules' and the sample's seed (default ${config.SEED} or 0)")
    p.add_argument("--thread", default=None, metavar="PREFIX",
                   help="interrupt only threads whose name starts with PREFIX")
    p.add_argument("--machine-shapes", action="store_true",
                   help="interrupt the conformance machine's shapes (their calls, as the machine "
                        "made them against the target) instead of the fault scenarios")
    return p


def main(argv: Sequence[str]) -> int:
    """Run the fault scenarios over each target; exit 0 when everything survived."""
    args = _parser().parse_args(argv)
    try:
        targets = [Target.parse(t) for t in (args.targets or DEFAULT_TARGETS)]
    except TargetError as exc:
        print(f"execspec faults: {exc}", file=sys.stderr)
        return 2
    seed = config.seed() if args.seed is None else args.seed
    names = args.scenario or list(SCENARIOS)
    print(f"execspec faults: {args.exception.__name__} at each injection point, seed {seed}, "
          f"{args.schedules} schedule(s) per scenario, every point up to {args.max_points} "
          f"(a seeded sample beyond)")
    failed = False
    for target in targets:
        print(f"\n== {target.name} ({target.module}:{target.factory}) ==")
        if args.machine_shapes:
            from execspec.conformance.faults import shape_faults

            runs = shape_faults(target, exception=args.exception, max_points=args.max_points, seed=seed)
            for run in runs:
                print(run.render())
                failed |= not run.ok
            print(f"{sum(r.survived for r in runs)} of {sum(r.tried for r in runs)} points survived "
                  f"over {len(runs)} shapes")
            continue
        for name in names:
            for schedule in range(args.schedules):
                label = name if args.schedules == 1 else f"{name} (schedule {schedule})"
                run = inject_faults(SCENARIOS[name], module=target.module, factory=target.factory,
                                    source_dir=None if target.source_dir is None
                                    else str(target.source_dir),
                                    exception=args.exception, max_points=args.max_points,
                                    seed=seed, schedule=schedule, threads=args.thread, name=label)
                print(run.render())
                failed |= not run.ok
        if target.is_cpython_stdlib:
            print(_UPSTREAM)
    return 1 if failed else 0
