"""``execspec check``: run the clause checks against targets and print a clause-by-target matrix.

Each check runs on real threads (for targets this interpreter can import) and under the
scheduler shim (for targets whose module the shim can load), and a clause passes for a
target when every check that exercises it passes in every mode. A failure on a clause that
the spec marks as an *upstream divergence* is expected of CPython's own stdlib and is shown
as ``diverges``; on any other target it is a failure like the rest.

Exit status: 0 when no target breaks a clause unexpectedly, 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Sequence

from execspec.checks import CHECKS, Check, World
from execspec.spec import Catalogue, load
from execspec.targets import DEFAULT_TARGETS, Target, TargetError

# A check that has not finished after this many seconds on real threads is reported as hung.
HANG_LIMIT = 30.0


@dataclass
class Outcome:
    """The result of one check on one target in one mode."""

    check: Check
    mode: str  # "threads" or "shim"
    error: str | None = None  # None: passed

    @property
    def passed(self) -> bool:
        return self.error is None


@dataclass
class TargetReport:
    """Every outcome for one target, and the clause verdicts derived from them."""

    target: Target
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # modes that could not run, with the reason

    def verdict(self, clause: str) -> str:
        """'pass', 'fail' or '-' (no check exercises the clause) for this target."""
        relevant = [o for o in self.outcomes if clause in o.check.clauses]
        if not relevant:
            return "n/a" if any(clause in c.clauses for c in CHECKS) else "-"
        return "pass" if all(o.passed for o in relevant) else "fail"


def applicable_checks(target: Target) -> list[Check]:
    """The checks whose every clause holds for the target's Python version."""
    if target.version is None:
        return list(CHECKS)
    clauses = load().clauses
    return [c for c in CHECKS
            if all(cid not in clauses or clauses[cid].holds_for(target.version) for cid in c.clauses)]


def run_threads(target: Target) -> list[Outcome]:
    """Run every applicable check on real threads against an importable target."""
    factory = target.load_factory()
    cf = _namespace(target)
    world = World(cf=cf, make=factory, threading=threading)
    return [_run_bounded(c, world) for c in applicable_checks(target)]


def _namespace(target: Target) -> object:
    """The module whose wait/as_completed/exceptions go with the target's futures."""
    import importlib

    mod = importlib.import_module(target.module)
    if all(hasattr(mod, name) for name in ("wait", "as_completed", "CancelledError")):
        return mod
    import concurrent.futures

    return concurrent.futures


def _run_bounded(chk: Check, world: World) -> Outcome:
    """Run one check in a helper thread so that a hung executor is reported, not waited for."""
    box: list[Outcome] = []

    def body() -> None:
        try:
            chk.run(world)
        except AssertionError as exc:
            box.append(Outcome(chk, "threads", str(exc) or "assertion failed"))
        except BaseException as exc:  # noqa: BLE001 - any escape is a finding about the target
            box.append(Outcome(chk, "threads", f"{type(exc).__name__}: {exc}"))
        else:
            box.append(Outcome(chk, "threads"))

    runner = threading.Thread(target=body, name=f"execspec-check-{chk.name}", daemon=True)
    runner.start()
    runner.join(HANG_LIMIT)
    if runner.is_alive():
        return Outcome(chk, "threads", f"hung for {HANG_LIMIT:.0f} s on real threads")
    return box[0]


def check_target(target: Target) -> TargetReport:
    """Every mode this target supports, run and collected."""
    report = TargetReport(target)
    if target.real_threads_ok:
        report.outcomes += run_threads(target)
    else:
        report.skipped.append("threads: source-only target")
    try:
        from execspec.shim_checks import run_shim
    except ImportError as exc:  # the shim half is optional until it lands
        report.skipped.append(f"shim: {exc}")
    else:
        outcomes, why_not = run_shim(target)
        report.outcomes += outcomes
        if why_not:
            report.skipped.append(f"shim: {why_not}")
    return report


def _clause_status(catalogue: Catalogue, clause: str) -> tuple[str, str | None]:
    """(status, issue) of a clause; ('unknown', None) for an ID the catalogue lacks."""
    found = catalogue.clauses.get(clause)
    return (found.status, found.issue) if found is not None else ("unknown", None)


def _is_cpython(target: Target) -> bool:
    return target.module == "concurrent.futures"


def render(reports: Sequence[TargetReport]) -> tuple[str, int]:
    """The matrix as text, grouped by area, and the number of unexpected failures."""
    catalogue = load()
    exercised = {c for chk in CHECKS for c in chk.clauses}
    width = max(len(c) for c in exercised) + 2
    head = "clause".ljust(width) + "".join(r.target.name[:18].ljust(20) for r in reports)
    lines = [head, "-" * len(head)]
    unexpected = 0
    tally = [{"pass": 0, "diverges": 0, "FAIL": 0} for _ in reports]
    areas = catalogue.by_area()
    unknown = sorted(exercised - set(catalogue.clauses))
    groups = [(area, [c.id for c in clauses if c.id in exercised]) for area, clauses in areas.items()]
    for area, ids in groups + ([("not in the catalogue", unknown)] if unknown else []):
        if not ids:
            continue
        lines.append(f"{area}")
        for clause in ids:
            status, issue = _clause_status(catalogue, clause)
            cells = []
            for i, r in enumerate(reports):
                v = r.verdict(clause)
                if v == "fail" and status == "upstream-divergence" and _is_cpython(r.target):
                    v = f"diverges {issue or ''}".strip()
                    tally[i]["diverges"] += 1
                elif v == "fail":
                    unexpected += 1
                    v = "FAIL"
                    tally[i]["FAIL"] += 1
                elif v == "pass":
                    tally[i]["pass"] += 1
                cells.append(v.ljust(20))
            lines.append(f"  {clause}".ljust(width) + "".join(cells))
    lines.append("")
    lines.append(f"{len(exercised & set(catalogue.clauses))} of {len(catalogue.clauses)} clauses "
                 f"exercised by {len(CHECKS)} checks")
    for r, t in zip(reports, tally):
        ran = len(r.outcomes)
        failed = [o for o in r.outcomes if not o.passed]
        lines.append(f"{r.target.name}: {t['pass']} clauses pass, {t['diverges']} diverge as the spec "
                     f"records, {t['FAIL']} fail; {ran - len(failed)}/{ran} check runs passed")
        for o in failed:
            lines.append(f"  [{o.mode}] {o.check.name} ({', '.join(o.check.clauses)}): {o.error}")
        for why in r.skipped:
            lines.append(f"  skipped {why}")
    return "\n".join(lines), unexpected


def main(argv: Sequence[str]) -> int:
    """``execspec check [TARGET ...]``."""
    p = argparse.ArgumentParser(prog="execspec check", description=__doc__.split("\n\n")[0])
    p.add_argument("targets", nargs="*", help=f"targets to check (default: {' '.join(DEFAULT_TARGETS)})")
    args = p.parse_args(argv)
    try:
        targets = [Target.parse(t) for t in (args.targets or DEFAULT_TARGETS)]
    except TargetError as exc:
        print(f"execspec check: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    preamble = _preamble()
    if preamble:
        print(preamble)
    reports = []
    # Some checks make callbacks raise on purpose; executors log those, which is noise here.
    logging.disable(logging.CRITICAL)
    try:
        for t in targets:
            print(f"checking {t.name} ...", flush=True)
            reports.append(check_target(t))
    finally:
        logging.disable(logging.NOTSET)
    text, unexpected = render(reports)
    print(text)
    print(f"\n{unexpected} unexpected failure(s); {time.perf_counter() - started:.1f} s")
    return 1 if unexpected else 0


def _preamble() -> str:
    """What the run rests on: the catalogue and the model's own check."""
    lines = [f"spec: {len(load().clauses)} clauses loaded and validated"]
    from execspec.model_cli import model_summary

    lines.append(model_summary())
    return "\n".join(lines)
