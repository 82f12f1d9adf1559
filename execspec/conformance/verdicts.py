"""The machine's findings as check outcomes, so the matrix takes its verdicts from the model.

One machine run per mode becomes outcomes keyed by clause: a violation fails exactly the
clauses it names; a divergence CPython's stdlib was forgiven fails the divergence clauses
(which :func:`execspec.conformance.scenarios.run.verdicts` shows as ``diverges`` for the
stdlib, recognised by identity); and a run that ended without a violation passes every other
clause its applicable rules reach (:func:`unchecked`). A run that stopped at a violation passes
nothing more: the machine stops at its first, so what else holds is not established by it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from execspec.conformance import progress
from execspec.conformance.kits.orphans import spawns_processes
from execspec.conformance.machine import Mode as MachineMode
from execspec.conformance.results import (
    CheckFailure, CheckOutcome, FailureKind, MachineRun, Mode, SkippedMode,
)
from execspec.conformance.run import MachineResult, Profile, run_machine
from execspec.conformance.snippet import calls, render
from execspec.model import DEPARTS_FROM, RULES
from execspec.model.api import CASES as api_cases
from execspec.model.api import clauses as api_clauses
from execspec.targets import Target

#: the observations the machine checks itself, beyond the model's rules (invariants and views)
_OWN = ("INV-RUN-AT-MOST-ONCE", "INV-CANCELLED-NEVER-RUNS", "INV-CB-EXACTLY-ONCE", "INV-TERMINAL-STABLE",
        "INV-RESULT-STABLE", "INV-WORKERS-BOUNDED", "INV-PROGRESS", "TPE-INITIALIZER-RUNS", "FUT-STATES",
        "EXE-MAP-EAGER", "EXE-MAP-CLOSE-CANCELS", "EXE-MAP-TIMEOUT",
        # model invariants whose breach a client sees: a done future going back (a view), a
        # waiter never woken (progress), a wait() result that is no partition or an as_completed
        # that yields twice (a call), a callback that sees its future not done (the machine's own)
        "INV-DONE-MONOTONE", "INV-NO-LOST-WAKEUP", "INV-WAIT-PARTITION", "INV-AC-YIELDS-DONE-ONCE",
        "INV-CB-SEES-DONE",
        # more running futures than workers can run them: a view no state explains
        "INV-RUNNING-HAS-WORKER",
        # the default size create(max_workers=None) gives the model, named when a pool shows fewer
        "TPE-MAX-WORKERS-DEFAULT-38", "TPE-MAX-WORKERS-DEFAULT-313",
        # where an as_completed() deadline counts from, on the virtual clock (timing.py)
        "AC-TIMEOUT-FROM-CALL")

#: every clause a machine run checks: those the model's rules cite (the machine makes every
#: client operation of the model), the divergences, the machine's own invariants, and the API
#: surface's cases (model/api.py, the api_case rule)
MACHINE_CLAUSES: tuple[str, ...] = tuple(sorted(
    {c for rule in RULES.values() for c in rule.cites}
    | {c for cs in DEPARTS_FROM.values() for c in cs} | set(_OWN) | set(api_clauses())))

#: per rule the machine can make a no-op (``loading.NOT_APPLICABLE``'s keys, ``api:*`` aside):
#: the model rules only it drives, and the machine's own checks only it feeds
_REACHES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "create:initializer": (("worker.init-ok", "worker.init-fails", "worker.exits-broken", "pool.fails-queued",
                            "pool.drain-dies", "worker.init-fails-unseen", "submit.broken", "map.broken"),
                           ("TPE-INITIALIZER-RUNS",)),
    "create:default_max_workers": ((), ("TPE-MAX-WORKERS-DEFAULT-38", "TPE-MAX-WORKERS-DEFAULT-313")),
    "interpreter_exit": (("exit.begins", "submit.after-exit"), ()),
    "submit_waiting": (("task.wait-returns",), ()),
}


def unchecked(not_applicable: Iterable[str], shim: bool) -> frozenset[str]:
    """The clauses a machine run cannot have checked, given the rules it made no-ops
    (``not_applicable``'s keys) and its mode: those that only such rules reach (the API cases
    of an ``api:<needs>`` key; the ``exited`` cases with ``interpreter_exit``; the ``fork``
    cases off the shim, where they never run). A clause some other rule still reaches is kept.

    >>> sorted(unchecked(["create:default_max_workers"], shim=True))  # api:pool's cases reach them too
    []
    >>> sorted(unchecked(["create:default_max_workers", "api:pool"], shim=True))[:3]
    ['TPE-INITIALIZER-NOT-CALLABLE', 'TPE-MAX-WORKERS-DEFAULT-313', 'TPE-MAX-WORKERS-DEFAULT-35']
    >>> sorted(unchecked([], shim=False)), sorted(unchecked([], shim=True))
    (['TPE-FORK'], [])
    """
    off = set(not_applicable)
    needs_off = {k.partition(":")[2] for k in off if k.startswith("api:")}
    if "interpreter_exit" in off:
        needs_off.add("exited")  # the cases that need a pool made after interpreter exit
    if not shim:
        needs_off.add("fork")  # they run in the shim's shapes only
    rules_off = {r for k in off for r in _REACHES.get(k, ((), ()))[0]}
    own_off = {c for k in off for c in _REACHES.get(k, ((), ()))[1]}
    cases = api_cases.values()
    candidates = ({c for r in rules_off for c in RULES[r].cites} | own_off
                  | {c for case in cases if case.needs in needs_off for c in case.clauses})
    reached = ({c for name, rule in RULES.items() if name not in rules_off for c in rule.cites}
               | (set(_OWN) - own_off)
               | {c for case in cases if case.needs not in needs_off for c in case.clauses})
    return frozenset(candidates - reached)


_KIND = {"call": FailureKind.ASSERTION, "view": FailureKind.ASSERTION, "progress": FailureKind.HUNG,
         "hang": FailureKind.HUNG}
_MODE = {MachineMode.SHIM: Mode.SHIM, MachineMode.THREADS: Mode.THREADS}


def outcomes_of(result: MachineResult, target: Target, cross_process: bool = False) -> list[CheckOutcome]:
    """A machine result as outcomes: one failing outcome per finding of each round, and, when
    its last round ended with nothing new found, one passing for the other clauses its applicable
    rules reach (``cross_process``: the target runs its tasks in other processes, which its
    snippets' gates must reach)."""
    mode = _MODE[result.mode]
    name = f"machine ({result.mode.value})"
    out: list[CheckOutcome] = []
    failed: set[str] = set()
    unconfirmed: set[str] = set()  # seen broken once: a later clean round does not pass them
    seen: set[tuple[str, ...]] = set()
    for r in result.rounds:
        found = _finding(r, target, name, mode, cross_process)
        if found is not None:
            out.append(found)
            if found.failure is not None and found.failure.kind is FailureKind.UNCONFIRMED:
                unconfirmed |= set(found.clauses)
            else:
                failed |= set(found.clauses)
        for d in r.divergences:
            if d.clauses in seen:
                continue
            seen.add(d.clauses)
            snippet = render(d.actions, target.module, target.factory, cross_process=cross_process)
            said = f"{d.violation} (explained by CPython's {d.option} reading)"
            out.append(CheckOutcome(name, d.clauses, mode, CheckFailure(
                FailureKind.ASSERTION, f"{said}\n\n{snippet}", str(d.violation).splitlines()[0],
                violation=said, calls=tuple(calls(d.actions, cross_process)), snippet=snippet)))
            failed |= set(d.clauses)
        if r.error is not None or (r.flaky is not None and r.violation is None):
            why = r.error or f"a failure that did not happen again: {r.flaky}"
            out.append(CheckOutcome(name, (), mode, CheckFailure(FailureKind.EXCEPTION, why, why)))
    # Only a run whose last round went on to its end (its examples, or its budget) with nothing
    # new found passes what it did not name: one that stopped at a violation, a flake or a harness
    # error after a few examples (a foreign pool's first shape, often) has not established the rest.
    if result.ended_clean:
        masked = {c for r in result.rounds for c in r.masked_clauses}
        skip = failed | unconfirmed | masked | unchecked(result.not_applicable, result.mode is MachineMode.SHIM)
        out.append(CheckOutcome(name, tuple(c for c in MACHINE_CLAUSES if c not in skip), mode))
    return out


def _finding(r: MachineResult, target: Target, name: str, mode: Mode, cross_process: bool) -> CheckOutcome | None:
    """The failing outcome of one round's violation (unconfirmed when it did not happen again)."""
    v = r.violation
    if v is None:
        return None
    snippet = render(r.actions, target.module, target.factory, cross_process=cross_process)
    seeds = f"\nschedule seeds per call: {r.seeds}" if r.seeds else ""
    message = f"{v}\n\nshrunk calls ({len(r.actions)}):\n{snippet}{seeds}"
    shown = CheckFailure(_KIND.get(v.kind, FailureKind.ASSERTION), message, str(v).splitlines()[0],
                         violation=str(v), calls=tuple(calls(r.actions, cross_process)), snippet=snippet,
                         seeds=tuple(r.seeds), replay_file=r.replay_file, replay_unsaved=r.replay_unsaved)
    if r.flaky is not None:  # seen once, not again: shown, not counted (see UNCONFIRMED)
        return CheckOutcome(name, v.clauses, mode, replace(
            shown, kind=FailureKind.UNCONFIRMED, message=f"{message}\n(seen once; re-running its "
            f"example did not show it again: {r.flaky})", headline=f"unconfirmed: {shown.headline}"))
    return CheckOutcome(name, v.clauses, mode, shown)


def machine_outcomes(target: Target, profile: Profile, no_shim: str | None = None, cross_process: bool = False
                     ) -> tuple[list[CheckOutcome], list[SkippedMode], list[MachineRun]]:
    """Run the machine in every mode ``target`` supports: the outcomes, the modes skipped, and
    how much each run tried and how long it took. ``no_shim``: why the shim cannot run the target,
    when the caller knows (an executor whose tasks run elsewhere, a module the shim cannot load);
    ``cross_process``: its tasks run in other processes (the snippets' gates must reach them)."""
    outcomes: list[CheckOutcome] = []
    skipped: list[SkippedMode] = []
    runs: list[MachineRun] = []
    modes = [MachineMode.SHIM] + ([MachineMode.THREADS] if target.real_threads_ok else [])
    if no_shim is not None and target.real_threads_ok:
        modes.remove(MachineMode.SHIM)
        skipped.append(SkippedMode(Mode.SHIM, f"machine: {no_shim}"))
    elif target.real_threads_ok and spawns_processes(target.load_factory()):
        # its tasks run in worker processes, which the shim does not control
        modes.remove(MachineMode.SHIM)
        skipped.append(SkippedMode(Mode.SHIM, "machine: the executor runs tasks in worker processes, "
                                              "which the shim does not control"))
    for mode in modes:
        step = f"machine ({mode.value}, {profile.name} profile)"
        progress.started(target.name, step)
        result = run_machine(target, mode, profile)
        found = outcomes_of(result, target, cross_process and mode is MachineMode.THREADS)
        progress.finished(target.name, step, result.examples, result.seconds,
                          sum(not o.passed for o in found))
        outcomes += found
        runs.append(MachineRun(_MODE[mode], result.profile, result.examples, result.seconds,
                               result.first_failure, result.budget, result.budget_spent))
    if not target.real_threads_ok:
        skipped.append(SkippedMode(Mode.THREADS, "machine: source-only target (shim only)"))
    return outcomes, skipped, runs


__all__ = ["MACHINE_CLAUSES", "machine_outcomes", "outcomes_of", "unchecked"]
