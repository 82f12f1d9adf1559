"""Re-run chosen mutants of a cosmic-ray session with another kill command or timeout (issue 9).

Two uses, both sequential and both writing JSON lines (job, command, timeout, outcome, output):

* ``--select timeouts --timeout 60``: a mutant killed only by the session's short timeout is
  run again with a long one. Still out of time: a real hang. Passing now: the timeout was the
  shared machine's load, and it counts as a survivor (``report.py --rerun FILE``).
* ``--select survivors --args '--examples 300 --steps 12'``: survivors against a stronger
  profile, to tell "more examples would find it" from "no rule or shape reaches it".
* ``--select gaps --judgments judgments-fa5eb9d.txt [--tag fork] [--machine-rerun FILE ...]``:
  the survivors judged a gap of the machine (G, or G:TAG only), less those a later machine has
  killed already, against the machine as it is now (``report.py --machine-rerun`` counts them).

Usage (from the root of the mutated worktree, with no ``cosmic-ray exec`` running on it)::

    python benchmarks/mutation/rerun.py SESSION.sqlite --select timeouts --timeout 60 --out timeouts.jsonl

Each mutation is applied and undone by cosmic-ray's own ``mutate_and_test``, as ``exec`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

from cosmic_ray.mutating import mutate_and_test
from cosmic_ray.work_item import MutationSpec

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import _jobs, _judgments, in_annotation, outcome  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("session")
    p.add_argument("--select", choices=["timeouts", "survivors", "all-survivors", "gaps"], required=True,
                   help="survivors: not equivalent by construction; all-survivors: every one; "
                        "gaps: judged G in --judgments")
    p.add_argument("--judgments", metavar="FILE", help="hand judgements (for --select gaps)")
    p.add_argument("--tag", help="with --select gaps: only survivors judged G:TAG")
    p.add_argument("--verdict", help="with --select gaps: survivors whose verdict starts with this "
                                     "instead (U: the unspecified ones, tried against a new check)")
    p.add_argument("--machine-rerun", metavar="FILE", action="append", default=[],
                   help="with --select gaps: an earlier rerun's output; the mutants it killed are skipped")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--args", default="", help="extra arguments for kill.py")
    p.add_argument("--seed", type=int, default=None,
                   help="shuffle the chosen mutants with this seed (a run cut short is then a random sample)")
    p.add_argument("--shard", default="0/1", metavar="K/N",
                   help="run only every N-th chosen mutant from the K-th (two worktrees: 0/2 and 1/2)")
    p.add_argument("--out", required=True, help="JSON lines, appended; jobs already in it are skipped")
    args = p.parse_args(argv)

    done = set()
    if os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as f:
            done = {json.loads(line)["job"] for line in f if line.strip()}
    command = f"python benchmarks/mutation/kill.py --root . {args.args}".strip()
    if args.select == "gaps" and not args.judgments:
        p.error("--select gaps needs --judgments FILE")
    judged = _judgments(args.judgments) if args.judgments else {}
    killed_later = set()
    for path in args.machine_rerun:
        with open(path, encoding="utf-8") as f:
            killed_later |= {row["job"] for row in map(json.loads, filter(str.strip, f))
                             if row["outcome"].startswith("killed")}
    cache: dict = {}
    chosen = []
    for item, result in _jobs(args.session):
        kind = outcome(result)
        m = item["mutations"][0]
        if args.select == "timeouts" and kind == "killed-timeout":
            chosen.append(item)
        elif (args.select.endswith("survivors") or args.select == "gaps") and kind == "survived":
            if args.select == "gaps":
                op, key = m["operator_name"].split("/")[-1], (m["module_path"], m["start_pos"][0])
                verdict = judged.get(key + (op,)) or judged.get(key + ("*",)) or ""
                wanted = args.verdict or (f"G:{args.tag}" if args.tag else "G:")
                if (verdict == wanted or verdict.startswith(wanted) and not args.tag) \
                        and item["job_id"] not in killed_later:
                    chosen.append(item)
            elif args.select == "all-survivors" or not in_annotation(".", m, cache):
                chosen.append(item)
    if args.seed is not None:
        random.Random(args.seed).shuffle(chosen)
    k, n = (int(x) for x in args.shard.split("/"))
    chosen = chosen[k::n]
    print(f"{len(chosen)} chosen, {len(done)} already done; command: {command}, timeout {args.timeout}s", flush=True)
    for item in chosen:
        if item["job_id"] in done:
            continue
        specs = [MutationSpec(module_path=m["module_path"], operator_name=m["operator_name"],
                              occurrence=m["occurrence"], start_pos=tuple(m["start_pos"]),
                              end_pos=tuple(m["end_pos"])) for m in item["mutations"]]
        started = time.monotonic()
        r = mutate_and_test(specs, command, args.timeout)
        row = {"job": item["job_id"], "command": command, "timeout": args.timeout,
               "outcome": outcome({"worker_outcome": str(r.worker_outcome.value), "output": r.output or "",
                                   "test_outcome": str(r.test_outcome.value) if r.test_outcome else ""}),
               "seconds": round(time.monotonic() - started, 1), "output": (r.output or "").strip()[-400:]}
        with open(args.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        m = item["mutations"][0]
        print(f"{m['module_path']}:{m['start_pos'][0]} {m['operator_name'].split('/')[-1]}: {row['outcome']} "
              f"({row['seconds']}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
