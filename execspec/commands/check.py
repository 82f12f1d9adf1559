"""``execspec check``: run the clause checks against targets and print a clause-by-target matrix.

Each check runs on real threads (for targets this interpreter can import) and under the
scheduler shim (for targets whose module the shim can load), and a clause passes for a
target when every check that exercises it passes in every mode. A failure on a clause that
the spec marks as an *upstream divergence* is expected of CPython's own stdlib and is shown
as ``diverges``; on any other target it is a failure like the rest.

Exit status: 0 when no target breaks a clause unexpectedly (with ``--baseline FILE``: none
that FILE does not list), 1 otherwise, 2 on bad usage or a bad target, 3 when the run passed
the bound it printed first (every thread's stack goes to stderr; see ``conformance.ending``).
The run ends either way: the processes the targets started are ended, and threads of theirs
still blocked do not keep the command from exiting.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Sequence

from execspec import config
from execspec.cli import parser
from execspec.conformance.run import PROFILES, budgeted
from execspec.commands.check_output import Output, add_arguments
from execspec.commands.explore import model_summary
from execspec.commands.progress_display import showing_progress
from execspec.conformance import ending
from execspec.conformance.scenarios import CHECKS, run
from execspec.sched.runner import release_runner
from execspec.spec import load
from execspec.commands.schedule_dir import add_schedule_dir, schedule_dir, unsaved_line
from execspec.commands.targets_arg import usable_targets
from execspec.targets import DEFAULT_TARGETS

__all__ = ["main"]


def _seconds(text: str) -> float:
    value = config.finite_seconds(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number of seconds > 0 (e.g. 600)")
    return value


def main(argv: Sequence[str]) -> int:
    """``execspec check [TARGET ...]``."""
    p = parser("check", (__doc__ or "").split("\n\n")[0])
    p.add_argument("targets", nargs="*", help=f"targets to check (default: {' '.join(DEFAULT_TARGETS)}), each "
                   "'impl', 'stdlib', 'stdlib@3.X' (an installed CPython), 'module:factory' (your pool: "
                   "e.g. 'loky:get_reusable_executor') or 'source:DIR'")
    p.add_argument("--profile", choices=sorted(PROFILES), default=None,
                   help="how hard the conformance machine tries (default: $EXECSPEC_PROFILE, "
                        "else 'ci' when $CI is set, else 'dev')")
    p.add_argument("--no-machine", action="store_true",
                   help="run only the fast clause checks, not the conformance machine")
    p.add_argument("--machine-budget", type=_seconds, default=None, metavar="SECONDS",
                   help="real seconds the machine may start examples for, per target and mode; past "
                        "it the run reports how many ran (default: $EXECSPEC_MACHINE_BUDGET, else "
                        "the profile's: 120 for ci and dev)")
    add_arguments(p)
    add_schedule_dir(p)
    args = p.parse_args(argv)
    out = Output.from_args(args)
    if isinstance(out, str):
        print(f"execspec check: {out}", file=sys.stderr)
        return 2
    log = out.log
    profile = None if args.no_machine else PROFILES.get(args.profile or config.profile())
    if profile is None and not args.no_machine:
        print(f"execspec check: unknown profile {config.profile()!r} in ${config.PROFILE}; "
              f"use one of {', '.join(sorted(PROFILES))}", file=sys.stderr)
        return 2
    for line in config.problems():  # a bad setting is bad input too: one line, not a traceback
        print(f"execspec check: {line}", file=sys.stderr)
    if config.problems():
        return 2
    if profile is not None:
        profile = budgeted(profile, args.machine_budget)
    targets = usable_targets(args.targets or DEFAULT_TARGETS, "execspec check")
    if targets is None:  # each bad one said why, before any other work
        return 2
    started = time.perf_counter()
    before = ending.baseline()
    limits = ending.bounds(targets, profile, len(CHECKS))
    print(f"bounds: a clause check on real threads {limits.check:g} s ({limits.threads:g} s per target; "
          f"the first hang stops them), a shim execution blocked outside the shim {limits.stall:g} s, "
          f"a machine call on real threads {limits.call:g} s; at most {limits.per_target:.0f} s per "
          f"target, {limits.total:.0f} s in all", file=log)
    watchdog = ending.Watchdog(limits.total, before, armed=ending.in_console())
    print(f"spec: {len(load().clauses)} clauses loaded and validated", file=log)
    print(model_summary(), file=log)
    if profile is not None:
        print(f"conformance machine: profile {profile.name} ({profile.shim_examples} examples under the "
              f"shim, {profile.thread_examples} on real threads, {profile.steps} steps each; no example "
              f"starts after {profile.budget:g} s in a mode)", file=log)
    with showing_progress() as shown:  # on stderr, when it is a terminal
        result = run(targets, profile=profile, schedule_dir=schedule_dir(args),
                     on_target=None if shown else lambda t: print(f"checking {t.name} ...", file=log, flush=True))
    status = out.emit(result)
    watchdog.disarm()
    release_runner()  # the shim's runner thread of this run
    left = ending.end_children(before)  # process-pool workers, dask clusters: none may outlive us
    if left:
        print(f"execspec check: ended {len(left)} process(es) the targets left running", file=log)
    lost = unsaved_line((o.failure.replay_unsaved for t in result.targets for o in t.outcomes
                         if o.failure is not None), "execspec check")
    if lost is not None:  # the report is out; only the replay files are missing
        print(lost, file=sys.stderr)
    print(f"\n{result.unexpected_failures} unexpected failure(s); {time.perf_counter() - started:.1f} s", file=log)
    return status
