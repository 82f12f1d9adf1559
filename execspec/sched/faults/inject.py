"""``inject_faults``: list a scenario's injection points, interrupt each in turn, judge each run.

One seeded schedule (``RandomStrategy(seed)``, execution ``schedule``) is the scenario's
course; every run replays it step for step up to its injection point, so point ``(step,
thread)`` means the same moment in every run. The listing run records, at every step, the
threads an interrupt may hit there (``runtime.injectable``); all of them are tried when there
are at most ``max_points``, else a sample of ``max_points`` drawn with ``random.Random(seed)``.
"""

from __future__ import annotations

import functools
import logging
import random
from dataclasses import dataclass, field
from typing import Any, Callable

from greenlet import GreenletExit  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.faults.runtime import Injector, adopt
from execspec.sched.faults.world import FaultWorld
from execspec.sched.kernel.execution import Outcome
from execspec.sched.kernel.runtime import Abort
from execspec.sched.loader.futures_api import futures_api
from execspec.sched.runner import run_once
from execspec.sched.strategies.random import RandomStrategy

__all__ = ["FaultRun", "Point", "StartRefused", "Stranding", "inject_faults"]

Scenario = Callable[[FaultWorld], None]


class StartRefused(RuntimeError):
    """What ``Thread.start()`` raises when the OS will not start another thread (CPython raises
    a plain RuntimeError, "can't start new thread"); with ``at="start"`` (see ``inject_faults``)."""


@dataclass(frozen=True)
class Point:
    """An injection point: at step ``step`` of the schedule, interrupt thread ``tid``."""

    step: int
    tid: int
    thread: str  # the thread's name, e.g. "ThreadPoolExecutor-0_0"
    op: str  # what it was about to do, e.g. "RLock#4.acquire"
    where: str  # file:line (function) of the interrupted frame of the code under test

    def describe(self) -> str:
        """One line: step, thread, frame and operation."""
        return f"step {self.step}, {self.thread}, at {self.where} before {self.op}"


@dataclass(frozen=True)
class Stranding:
    """An injection point the target did not survive, and what it left behind."""

    point: Point
    left: tuple[str, ...]  # "f2 pending, never run or cancelled", "Lock#3 held by ...", ...


@dataclass
class FaultRun:
    """What ``inject_faults`` found for one scenario on one target."""

    scenario: str
    module: str
    exception: str  # the class raised, e.g. "KeyboardInterrupt"
    seed: int
    schedule: int
    points: int  # injection points the schedule offers
    tried: int = 0  # runs made (all points, or a sample of them)
    survived: int = 0
    not_reached: int = 0  # planned points the run never reached (counted as survived)
    sampled: bool = False
    baseline: tuple[str, ...] = ()  # what the run without an interrupt left (should be nothing)
    strandings: list[Stranding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every point tried was survived and the baseline left nothing."""
        return not self.strandings and not self.baseline

    def render(self) -> str:
        """The scenario's lines of the ``execspec faults`` report."""
        how = f"sampled {self.tried} of {self.points}" if self.sampled else f"all {self.tried}"
        lines = [f"{self.scenario}: {how} injection points tried ({self.exception}), "
                 f"{self.survived} survived, {len(self.strandings)} stranded work"]
        if self.baseline:
            lines.append("  without any interrupt: " + "; ".join(self.baseline))
        # points that differ only by their step strand the same way: one entry, its steps listed
        groups: dict[tuple[str, str, str, tuple[str, ...]], list[int]] = {}
        for s in self.strandings:
            p = s.point
            groups.setdefault((p.thread, p.where, p.op, s.left), []).append(p.step)
        for (thread, at, op, left), steps in groups.items():
            label = "step" if len(steps) == 1 else "steps"
            lines.append(f"  {label} {', '.join(map(str, steps))}: {thread}, at {at} before {op}")
            lines.append(f"    left: {'; '.join(left)}")
        return "\n".join(lines)


def inject_faults(scenario: Scenario, *, module: str, factory: str = "ThreadPoolExecutor",
                  source_dir: str | None = None, exception: type[BaseException] = KeyboardInterrupt,
                  max_points: int = 400, seed: int = 0, schedule: int = 0,
                  threads: str | None = None, name: str | None = None,
                  harness: tuple[str, ...] = (), must_escape: bool = True,
                  at: str | None = None) -> FaultRun:
    """Interrupt ``scenario`` at each of its injection points in turn (``max_points`` at most,
    a sample seeded by ``seed`` beyond) and report what each interrupt stranded.

    ``module`` (loaded fresh under the shim, from ``source_dir`` if given) provides
    ``factory``; ``threads`` keeps only the points of threads whose name starts with it;
    ``harness`` names directories of a harness driving the scenario: a point whose innermost
    frame is in one of them is the harness's own, not the code under test's, and is skipped.
    ``at`` keeps only the points before one operation: ``at="start"`` with ``exception=
    StartRefused`` is a ``Thread.start()`` the OS refuses (raised before the thread starts, as
    CPython's "can't start new thread"), each start of the scenario in turn.
    With ``must_escape`` (the default) an interrupt that lands in the main thread must come out
    of the scenario as itself (neither swallowed nor turned into another exception): off for a
    scenario whose harness catches what its calls raise.

    >>> from execspec.sched.faults import SCENARIOS
    >>> run = inject_faults(SCENARIOS["shutdown"], module="execspec.impl", max_points=20)
    >>> run.tried, run.survived
    (20, 20)
    """
    roots: tuple[str, ...] = ()
    if source_dir is None:  # managed, so a pool built on it (a variant of impl, say) loads fresh too
        roots = (module,) if module.startswith("concurrent.futures") else (module, "concurrent.futures")

    def run(inj: Injector) -> tuple[Any, tuple[str, ...]]:
        strategy = RandomStrategy(seed, first=schedule)
        strategy.begin_execution()
        body = functools.partial(_execution, scenario=scenario, module=module, factory=factory,
                                 source_dir=source_dir, inj=inj, must_escape=must_escape)
        ex = run_once(body, strategy, modules=roots, exit_at_end=False)
        if ex.outcome is not Outcome.OK:
            headline = ex.report.headline if ex.report is not None else ex.outcome.name
            return ex, (f"{ex.outcome.name.lower().replace('_', ' ')}: {headline}",)
        left: list[str] = ex.return_value or []  # type: ignore[assignment]
        return ex, tuple(left)

    quiet = _Quiet()
    log = logging.getLogger("concurrent.futures")
    log.addFilter(quiet)
    try:
        listing = Injector()
        _, baseline = run(listing)
        points = [Point(step, p.tid, p.thread, p.op, p.where)
                  for step, parked in enumerate(listing.listing, 1) for p in parked
                  if (threads is None or p.thread.startswith(threads))
                  and (at is None or p.op.rsplit(".", 1)[-1] == at)
                  and not (harness and p.filename.startswith(harness))]
        label = name or str(getattr(scenario, "__name__", "scenario"))
        result = FaultRun(label, module, exception.__name__, seed, schedule, len(points),
                          baseline=baseline)
        if len(points) > max_points:
            points = sorted(random.Random(seed).sample(points, max_points),
                            key=lambda p: (p.step, p.tid))
            result.sampled = True
        for p in points:
            inj = Injector(step=p.step, tid=p.tid, make=functools.partial(
                exception, f"injected by execspec faults at step {p.step}"))
            _, left = run(inj)
            result.tried += 1
            if inj.landed is None:
                result.not_reached += 1
            if left and inj.landed is not None:
                result.strandings.append(Stranding(p, left))
            else:
                result.survived += 1
        return result
    finally:
        log.removeFilter(quiet)


def _interrupt_lost(inj: Injector, escaped: BaseException | None) -> list[str]:
    """An interrupt raised in the scenario's main thread must reach the scenario: a call it
    landed in may clean up, but not swallow it or turn it into another exception."""
    if inj.landed is None or inj.landed.tid != 0 or inj.injected is None:
        return []
    if escaped is None:
        return [f"the interrupt at {inj.landed.where} was swallowed: the scenario ran on"]
    if not isinstance(escaped, type(inj.injected)):
        return [f"the interrupt at {inj.landed.where} came out as {type(escaped).__name__}: {escaped}"]
    return []


class _Quiet(logging.Filter):
    """The workers' "Exception in worker" and callback logs, expected by the hundred."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def _execution(env: Any, *, scenario: Scenario, module: str, factory: str,
               source_dir: str | None, inj: Injector, must_escape: bool = True) -> list[str]:
    """One run, as the execution's main thread: the scenario, then the harness."""
    rt = adopt(inj)
    threading = env.shim("threading")
    hook = threading.excepthook

    def excepthook(args: Any) -> None:  # the injected exception escaping a worker is expected
        if args.exc_value is not inj.injected:
            hook(args)

    threading.excepthook = excepthook
    mod = env.load_source(source_dir, module) if source_dir is not None else env.load(module)
    cf = futures_api(mod, env.load("concurrent.futures"))
    world = FaultWorld(env, mod, cf, factory)
    notes: list[str] = []
    escaped: BaseException | None = None
    try:
        scenario(world)
    except (GreenletExit, Abort):
        raise
    except BaseException as exc:  # noqa: BLE001 - the interrupt, or what it led to
        escaped = exc
        if inj.injected is None or not isinstance(exc, type(inj.injected)):
            notes.append(f"the scenario raised {type(exc).__name__}: {exc}")
    lost = _interrupt_lost(inj, escaped) if must_escape else []
    inj.settling = True
    waiters = world.waiters_left()
    notes += world.settle()
    env.exit_interpreter()
    left = world.left_behind(rt) + waiters + lost
    # after an interrupt, what the scenario saw matters only as context for what was left
    return [*left, *notes] if left or inj.step is None else []
