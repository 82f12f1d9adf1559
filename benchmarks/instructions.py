"""The shim's cost as instructions per schedule, counted by valgrind: an A/B that noise cannot move.

Timing the shim on this 2-core shared machine moves by 20-40% between runs of the same code
(benchmarks/README.md), so a change worth 2% cannot be seen in schedules per second. The
number of machine instructions an execution takes is a deterministic function of the code
and the seed: counted by callgrind, two runs of the same tree agree to a few parts in 100,000,
and the same code in two trees (their paths of equal length) to about 0.1%.
This script counts them for two trees -- a git revision (``--base``, default ``HEAD``) checked
out in a temporary worktree, and a copy of the working tree beside it -- on the 2-worker
scenario that ``sched.py`` times, and prints instructions per schedule and their ratio.

The count is taken as the difference between a run of ``--schedules`` + 50 schedules and one
of 50, so interpreter start, imports and warm-up cancel. Instructions are not time (a cache
miss costs more than an add), so a change this script calls faster is then timed in
``sched.py`` as well; what it settles is the direction of a small change. No library does
this: valgrind is the counter, this script only runs it twice per tree and subtracts.

Needs ``valgrind`` (Debian: ``apt-get install valgrind``) and a git checkout; without either it
says so in one line and exits 2. Under valgrind a run is ~50x slower: the default (200
schedules, both executors, two trees) takes about a minute.

    python benchmarks/instructions.py                 # HEAD against the working tree
    python benchmarks/instructions.py --base main~3 --executor concurrent.futures
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 50  # schedules in the run that is subtracted
#: measured: identical code in the base and head trees, 0.07-0.12% apart (0.3% run in place)
LAYOUT = 0.0015

# Run inside the tree under test (cwd and PYTHONPATH), so that it imports that tree's execspec.
_CHILD = """
import functools, os, sys
import execspec
assert execspec.__file__.startswith(os.getcwd()), execspec.__file__
from execspec.sched.explore import explore
from execspec.sched.strategies import RandomStrategy
from execspec.sched.examples import pool
scenario = functools.partial(pool.submit_result_shutdown, executor=sys.argv[1])
explore(scenario, RandomStrategy(seed=0), max_schedules=int(sys.argv[2]),
        stop_on_first_failure=False, schedule_dir=None)
"""


class Unavailable(Exception):
    """What this machine lacks to count (one line for the user)."""


def count(tree: Path, executor: str, schedules: int) -> int:
    """Instructions callgrind counts for ``schedules`` schedules of the scenario in ``tree``."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(tree))
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, "-c", _CHILD, executor, str(schedules)],
        cwd=tree, env=env, capture_output=True, text=True, timeout=900)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise Unavailable(f"the run in {tree} failed (exit {proc.returncode}): {tail}")
    return int(found.group(1))


def per_schedule(tree: Path, executor: str, schedules: int) -> float:
    """Instructions per schedule: a run of ``schedules`` more than the warm-up, less the warm-up."""
    return (count(tree, executor, WARMUP + schedules) - count(tree, executor, WARMUP)) / schedules


def worktree(base: str, where: Path) -> Path:
    """Check ``base`` out (detached) under ``where``; the caller removes it."""
    path = where / "base"
    proc = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), base],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise Unavailable(f"cannot check out {base!r}: {proc.stderr.strip() or 'git failed'}")
    return path


def snapshot(where: Path) -> Path:
    """Copy the working tree (its tracked files and untracked ones git does not ignore) to
    ``where/head``: beside the base's checkout, at a path of the same length, so that the two
    runs differ in code only. (Run in place, the same code counts up to 0.3% apart: a path's
    length moves where objects are allocated, and with them address-based hashes.)"""
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                           "--exclude-standard"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise Unavailable(f"cannot list the working tree: {proc.stderr.strip() or 'git failed'}")
    head = where / "head"
    for name in filter(None, proc.stdout.split("\0")):
        src = ROOT / name
        if src.is_file():  # a tracked file deleted in the working tree is absent here too
            (head / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, head / name)
    return head


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="HEAD", help="git revision to compare against (default HEAD)")
    ap.add_argument("--executor", action="append", choices=["concurrent.futures", "execspec.impl"],
                    help="executor under the scenario (repeatable; default both)")
    ap.add_argument("--schedules", type=int, default=200, help="schedules counted (default 200)")
    args = ap.parse_args(argv)
    if args.schedules < 1:
        print("instructions.py: --schedules must be at least 1", file=sys.stderr)
        return 2
    if shutil.which("valgrind") is None:
        print("instructions.py: valgrind is not installed (Debian: apt-get install valgrind)",
              file=sys.stderr)
        return 2
    if not (ROOT / ".git").exists():
        print(f"instructions.py: {ROOT} is not a git checkout; run it from a clone", file=sys.stderr)
        return 2
    executors = args.executor or ["concurrent.futures", "execspec.impl"]
    with tempfile.TemporaryDirectory(prefix="execspec-ir-") as tmp:
        try:
            base = worktree(args.base, Path(tmp))
            try:
                head = snapshot(Path(tmp))
                print(f"instructions per schedule, 2-worker scenario, {args.schedules} schedules, "
                      f"seed 0 (base {args.base}, head = working tree)")
                print(f"  {'executor':<20} {'base':>12} {'head':>12}  head/base")
                for ex in executors:
                    b = per_schedule(base, ex, args.schedules)
                    h = per_schedule(head, ex, args.schedules)
                    print(f"  {ex:<20} {b:>12,.0f} {h:>12,.0f}  {h / b:.4f}")
                print(f"  (the same code in the two trees counts up to {LAYOUT:.2%} apart at 200 "
                      "schedules, from memory layout alone: a smaller difference is no change)")
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                               capture_output=True)
                subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True)
        except (Unavailable, subprocess.TimeoutExpired) as exc:
            print(f"instructions.py: {exc}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
