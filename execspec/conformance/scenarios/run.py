"""A conformance run of the clause checks: every mode a target supports, then the verdicts.

A clause passes for a target when every check that exercises it passes in every mode. A
failure on a clause that the spec marks as an *upstream divergence* is expected of CPython's
own stdlib (recognised by identity, :attr:`execspec.targets.Target.is_cpython_stdlib`) and is
:attr:`~execspec.conformance.results.Verdict.DIVERGES`; on any other target it is a FAIL like
the rest.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Sequence

from execspec.conformance.results import (
    Area,
    CheckOutcome,
    ClauseVerdict,
    FailureKind,
    MachineRun,
    Mode,
    RunResult,
    SkippedMode,
    TargetResult,
    Verdict,
)
from execspec.conformance import other_python, progress
from execspec.conformance.run import Profile
from execspec.conformance.scenarios.clause_checks import CHECKS
from execspec.conformance.verdicts import MACHINE_CLAUSES, machine_outcomes
from execspec.conformance.scenarios.shim import run_shim
from execspec.conformance.scenarios.threads import run_threads
from execspec.spec import Catalogue, load
from execspec.targets import Target
from execspec.targets.kind import ExecutorKind

__all__ = ["UNKNOWN_AREA", "areas", "check_target", "run", "verdicts"]

#: the area under which clause IDs the catalogue lacks are listed
UNKNOWN_AREA = "not in the catalogue"


def check_target(target: Target, profile: Profile | None = None,
                 schedule_dir: Path | None = None) -> TargetResult:
    """Every mode this target supports, run, collected and judged clause by clause: the clause
    checks, and with a ``profile`` the conformance machine (whose oracle is the model).
    Failing shim schedules are written under ``schedule_dir`` (default: the setting,
    :func:`execspec.config.schedule_dir`).

    Raises :class:`~execspec.targets.TargetError` when an importable target cannot be imported.
    """
    started = time.perf_counter()
    outcomes: list[CheckOutcome] = []
    skipped: list[SkippedMode] = []
    machine_runs: list[MachineRun] = []
    # another CPython's stdlib: its real threads run under its own interpreter, meanwhile
    elsewhere = other_python.start(target, profile)
    kind = _kind(target)
    no_shim = _no_shim(target, kind)
    if profile is not None:
        found, why_not, machine_runs = machine_outcomes(
            target, profile, no_shim, cross_process=kind in (ExecutorKind.PROCESS_POOL, ExecutorKind.DISTRIBUTED))
        outcomes += found
        skipped += why_not
    if not target.real_threads_ok:
        skipped.append(SkippedMode(Mode.THREADS, "source-only target"))
    elif kind is not ExecutorKind.IN_PROCESS_THREADS:
        skipped.append(SkippedMode(Mode.THREADS, _FOREIGN.format(kind=kind.value)))
    else:
        outcomes += _told(target, "clause checks (threads)", lambda: run_threads(target))
    if no_shim is not None:
        skipped.append(SkippedMode(Mode.SHIM, f"clause checks: {no_shim}"))
    else:
        progress.started(target.name, "clause checks (shim)")
        began = time.perf_counter()
        shim = run_shim(target, schedule_dir=schedule_dir)
        progress.finished(target.name, "clause checks (shim)", len(shim.outcomes), time.perf_counter() - began,
                          sum(not o.passed for o in shim.outcomes))
        outcomes += shim.outcomes
        if shim.skipped is not None:
            skipped.append(SkippedMode(Mode.SHIM, shim.skipped))
    if elsewhere is not None:  # its own interpreter's real-thread outcomes, or why there are none
        found_there = elsewhere.collect()
        skipped = [s for s in skipped if s.mode is not Mode.THREADS] + found_there.skipped
        outcomes += found_there.outcomes
        machine_runs += found_there.machine_runs
    return TargetResult(target=target.name, kind=kind, python=target.version,
                        outcomes=outcomes, verdicts=verdicts(target, outcomes, load()),
                        skipped=skipped, machine_runs=machine_runs,
                        seconds=time.perf_counter() - started)


#: why the clause checks do not run on real threads for an executor whose tasks run elsewhere
_FOREIGN = ("clause checks: a {kind}'s tasks run outside this process, and the checks' tasks are local "
            "functions parked on this process's threading gates, which no worker can reach or unpickle; "
            "the conformance machine checks it instead, through a task kit")


def _kind(target: Target) -> ExecutorKind:
    """What the target's executors are, from one built (:func:`~execspec.conformance.loading.kind_of`);
    the kind its string says when none can be built here."""
    if not target.real_threads_ok:
        return target.kind
    from execspec.conformance.loading import kind_of

    try:
        return kind_of(target.load_factory())
    except Exception:  # noqa: BLE001 - validated already; the checks will say what is wrong
        return target.kind


def _no_shim(target: Target, kind: ExecutorKind) -> str | None:
    """Why neither the machine nor the clause checks can run ``target`` under the shim (None: they can)."""
    if kind in (ExecutorKind.PROCESS_POOL, ExecutorKind.DISTRIBUTED):
        return f"a {kind.value} runs tasks outside this process, which the shim does not control"
    if not target.real_threads_ok:
        return None
    declared = getattr(target.load_factory(), "execspec_no_shim", None)  # an adapter's own word
    if isinstance(declared, str):
        return declared
    import functools

    from execspec.conformance.scenarios.sched_results import run_one_schedule
    from execspec.conformance.scenarios.shim import LoadFailed, probe_scenario

    try:
        probed = run_one_schedule(functools.partial(probe_scenario, target=target.name))
    except Exception:  # noqa: BLE001 - run_shim says why, in its own words
        return None
    if isinstance(probed, LoadFailed):
        return f"the shim cannot load {target.module} ({probed.error[:200]})"
    return None


def _told(target: Target, step: str, runs: Callable[[], list[CheckOutcome]]) -> list[CheckOutcome]:
    """``runs()``, with the progress listener told when it starts and ends."""
    progress.started(target.name, step)
    began = time.perf_counter()
    found = runs()
    progress.finished(target.name, step, len(found), time.perf_counter() - began, sum(not o.passed for o in found))
    return found


def verdicts(target: Target, outcomes: Sequence[CheckOutcome],
             catalogue: Catalogue) -> dict[str, ClauseVerdict]:
    """The verdict on every clause some check exercises, from the target's check runs."""
    out: dict[str, ClauseVerdict] = {}
    for clause in _exercised():
        relevant = [o for o in outcomes if clause in o.clauses]
        found = catalogue.clauses.get(clause)
        issue = found.issue if found is not None else None
        if found is not None and target.version is not None and not found.holds_for(target.version):
            # the clause speaks of other Pythons (EXE-SHUTDOWN-CANCELLED-DONE is 3.9+): whatever
            # ran, nothing here is a verdict on it
            out[clause] = ClauseVerdict(clause, Verdict.NOT_APPLICABLE, issue, reason=(
                f"the clause holds for Python {found.versions}, not {target.version[0]}.{target.version[1]}"))
            continue
        if not relevant:
            out[clause] = ClauseVerdict(clause, Verdict.NOT_APPLICABLE, issue,
                                        reason=_why_not_applicable(target))
            continue
        failed = tuple(o for o in relevant if not o.passed
                       and (o.failure is None or o.failure.kind is not FailureKind.UNCONFIRMED))
        if not failed:
            out[clause] = ClauseVerdict(clause, Verdict.PASS, issue)
        elif found is not None and found.status == "upstream-divergence" and target.is_cpython_stdlib:
            out[clause] = ClauseVerdict(clause, Verdict.DIVERGES, issue, failed)
        else:
            out[clause] = ClauseVerdict(clause, Verdict.FAIL, issue, failed)
    return out


def _why_not_applicable(target: Target) -> str:
    if target.version is not None:
        return f"no check of it applies to Python {target.version[0]}.{target.version[1]}"
    return "no check of it ran"


def _exercised() -> list[str]:
    seen: dict[str, None] = {}
    for chk in CHECKS:
        seen.update(dict.fromkeys(chk.clauses))
    seen.update(dict.fromkeys(MACHINE_CLAUSES))
    return list(seen)


def areas(catalogue: Catalogue) -> list[Area]:
    """The matrix's rows: exercised clauses grouped by area in catalogue order, then any
    exercised ID the catalogue lacks."""
    exercised = set(_exercised())
    groups = [Area(area, tuple(c.id for c in clauses if c.id in exercised))
              for area, clauses in catalogue.by_area().items()]
    unknown = tuple(sorted(exercised - set(catalogue.clauses)))
    if unknown:
        groups.append(Area(UNKNOWN_AREA, unknown))
    return [g for g in groups if g.clauses]


def run(targets: Sequence[Target], *, profile: Profile | None = None,
        on_target: Callable[[Target], None] | None = None,
        schedule_dir: Path | None = None) -> RunResult:
    """Check every target in turn (``on_target`` is told before each starts) and collect the
    matrix; failing shim schedules go under ``schedule_dir`` (default: the setting).

    >>> from execspec.targets import Target
    >>> result = run([Target.parse("impl")])  # doctest: +SKIP
    >>> result.exit_status  # doctest: +SKIP
    0
    """
    started = time.perf_counter()
    catalogue = load()
    results = []
    # Some checks make callbacks raise on purpose; executors log those, which is noise here.
    logging.disable(logging.CRITICAL)
    try:
        for t in targets:
            if on_target is not None:
                on_target(t)
            results.append(check_target(t, profile, schedule_dir))
    finally:
        logging.disable(logging.NOTSET)
    rows = areas(catalogue)
    return RunResult(targets=results, areas=rows, catalogue_size=len(catalogue),
                     exercised=sum(c in catalogue for c in _exercised()), checks=len(CHECKS), machine=profile.name if profile else None,
                     elapsed=time.perf_counter() - started)
