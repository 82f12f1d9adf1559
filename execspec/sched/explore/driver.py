"""The exploration driver: run a scenario under a strategy, schedule after schedule.

``explore`` counts schedules (in all, and per outcome), groups failures by kind, keeps the
first failing execution and writes one schedule file per distinct failure. Given a
``concurrent.futures`` executor (``executor="process"``: a process pool over this machine's
cores; or any ``Executor``, a dask cluster's say) it splits the work (seed ranges for random
and PCT, DFS subtrees), runs the pieces there, and merges them in serial order, so the result
is identical to a serial run (same counts, same failures, same first failure); pieces past the
first failure or the budget are cancelled or discarded.

The library default is serial (``executor=None``): starting a process pool costs about 0.2 s
on a 2-core machine, more than most explorations in the tests take in all.
``execspec deadlocks --parallel`` (or ``--jobs N``) explores over a process pool.

Besides the three-method contract (``kernel.protocols.Strategy``), the driver uses what a strategy offers of:

- ``observe(ops)``: every operation run, after the execution (DPOR, replay's checks);
- ``describe() -> dict``: name, seed and parameters, recorded in schedule files;
- ``split(parts, budget) -> list[Strategy]``: the remaining work as independent pieces in
  serial order (random and PCT: seed ranges; DFS with sleep sets: subtrees);
- ``transitions`` / ``redundant`` counters (DFS: decisions taken, sleep-blocked executions).

>>> from execspec.sched.explore import explore
>>> from execspec.sched.strategies import RandomStrategy
>>> result = explore("execspec.sched.examples.lost_update:lost_update", RandomStrategy(seed=0),
...                  max_schedules=200, schedule_dir=None)
>>> failure = result.failures[0]
>>> failure.kind, failure.explanation.exception_type
(<ExecutionOutcome.EXCEPTION: 'exception'>, 'AssertionError')
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from execspec import config
from execspec.sched.explore.schedule import Schedule, resolve_scenario, scenario_name
from execspec.sched.explore.split import group, process_pool, run_split
from execspec.sched.kernel.execution import Execution, ExecutionOutcome
from execspec.sched.kernel.op import Op
from execspec.sched.kernel.protocols import Strategy
from execspec.sched.postmortem.report import FailureReport
from execspec.sched.runner import harness_thread, run_once, run_series

__all__ = ["DEFAULT_SCHEDULE_DIR", "Exploration", "Failure", "explore", "failure_key",
           "process_pool", "run_with"]

Scenario = Callable[..., object]
MAX_SCHEDULES_ENV = config.MAX_SCHEDULES
DEFAULT_SCHEDULE_DIR = config.DEFAULT_SCHEDULE_DIR


@dataclass
class Failure:
    """One kind of failure, as first seen: typed data; text only through ``render()``."""

    key: str                   # outcome and blurred headline: what makes failures distinct
    kind: ExecutionOutcome     # how the execution ended, e.g. ExecutionOutcome.DEADLOCK
    explanation: FailureReport  # the report as data (.headline, .exception_type, .render())
    schedule: Schedule         # replays this execution
    index: int                 # 0-based number of the schedule that found it
    schedule_file: Path | None = None  # where its schedule was written (None: not written)

    @property
    def headline(self) -> str:
        """The report's first line, e.g. ``DEADLOCK: worker 0 ... waits on future b ...``."""
        return self.explanation.headline

    def render(self) -> str:
        """The whole report as text."""
        return self.explanation.render()

    # Old string views, kept until every caller reads the typed fields above.
    @property
    def outcome(self) -> str:
        """Deprecated: ``kind.name``."""
        return self.kind.name

    @property
    def report(self) -> str:
        """Deprecated: ``render()``."""
        return self.render()


@dataclass
class Exploration:
    """What ``explore`` found."""

    strategy: dict[str, Any]              # the strategy's name and parameters (seed, depth ...)
    schedules: int = 0                    # executions run
    steps: int = 0                        # scheduling steps over all executions
    decisions: int = 0                    # steps where more than one thread could run
    redundant: int = 0                    # DFS: executions that ended sleep-set blocked
    exhausted: bool = False               # the strategy had nothing left to explore
    # Executions per outcome name ("OK", "DEADLOCK" ...), over the schedules counted above;
    # invariant: sum(outcomes.values()) == schedules. With stop_on_first_failure the count
    # ends at the first failure; without it, it covers the whole search ("every schedule
    # deadlocks" is outcomes == {"DEADLOCK": schedules}).
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)  # distinct, in order of discovery
    first_failure: Execution | None = None  # re-run from its schedule, with its full trace
    schedule_file: Path | None = None       # where the first failure's schedule was written
    schedule_files: list[Path] = field(default_factory=list)  # one per distinct failure, in order
    #: why the failures' schedule files were not written (the directory cannot be written);
    #: None when they were, or none were asked for
    unsaved: str | None = None

    @property
    def failed(self) -> bool:
        """True when some schedule failed."""
        return bool(self.failures)

    def summary_line(self) -> str:
        """One line: strategy and parameters, schedules run, distinct failures."""
        params = ", ".join(f"{k}={v}" for k, v in self.strategy.items() if k != "name")
        return (f"{self.strategy.get('name')} ({params}): {self.schedules} schedules, "
                f"{len(self.failures)} distinct failures"
                + (" (search complete)" if self.exhausted else ""))

    def summary(self) -> str:
        """A few deterministic lines: ``summary_line()``, then each failure's headline."""
        lines = [self.summary_line()]
        for f in self.failures:
            headline = f.headline or f.kind.name
            lines.append(f"  schedule #{f.index + 1}: {headline}")
        return "\n".join(lines)


@dataclass
class _Part:
    """What one piece of work found (picklable; merged in order by the driver)."""

    steps: list[int] = field(default_factory=list)      # per execution
    decisions: list[int] = field(default_factory=list)  # per execution
    failures: list[tuple[int, str, FailureReport, list[tuple[int, str, str]], dict[str, Any]]] = \
        field(default_factory=list)  # (index in part, key, report, steps, strategy)
    redundant: list[int] = field(default_factory=list)  # per execution: 1 if sleep-set blocked
    outcomes: list[str] = field(default_factory=list)   # per execution: its Outcome's name
    exhausted: bool = False


class _Steered:
    """Hands the runtime a strategy's ``choose`` while the driver owns begin/end."""

    __slots__ = ("choose",)

    def __init__(self, choose: Callable[[Sequence[Op], int], int]) -> None:
        self.choose = choose

    def begin_execution(self) -> bool:
        return True

    def end_execution(self, failed: bool) -> None:
        pass


def run_with(scenario: Scenario, strategy: Strategy, *, max_steps: int = 20_000,
             modules: Sequence[str] = ("concurrent.futures",)) -> Execution | None:
    """One execution of ``scenario`` under ``strategy`` (None when it has nothing left)."""
    if not strategy.begin_execution():
        return None
    execution = run_once(scenario, _Steered(strategy.choose), max_steps=max_steps,
                         modules=modules)
    observe = getattr(strategy, "observe", None)
    if observe is not None:
        observe(execution.ops)
    strategy.end_execution(execution.failed)
    return execution


def failure_key(execution: Execution) -> str:
    """What makes two failures the same: the outcome and the report's headline, with numbers
    blurred ("position 1"/"position 2" in a queue, "Lock#3"/"Lock#4" are the same bug)."""
    report = execution.report
    headline = re.sub(r"\d+", "N", report.headline) if report is not None else ""
    return f"{execution.outcome.name}: {headline}" if headline else execution.outcome.name


def _explore_part(scenario: Scenario | tuple[str, dict[str, Any]], strategy: Strategy,
                  budget: int, stop_on_first_failure: bool, max_steps: int,
                  modules: Sequence[str]) -> _Part:
    """Run up to ``budget`` executions of ``strategy`` (in a worker, or in-process)."""
    if isinstance(scenario, tuple):
        # In a worker: run on a thread of our own, so that nothing inherited by a forked
        # process (the runtime keeps a runner per thread) is reused.
        func = resolve_scenario(*scenario)
        # the pool's thread that runs this part is ours too, for the executions of the other
        # parts beside it (a thread the pool starts for a later part, during an execution)
        harness_thread(threading.current_thread())
        box: list[_Part] = []
        errors: list[BaseException] = []

        def work() -> None:
            try:
                box.append(_explore_part(func, strategy, budget, stop_on_first_failure,
                                         max_steps, modules))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                errors.append(exc)

        thread = harness_thread(threading.Thread(target=work, name="execspec-explore-part"))
        thread.start()
        thread.join()
        if errors:
            raise errors[0]
        return box[0]
    part = _Part()
    if budget < 1:
        return part
    seen: set[str] = set()
    describe: Callable[[], dict[str, Any]] = getattr(strategy, "describe", dict)
    counters = (getattr(strategy, "transitions", 0), getattr(strategy, "redundant", 0))

    def each(execution: Execution) -> bool:
        # What run_with's loop did after each execution; run in the runner thread, so that
        # the whole part runs there, no execution handed from one thread to another.
        nonlocal counters
        before, blocked = counters
        counters = (getattr(strategy, "transitions", 0), getattr(strategy, "redundant", 0))
        part.steps.append(execution.steps)
        part.decisions.append(counters[0] - before)
        part.redundant.append(counters[1] - blocked)
        part.outcomes.append(execution.outcome.name)
        if execution.failed:
            key = failure_key(execution)
            if key not in seen:
                seen.add(key)
                steps = [(op.thread, op.kind, op.label) for op in execution.ops]
                part.failures.append((len(part.steps) - 1, key, _report_of(execution),
                                      steps, describe()))
            if stop_on_first_failure:
                return False
        return len(part.steps) < budget

    part.exhausted = run_series(scenario, strategy, each, max_steps=max_steps, modules=modules)
    return part


def _report_of(execution: Execution) -> FailureReport:
    """The failed execution's report as data (one with just a headline if it has none)."""
    report = execution.report
    if isinstance(report, FailureReport):
        return report
    headline = report.headline if report is not None else execution.outcome.name
    return FailureReport(execution.outcome, headline)


def explore(scenario: Scenario | str, strategy: Strategy, *, max_schedules: int | None = None,
            stop_on_first_failure: bool = True, executor: cf.Executor | str | None = None,
            parts: int | None = None, max_steps: int = 20_000,
            modules: Sequence[str] = ("concurrent.futures",),
            schedule_dir: str | Path | None = DEFAULT_SCHEDULE_DIR) -> Exploration:
    """Run ``scenario`` under ``strategy`` for up to ``max_schedules`` executions.

    ``scenario`` is a callable taking the shim ``Env``, or its importable name
    ``"package.module:function"``. ``max_schedules`` (at least 1) defaults to
    ``$EXECSPEC_MAX_SCHEDULES`` or 1000. ``executor="process"`` spreads the work over a process
    pool with one process per core, started and shut down by this call; any other
    ``concurrent.futures.Executor`` is used as given (and left running). The work goes in
    ``parts`` pieces (default: 4 per worker); the scenario must then be importable by name (a
    module-level function or a ``functools.partial`` of one with JSON keyword arguments). The
    default, ``executor=None``, runs serially in this process: a pool's start-up costs more
    than a small exploration. The result does not depend on the executor. Each distinct
    failure's schedule is written under ``schedule_dir`` (None: none written); when it cannot
    be written, ``unsaved`` says why and the exploration's result is whole all the same.

    >>> from execspec.sched.strategies import RandomStrategy
    >>> r = explore("execspec.sched.examples.docs:wait_on_each_other", RandomStrategy(seed=0),
    ...             max_schedules=20, stop_on_first_failure=False, schedule_dir=None)
    >>> r.outcomes
    {'DEADLOCK': 20}
    """
    if max_schedules is None:
        max_schedules = config.max_schedules()
    if isinstance(max_schedules, bool) or not isinstance(max_schedules, int) or max_schedules < 1:
        raise ValueError(f"max_schedules must be a whole number >= 1, got {max_schedules!r}: "
                         f"pass the number of schedules to explore (or None for "
                         f"${MAX_SCHEDULES_ENV}, else 1000)")
    if isinstance(executor, str) and executor != "process":
        raise ValueError(f"executor={executor!r}: pass a concurrent.futures.Executor, "
                         f"'process' (a process pool over this machine's cores), or None "
                         f"(serial)")
    func = resolve_scenario(scenario, {}) if isinstance(scenario, str) else scenario
    name = scenario_name(func)
    describe: Callable[[], dict[str, Any]] = getattr(strategy, "describe", lambda: {})
    header = {k: v for k, v in describe().items() if k != "execution" and v is not None}
    result = Exploration(strategy=header or {"name": type(strategy).__name__})
    common = (stop_on_first_failure, max_steps, tuple(modules))
    # The first execution always runs here: it calibrates PCT and opens the DFS tree.
    first = _explore_part(func, strategy, min(1, max_schedules), *common)
    pieces = [first]
    splitter = getattr(strategy, "split", None)
    remaining = max_schedules - len(first.steps)
    done = first.exhausted or remaining <= 0 or (first.failures and stop_on_first_failure)
    units: list[Strategy] | None = None
    if not done and executor is not None and splitter is not None:
        if name is None:
            raise ValueError("to explore over an executor the scenario must be importable by "
                             "name: define it at module level (or pass 'module:function')")
        size = None if isinstance(executor, str) else getattr(executor, "_max_workers", None)
        workers = size or os.cpu_count() or 1
        parts = parts or 4 * workers
        try:
            units = splitter(parts, remaining)
        except NotImplementedError:  # e.g. DPOR: its alternatives cross subtrees
            units = None
    if units is not None:
        pieces += run_split(_explore_part, name, group(units, parts or 1), remaining, executor,
                            common)
    elif not done:
        pieces.append(_explore_part(func, strategy, remaining, *common))
    _merge(result, pieces, max_schedules, stop_on_first_failure)
    _finish(result, func, name, max_steps, modules, schedule_dir)
    return result


def _merge(result: Exploration, pieces: list[_Part], budget: int, stop: bool) -> None:
    """Concatenate pieces in serial order, cut at the budget or the first failure."""
    seen: set[str] = set()
    exhausted = True
    for part in pieces:
        base = result.schedules
        take = min(len(part.steps), budget - base)
        for index, key, report, steps, strategy in part.failures:
            if index < take and key not in seen:
                seen.add(key)
                schedule = Schedule(steps=list(steps), strategy=strategy,
                                    outcome=report.outcome.name, report=report.render())
                result.failures.append(Failure(key, report.outcome, report, schedule,
                                               base + index))
        if stop and result.failures:
            take = min(take, result.failures[0].index - base + 1)
        result.schedules += take
        result.steps += sum(part.steps[:take])
        result.decisions += sum(part.decisions[:take])
        result.redundant += sum(part.redundant[:take])
        for outcome in part.outcomes[:take]:
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
        exhausted = part.exhausted and take == len(part.steps)
        if (stop and result.failures) or result.schedules >= budget:
            break
    # Exhausted: the strategy itself ran out, before the budget (a seed range that ends at
    # the budget is not the strategy running out).
    result.exhausted = exhausted and result.schedules < budget and not (stop and result.failures)


def _finish(result: Exploration, func: Scenario, name: tuple[str, dict[str, Any]] | None,
            max_steps: int, modules: Sequence[str], schedule_dir: str | Path | None) -> None:
    """Re-run the first failure from its schedule; write each distinct failure's file.

    Files are named for the scenario, strategy, seed and schedule number (distinct within one
    exploration), e.g. ``lock_order_inversion-random-seed0-7.json``.
    """
    if not result.failures:
        return
    for failure in result.failures:
        schedule = failure.schedule
        schedule.scenario, schedule.scenario_args = name if name else (None, {})
        schedule.modules, schedule.max_steps = list(modules), max_steps
    first = result.failures[0].schedule
    result.first_failure = run_with(func, first.strategy_for_replay(), max_steps=max_steps,
                                    modules=modules)
    if schedule_dir is None:
        return
    label = "scenario"
    if name:
        label = "-".join([name[0].rpartition(":")[2], *(str(v) for v in name[1].values())])
    label = "".join(c if c.isalnum() or c in "_=" else "-" for c in label)
    for failure in result.failures:
        strat = failure.schedule.strategy
        path = Path(schedule_dir) / (f"{label}-{strat.get('name')}-seed{strat.get('seed', 0)}"
                                     f"-{failure.index + 1}.json")
        try:
            failure.schedule_file = failure.schedule.save(path)
        except OSError as exc:  # a read-only directory loses the files, not the exploration
            result.unsaved = f"cannot write {exc.filename or path}: {exc.strerror or exc}"
            break
        result.schedule_files.append(failure.schedule_file)
    result.schedule_file = result.schedule_files[0] if result.schedule_files else None
