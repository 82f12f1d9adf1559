"""Summarise a cosmic-ray session of ``impl/`` mutants (issue 9).

Usage::

    python benchmarks/mutation/report.py SESSION.sqlite [--root DIR] [--survivors] [--timeouts]

Prints the counts (killed by a violation / by a harness error / by the timeout, survived,
incompetent, pending) and the score. One class of survivor is judged *equivalent by
construction* here, with no human call: a mutation whose position lies inside a type annotation
of a module that has ``from __future__ import annotations`` (the annotation is a string that
nothing in impl or the harness evaluates, so ``X | None`` -> ``X // None`` cannot be observed).
Every other survivor is listed (``--survivors``) with its source line, to be judged by hand:
the judgements so far are in README.md beside this file.

``--root``: the tree the session mutated (default: the current directory), to read source lines.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import sqlite3
import subprocess
import warnings
import sys


def _jobs(path: str) -> list[tuple[dict, dict | None]]:
    """(work item, result or None) per job, read straight from cosmic-ray's sqlite."""
    db = sqlite3.connect(path)
    items = {}
    for job_id, in db.execute("SELECT job_id FROM work_items"):
        items[job_id] = {"job_id": job_id, "mutations": []}
    for row in db.execute("SELECT job_id, module_path, operator_name, occurrence, start_pos_row, "
                          "start_pos_col, end_pos_row, end_pos_col FROM mutation_specs"):
        job_id, module, op, occ, sr, sc, er, ec = row
        items[job_id]["mutations"].append({"module_path": module, "operator_name": op, "occurrence": occ,
                                           "start_pos": (sr, sc), "end_pos": (er, ec)})
    results = {}
    for job_id, worker, output, test, diff in db.execute(
            "SELECT job_id, worker_outcome, output, test_outcome, diff FROM work_results"):
        results[job_id] = {"worker_outcome": (worker or "").lower(), "output": output or "",
                           "test_outcome": (test or "").lower(), "diff": diff or ""}
    return [(items[j], results.get(j)) for j in items]


def _annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    tree = ast.parse(source)
    spans = []
    for node in ast.walk(tree):
        anns: list[ast.AST | None] = []
        if isinstance(node, ast.arg):
            anns = [node.annotation]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            anns = [node.returns]
        elif isinstance(node, ast.AnnAssign):
            anns = [node.annotation]
        for a in anns:
            if a is not None:
                spans.append(((a.lineno, a.col_offset), (a.end_lineno, a.end_col_offset)))
    return spans


def _future_annotations(source: str) -> bool:
    return re.search(r"^from __future__ import annotations\b", source, re.M) is not None


def original_source(root: str, module: str) -> str:
    """``module`` as committed at the root's HEAD: the file on disk may hold a mutant right now."""
    return subprocess.run(["git", "-C", root, "show", f"HEAD:{module}"], check=True,
                          capture_output=True, text=True).stdout


def compiles(root: str, mutation: dict, cache: dict) -> bool:
    """Whether cosmic-ray's mutant of the committed source is valid Python at all (some are not:
    ``*`` in a keyword-only marker turned into ``|``): one that is not is *incompetent*, however
    the kill command ended, not a kill."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    _source(root, mutation["module_path"], cache)
    src = cache[mutation["module_path"]][3]
    mutated = mutate_code(src, get_operator(mutation["operator_name"])(), mutation["occurrence"])
    if mutated is None:
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a mutant's `is not` with a literal
            compile(mutated, mutation["module_path"], "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


def _source(root: str, module: str, cache: dict) -> None:
    if module not in cache:
        src = original_source(root, module)
        cache[module] = (_future_annotations(src), _annotation_spans(src), src.splitlines(), src)


def in_annotation(root: str, mutation: dict, cache: dict) -> bool:
    """Whether the mutated span lies inside a type annotation of a module whose annotations are
    never evaluated (``from __future__ import annotations``)."""
    module = mutation["module_path"]
    _source(root, module, cache)
    lazy, spans = cache[module][:2]
    start, end = tuple(mutation["start_pos"]), tuple(mutation["end_pos"])
    return lazy and any(a <= start and end <= b for a, b in spans)


def outcome(result: dict | None) -> str:
    """killed-violation / killed-error / killed-timeout / killed-other / survived / incompetent / pending."""
    if result is None:
        return "pending"
    if result["worker_outcome"] != "normal":
        if result["worker_outcome"] != "skipped":
            return "incompetent"
        # shard.py marks these before a run, so they are never executed
        if result["output"].startswith("not run: inside an annotation"):
            return "survived-equivalent-annotation"
        if result["output"].startswith("not run: not valid Python"):
            return "incompetent-syntax"
        return "skipped"
    test = result["test_outcome"]
    if test == "killed":
        out = result["output"]
        if out.strip() == "timeout":
            return "killed-timeout"
        if ": VIOLATION " in out:
            return "killed-violation"
        if "; faults: " in out and "stranded work" in out:  # kill.py exit 5
            return "killed-fault"
        if ": HARNESS ERROR " in out or "Traceback" in out:
            return "killed-error"
        return "killed-other"
    return test  # survived, incompetent


def _judgments(path: str) -> dict[tuple[str, int, str], str]:
    """(module, line, operator or '*') -> verdict, from judgments.txt."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            where, ops, verdict = raw.split(None, 3)[:3]
            module, line = where.rsplit(":", 1)
            for op in ops.split(","):
                out[(module, int(line), op)] = verdict
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("session")
    p.add_argument("--root", default=".")
    p.add_argument("--survivors", action="store_true", help="list survivors not equivalent by construction")
    p.add_argument("--timeouts", action="store_true", help="list the mutants killed by the timeout")
    p.add_argument("--json", action="store_true", help="one JSON line per job instead")
    p.add_argument("--timeout-rerun", metavar="FILE",
                   help="rerun.py --select timeouts output: a mutant that passes with the long timeout "
                        "is a survivor (the short one was load), one still out of time a confirmed hang")
    p.add_argument("--judgments", metavar="FILE",
                   help="hand judgements of survivors (judgments.txt): E equivalent, U unspecified, G:tag gap")
    p.add_argument("--machine-rerun", metavar="FILE", action="append", default=[],
                   help="rerun.py --select survivors output with a later machine (same impl, same "
                        "kill.py arguments): a survivor it kills counts as killed (repeatable)")
    p.add_argument("--strong-rerun", metavar="FILE",
                   help="rerun.py --select survivors output: shown beside each survivor (the score stays "
                        "the kill command's own)")
    args = p.parse_args(argv)

    def _load(path: str | None) -> dict[str, dict]:
        if not path:
            return {}
        with open(path, encoding="utf-8") as f:
            return {row["job"]: row for row in map(json.loads, filter(str.strip, f))}

    timeout_rerun, strong_rerun = _load(args.timeout_rerun), _load(args.strong_rerun)
    machine_rerun: dict[str, dict] = {}
    for path in args.machine_rerun:
        machine_rerun.update(_load(path))
    judged = _judgments(args.judgments) if args.judgments else {}
    verdicts: collections.Counter[str] = collections.Counter()
    gaps: collections.Counter[str] = collections.Counter()
    unjudged = []
    strong_ran: collections.Counter[str] = collections.Counter()
    strong_killed: collections.Counter[str] = collections.Counter()
    cache: dict = {}
    counts: collections.Counter[str] = collections.Counter()
    per_module: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    listed = []
    for item, result in _jobs(args.session):
        m = item["mutations"][0]
        kind = outcome(result)
        if kind == "killed-timeout" and item["job_id"] in timeout_rerun:
            again = timeout_rerun[item["job_id"]]["outcome"]
            kind = "killed-timeout-confirmed" if again == "killed-timeout" else again
            if kind == "survived":
                result = dict(result or {}, output=timeout_rerun[item["job_id"]]["output"])
        if kind == "survived" and item["job_id"] in machine_rerun:
            again = machine_rerun[item["job_id"]]["outcome"]
            if again.startswith("killed"):
                kind = again + "-later"  # killed by the later machine the rerun used
                result = dict(result or {}, output=machine_rerun[item["job_id"]]["output"])
        if kind.startswith("killed") and not compiles(args.root, m, cache):
            kind = "incompetent-syntax"
        if kind == "survived" and in_annotation(args.root, m, cache):
            kind = "survived-equivalent-annotation"
        if kind == "survived" and args.judgments:
            op = m["operator_name"].split("/")[-1]
            key = (m["module_path"], m["start_pos"][0])
            v = judged.get(key + (op,)) or judged.get(key + ("*",))
            if v is None:
                unjudged.append(f"{m['module_path']}:{m['start_pos'][0]} {op}")
                verdicts["unjudged"] += 1
            else:
                verdicts[v.split(":")[0]] += 1
                if v.startswith("G:"):
                    gaps[v[2:]] += 1
                    again = strong_rerun.get(item["job_id"])
                    if again is not None:
                        strong_ran[v[2:]] += 1
                        strong_killed[v[2:]] += again["outcome"].startswith("killed")
        counts[kind] += 1
        per_module[m["module_path"]][kind] += 1
        if args.json:
            print(json.dumps({"job": item["job_id"], "module": m["module_path"], "line": m["start_pos"][0],
                              "col": m["start_pos"][1], "operator": m["operator_name"], "outcome": kind,
                              "output": (result or {}).get("output", "").strip()[-300:]}))
        if (kind == "survived" and args.survivors) or (kind.startswith("killed-timeout") and args.timeouts):
            listed.append((item["job_id"], m, kind, result))
    if args.json:
        return 0

    total = sum(counts.values())
    ran = total - counts["pending"] - counts["skipped"]
    killed = sum(v for k, v in counts.items() if k.startswith("killed"))
    equivalent = counts["survived-equivalent-annotation"]
    print(f"jobs: {total}, run: {ran}")
    for k in sorted(counts):
        print(f"  {k:32} {counts[k]}")
    competent = ran - counts["incompetent"] - counts["incompetent-syntax"]
    if competent:
        print(f"raw score (killed / competent run):                      {killed}/{competent} = {killed / competent:.1%}")
        rest = competent - equivalent
        if rest:
            print(f"score without annotation mutants (equivalent by construction): {killed}/{rest} = {killed / rest:.1%}")
    if args.judgments:
        e, u, g = verdicts["E"], verdicts["U"], verdicts["G"]
        print(f"hand-judged survivors: E {e}, U {u}, G {g}, unjudged {verdicts['unjudged']}")
        non_eq = competent - equivalent - e
        print(f"score over non-equivalent mutants (annotation and hand E removed): {killed}/{non_eq} = {killed / non_eq:.1%}")
        if non_eq - u:
            print(f"  ... and with U (unspecified text) removed too:             {killed}/{non_eq - u} = {killed / (non_eq - u):.1%}")
        print("gaps (survivors per tag):")
        for tag, n in sorted(gaps.items(), key=lambda kv: (-kv[1], kv[0])):
            extra = f"  stronger profile: {strong_killed[tag]} of {strong_ran[tag]} re-run killed" if strong_rerun else ""
            print(f"  {tag:14} {n}{extra}")
        for line in unjudged:
            print(f"  unjudged: {line}")
    print("by module:")
    for mod in sorted(per_module):
        c = per_module[mod]
        print(f"  {mod:20} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    for job_id, m, kind, result in listed:
        _source(args.root, m["module_path"], cache)
        lines = cache[m["module_path"]][2]
        line = m["start_pos"][0]
        diff = [d for d in (result or {}).get("diff", "").splitlines() if d.startswith("+") and not d.startswith("+++")]
        strong = strong_rerun.get(job_id)
        extra = f" [stronger profile: {strong['outcome']}]" if strong else ""
        op = m["operator_name"].split("/")[-1]
        verdict = judged.get((m["module_path"], line, op)) or judged.get((m["module_path"], line, "*"))
        extra += f" [judged {verdict}]" if verdict else ""
        print(f"\n{kind}: {m['module_path']}:{line}:{m['start_pos'][1]} {m['operator_name'].split('/')[-1]}{extra}")
        print(f"  - {lines[line - 1].strip()}")
        for d in diff:
            print(f"  + {d[1:].strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
