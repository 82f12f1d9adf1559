"""Running the machine: one target, one mode, one profile, to typed results.

This is the library entry point the command line, the pytest plugin and the golden tests share.
Hypothesis does the running and the shrinking; what comes back is data: the shrunk violation
(its clauses, its calls as actions, the step that showed it), the divergences CPython's stdlib
was forgiven, how many examples ran and how long it took.

>>> from execspec.targets import Target
>>> r = run_machine(Target.parse("impl"), Mode.SHIM, PROFILES["smoke"])
>>> r.violation is None, r.examples > 0
(True, True)
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Flaky
from hypothesis.stateful import get_state_machine_test

from execspec import config
from execspec.conformance import replay
from execspec.conformance.actions import Action
from execspec.conformance.loop import BudgetSpent
from execspec.conformance.machine import Divergence, Hazard, Mode, ShrinkBudgetSpent, machine_for
from execspec.conformance.oracle import Violation
from execspec.conformance.shape_runner import run_shapes


@dataclass(frozen=True)
class Profile:
    """How hard the machine tries: examples per mode and steps per example, and for how long.

    ``budget`` bounds a run in one mode: once that many real seconds have passed with nothing
    found, no example (enumerated shape or generated) starts, and the run reports how many ran.
    It is there for a slow target, whose every call takes most of its bounded wait; on a healthy
    one the examples run out first (the dev profile's take 10-30 s a mode on a 2-core machine)."""

    name: str
    shim_examples: int
    thread_examples: int
    steps: int
    shrink: bool = True
    shrink_budget: float = 20.0  # seconds of shrinking after the first failure
    shapes: bool = True  # run the enumerated shapes (:mod:`.shapes`) before generating
    budget: float = 120.0  # seconds a run in one mode may start examples for (see above)
    #: violations a run looks for: after each, a new round ignores the clauses found so far
    rounds: int = 1


PROFILES: dict[str, Profile] = {
    "smoke": Profile("smoke", 10, 10, 8, budget=60.0),
    "ci": Profile("ci", 300, 100, 12, budget=120.0, rounds=4),
    "dev": Profile("dev", 600, 200, 15, budget=120.0, rounds=4),
    "thorough": Profile("thorough", 5000, 1000, 25, budget=1800.0, rounds=8),
}


def budgeted(profile: Profile, seconds: float | None = None) -> Profile:
    """``profile`` with its budget set: ``seconds``, else ``$EXECSPEC_MACHINE_BUDGET``, else its own.

    >>> budgeted(PROFILES["dev"], 600.0).budget
    600.0
    """
    seconds = seconds if seconds is not None else config.machine_budget()
    return profile if seconds is None else dataclasses.replace(profile, budget=seconds)


def register_profile(profile: Profile) -> None:
    """Make ``profile`` available by name (``--profile``, ``--execspec-profile``, ``$EXECSPEC_PROFILE``)."""
    PROFILES[profile.name] = profile


def profile_named(name: str) -> Profile:
    """The profile called ``name``; ValueError naming the ones there are."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"no execspec profile {name!r}; use one of {', '.join(sorted(PROFILES))} "
                         "or register one with execspec.conformance.run.register_profile") from None


@dataclass
class MachineResult:
    """What one machine run found."""

    target: str
    mode: Mode
    profile: str
    examples: int
    seconds: float
    violation: Violation | None = None
    actions: list[Action] = field(default_factory=list)  # the shrunk calls that show it
    seeds: list[int] = field(default_factory=list)  # their schedule seeds (shim)
    flaky: str | None = None  # a failure that did not happen again when re-run (real threads)
    divergences: list[Divergence] = field(default_factory=list)
    #: the docs' deadlocks the machine drove the target into (DL-*): documented, not violations
    hazards: list[Hazard] = field(default_factory=list)
    error: str | None = None  # the harness itself failed: our bug, never a verdict
    first_failure: float | None = None  # seconds from the start to the first violation
    shape: str | None = None  # the enumerated shape that showed the violation (None: generated)
    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # its rule calls (replay)
    replay_file: Path | None = None  # shim: the file ``execspec replay`` runs it again from
    replay_unsaved: str | None = None  # why that file could not be written
    shapes_run: int = 0  # enumerated shapes run before generating
    budget: float | None = None  # the run's budget in seconds (``Profile.budget``)
    budget_spent: bool = False  # it ended at its budget, before its examples ran out
    #: the rules it made no-ops for this target (rule -> why): what they alone reach, it did not check
    not_applicable: dict[str, str] = field(default_factory=dict)
    #: every example of the round met a violation an earlier round found: nothing else was seen
    masked: bool = False
    #: clauses named only by violations it ignored (they shared a clause with one found before):
    #: seen broken alongside a known bug, so neither passed nor failed on their own
    masked_clauses: set[str] = field(default_factory=set)
    #: the later rounds (``Profile.rounds``), each looking past the clauses found before it; the
    #: totals (examples, seconds) are this result's
    further: list[MachineResult] = field(default_factory=list)

    @property
    def rounds(self) -> list[MachineResult]:
        """This round and the later ones, in order."""
        return [self, *self.further]

    @property
    def ended_clean(self) -> bool:
        """Whether its last round went on to its end (examples or budget) with nothing new found."""
        last = self.rounds[-1]
        return (last.violation is None and last.error is None and last.flaky is None and not last.masked
                and last.examples > 0)

    @property
    def clauses(self) -> tuple[str, ...]:
        """The clause IDs the violation names (none when it passed)."""
        return self.violation.clauses if self.violation is not None else ()


def machine_bound(profile: Profile, mode: Mode) -> float:
    """The most real seconds one :func:`run_machine` in ``mode`` can take under ``profile``.

    Every rule waits at most the mode's bound for a call (on real threads the machine's wait
    for a call the model says must return; under the shim the stall that abandons an
    execution), and an example's teardown makes at most a call per future, a settle (on real
    threads polled for up to ``SETTLE_BOUND``), a shutdown and a close. The budget is checked
    before every rule, so a run goes past it by at most the rule under way and its example's
    teardown; a violation found is then shrunk for ``shrink_budget``, checked the same way.

    >>> machine_bound(PROFILES["dev"], Mode.THREADS) < 300
    True
    """
    from execspec.conformance.driver import World
    from execspec.conformance.loop import SETTLE_BOUND
    from execspec.conformance.machine import MAX_FUTURES
    from execspec.sched.runner import STOP_BOUND

    call = config.uncontrolled_timeout() + STOP_BOUND if mode is Mode.SHIM else float(World.hang)
    teardown = (MAX_FUTURES + 3) * call + (0.0 if mode is Mode.SHIM else SETTLE_BOUND)
    overrun = call + teardown  # the rule under way when a budget is spent, and its teardown
    shrinking = profile.shrink_budget + overrun if profile.shrink else 0.0
    return profile.budget + overrun + profile.rounds * shrinking  # each round shrinks what it found


def _target_thread_dies(hook: Any, args: Any) -> None:
    """While the machine runs: a target's thread that an exception ends (CPython's worker when its
    broken-pool drain meets a cancelled future, TPE-INITIALIZER-FAILS-CANCELLED) is the model's
    to judge by what it leaves behind, not a traceback on stderr; the harness's own threads
    (named execspec-*) still report theirs."""
    if args.thread is not None and args.thread.name.startswith("execspec"):
        hook(args)


def _where(exc: BaseException) -> str:
    """Where ``exc`` was raised, as " (at FILE:LINE in FUNCTION)" for the innermost frame: a
    harness error is ours to fix, and its one line should say where to look."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {os.path.basename(last.filename)}:{last.lineno} in {last.name})"


def run_machine(target: Any, mode: Mode, profile: Profile, shim_modules: tuple[str, ...] = (),
                max_examples: int | None = None, shrink_budget: float | None = None,
                replay_dir: Path | None = None) -> MachineResult:
    """Run the machine against ``target`` in ``mode``; deterministic (derandomized, no example
    database), so the same call finds the same failure. A violation under the shim is written
    as a replay file under ``replay_dir`` (default: the schedule directory setting).

    The machine stops at the first violation it shrinks, so a run makes up to ``profile.rounds``
    rounds: each after the first ignores the clauses found so far (an example whose violation
    names any of them ends quietly) and looks for a violation of others, within the one budget.

    A round that Hypothesis ended as flaky (on real threads: the target's timing made a replayed
    example draw differently, or a failure did not happen again) ends its generation, not the
    run: the rounds after it generate from seed = their index instead of the derandomized
    sequence, which would walk back into the same example. Still deterministic: the same run
    makes the same rounds."""
    started = time.monotonic()
    first = _round(target, mode, profile, shim_modules, max_examples, shrink_budget, replay_dir,
                   started, frozenset())
    known = set(first.clauses)
    last = first
    while (len(first.rounds) < profile.rounds and (last.violation is not None or last.flaky is not None)
           and last.error is None and time.monotonic() < started + profile.budget):
        seeded = any(r.flaky is not None for r in first.rounds)
        last = _round(target, mode, profile, shim_modules, max_examples, shrink_budget, replay_dir,
                      started, frozenset(known), seed=len(first.rounds) if seeded else None)
        first.further.append(last)
        known |= set(last.clauses)
    first.examples = sum(r.examples for r in first.rounds)
    first.seconds = time.monotonic() - started
    first.budget_spent = last.budget_spent
    return first


def _round(target: Any, mode: Mode, profile: Profile, shim_modules: tuple[str, ...], max_examples: int | None,
           shrink_budget: float | None, replay_dir: Path | None, started: float,
           ignored: frozenset[str], seed: int | None = None) -> MachineResult:
    """One round of :func:`run_machine`: a fresh machine that ignores ``ignored``, generating
    from ``seed`` (None: derandomized)."""
    machine = machine_for(target, mode, shim_modules)
    machine.ignored = ignored
    machine.shrink_budget = profile.shrink_budget if shrink_budget is None else shrink_budget
    n = max_examples or (profile.shim_examples if mode is Mode.SHIM else profile.thread_examples)
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if profile.shrink else [])
    opts = settings(max_examples=n, stateful_step_count=profile.steps, deadline=None, database=None,
                    derandomize=True, suppress_health_check=list(HealthCheck), phases=phases,
                    print_blob=False, report_multiple_bugs=False,
                    # Hypothesis's own reports (the steps before an inconsistent replay) would go
                    # to stdout, into the middle of a report: what a round found is in its result
                    verbosity=Verbosity.quiet)
    began = time.monotonic()
    machine.stop_at = started + profile.budget
    result = MachineResult(target.name, mode, profile.name, 0, 0.0, budget=profile.budget)
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)  # executors log raising callbacks and initializers: noise here
    hook = threading.excepthook
    threading.excepthook = functools.partial(_target_thread_dies, hook)
    try:
        if profile.shapes:
            result.shapes_run = run_shapes(machine)
        if not machine.found:
            # what run_state_machine_as_test runs (split out for HypoFuzz, to call the test
            # itself), so that hypothesis.seed can pick a round's generation
            test = get_state_machine_test(machine, settings=opts)
            if seed is not None:
                hypothesis_seed(seed)(test)
            test()
    except (Violation, ShrinkBudgetSpent):
        pass  # the shortest violation seen is in machine.found
    except BudgetSpent:
        result.budget_spent = True  # nothing found in the examples that ran
    except Flaky as exc:
        if machine.stopped[0] is BudgetSpent:  # (an example the budget cut short: see Observing.stopped)
            result.budget_spent = True
        elif machine.stopped[0] is not ShrinkBudgetSpent:  # (the shortest violation so far is kept)
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            result.flaky = lines[0] + (f" ({lines[1]})" if len(lines) > 1 else "")
    except Exception as exc:  # noqa: BLE001 - the harness failed: reported as ours
        result.error = f"{type(exc).__name__}: {exc}{_where(exc)}"
    finally:
        logging.disable(previous)
        threading.excepthook = hook
    if machine.found:
        best = machine.found[0]
        result.violation, result.actions, result.seeds = best.violation, best.actions, best.seeds
        result.first_failure = best.first_seen - started
        result.shape = best.shape
        result.steps = best.steps
        if mode is Mode.SHIM and best.steps:
            _write_replay(result, target, config.schedule_dir() if replay_dir is None else replay_dir)
    result.examples = machine.examples[0]
    result.not_applicable = dict(machine.not_applicable)
    result.masked_clauses = set(machine.masked)
    # every example met a violation an earlier round found: nothing else was seen
    result.masked = bool(ignored) and machine.discards[0] >= machine.examples[0] > 0
    result.seconds = time.monotonic() - began
    result.divergences = list(machine.divergences)
    result.hazards = list(machine.hazards)
    return result


def _write_replay(result: MachineResult, target: Any, folder: Path) -> None:
    v = result.violation
    assert v is not None
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in target.name)
    digest = hashlib.sha256(repr((result.steps, result.seeds)).encode()).hexdigest()[:10]
    path = folder / stem / f"machine-{v.clauses[0] if v.clauses else v.kind}-{digest}.json"
    try:
        result.replay_file = replay.write(path, target.name, result.steps, result.seeds, v)
    except (OSError, TypeError) as exc:
        result.replay_unsaved = f"{type(exc).__name__}: {exc}"


__all__ = ["MachineResult", "Mode", "PROFILES", "Profile", "budgeted", "machine_bound", "profile_named", "register_profile",
           "run_machine"]
