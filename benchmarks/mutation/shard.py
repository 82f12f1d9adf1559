"""Split one cosmic-ray session over several worktrees, and merge the results back (issue 9).

cosmic-ray's local distributor runs one mutant at a time, and it mutates the tree in place, so
the way to use both cores of a 2-core machine is two worktrees, each with a copy of the same
session, each running the jobs of its own shard. Before either runs, ``prepare`` marks skipped,
in one copy:

* every mutant whose span lies inside a type annotation of a module with ``from __future__
  import annotations`` (equivalent by construction: ``report.py`` counts them so without running
  them; the first full run ran all 297 such mutants and every one survived);
* every mutant that is not valid Python (``report.py`` counts it incompetent);
* the jobs of the other shards (a job belongs to shard ``k`` of ``n`` by its place in the
  session's job order), or those left out of a seeded sample.

``merge`` then copies each job's result from the other copies into the first, so one session
holds the whole run for ``report.py``. Usage, from the root of the tree the session mutates::

    python benchmarks/mutation/shard.py prepare SESSION.sqlite --shard 0/2 [--sample N --seed S]
    python benchmarks/mutation/shard.py merge INTO.sqlite FROM.sqlite [FROM.sqlite ...]

Written by hand: cosmic-ray has no sharding of its own, and its local distributor is serial.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (beside this file)

#: the ``output`` of a job marked skipped, by why (report.py reads the first two)
ANNOTATION = "not run: inside an annotation (equivalent by construction)"
SYNTAX = "not run: not valid Python"
OTHER = "not run: another shard's job, or outside the sample"


def prepare(session: str, shard: tuple[int, int], sample: int | None, seed: int, root: str) -> dict[str, int]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    cache: dict = {}
    jobs = [item for item, result in report._jobs(session) if result is None]
    plain, marks = [], {}
    for item in jobs:
        m = item["mutations"][0]
        if report.in_annotation(root, m, cache):
            marks[item["job_id"]] = ANNOTATION
        elif not report.compiles(root, m, cache):
            marks[item["job_id"]] = SYNTAX
        else:
            plain.append(item["job_id"])
    keep = set(plain if sample is None else random.Random(seed).sample(plain, min(sample, len(plain))))
    k, n = shard
    mine = {j for i, j in enumerate(j for j in plain if j in keep) if i % n == k}
    for j in plain:
        if j not in mine:
            marks[j] = OTHER
    with use_db(session, WorkDB.Mode.open) as db:
        for job_id, why in marks.items():
            db.set_result(job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=why))
    return {"jobs": len(jobs), "annotation": sum(v == ANNOTATION for v in marks.values()),
            "syntax": sum(v == SYNTAX for v in marks.values()), "to run here": len(mine),
            "other shards or unsampled": sum(v == OTHER for v in marks.values())}


def merge(into: str, sources: list[str]) -> int:
    """Copy every result that ``into`` lacks or holds only as another shard's skip."""
    db = sqlite3.connect(into)
    cols = [r[1] for r in db.execute("PRAGMA table_info(work_results)")]
    copied = 0
    for src in sources:
        other = sqlite3.connect(src)
        for row in other.execute(f"SELECT {', '.join(cols)} FROM work_results"):
            rec = dict(zip(cols, row))
            if rec.get("output") in (OTHER, ANNOTATION, SYNTAX):
                continue
            have = db.execute("SELECT output FROM work_results WHERE job_id = ?", (rec["job_id"],)).fetchone()
            if have is None or have[0] == OTHER:
                db.execute(f"INSERT OR REPLACE INTO work_results ({', '.join(cols)}) VALUES "
                           f"({', '.join('?' * len(cols))})", row)
                copied += 1
        other.close()
    db.commit()
    db.close()
    return copied


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("prepare")
    pp.add_argument("session")
    pp.add_argument("--shard", default="0/1", help="K/N: run the K-th of N shards here (0/1: all)")
    pp.add_argument("--sample", type=int, help="run only a seeded sample of this many valid mutants")
    pp.add_argument("--seed", type=int, default=9)
    pp.add_argument("--root", default=".")
    pm = sub.add_parser("merge")
    pm.add_argument("into")
    pm.add_argument("sources", nargs="+")
    args = p.parse_args(argv)
    if args.cmd == "prepare":
        try:
            k, n = (int(x) for x in args.shard.split("/"))
            if not 0 <= k < n:
                raise ValueError
        except ValueError:
            print(f"shard.py: --shard wants K/N with 0 <= K < N, got {args.shard!r}", file=sys.stderr)
            return 2
        print(prepare(args.session, (k, n), args.sample, args.seed, args.root))
    else:
        print(f"{merge(args.into, args.sources)} results copied into {args.into}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
