"""Sessions: where the driver runs. One performs each action at once on real threads; the
other runs the action list under the scheduler shim.

A shim session is deterministic: each time the machine adds an action, the whole list runs
again in a fresh execution, under a strategy that takes each action's schedule seed from the
list too, so the records of the earlier actions come out the same (checked) and the last one is
new. That costs a run per step (a few milliseconds under the shim) and buys replay, shrinking of
calls and interleaving together, and virtual time, with no change to the kernel.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

from execspec.conformance import progress
from execspec.conformance.actions import Action, ApiCall, Call, Create, MapClose, MapNext, OpenGate, Pause, Settle
from execspec.conformance.driver import Driver, Hung, Snapshot, World
from execspec.conformance.kits import ThreadKit
from execspec.model import Result

#: virtual seconds a Settle lets pass under the shim: longer than every timeout the driver uses
SETTLE_VIRTUAL = 100.0


@dataclass(frozen=True)
class Record:
    """What one action showed: the call's result (None: blocked, or no call), the snapshot
    read after it, and for ``MapClose`` whether the iterator had started."""

    result: Result | None = None
    snapshot: Snapshot = Snapshot((), ())
    started: bool = False
    hung: str | None = None
    harness: str | None = None  # execspec's driver failed: our bug (see HarnessError)


def perform(driver: Driver, a: Action) -> Record:
    """Do one action with ``driver`` and read what the client sees afterwards."""
    result: Result | None = None
    started = False
    try:
        if isinstance(a, Create):
            result = driver.create(a)
        elif isinstance(a, Call):
            result = driver.call(a)
        elif isinstance(a, OpenGate):
            driver.open_gate(a)
        elif isinstance(a, MapNext):
            result = driver.map_next(a)
        elif isinstance(a, MapClose):
            started = driver.map_close(a)
        elif isinstance(a, ApiCall):
            result = driver.api(a)
        elif isinstance(a, Settle) and driver.world.shim:
            driver.world.time.sleep(SETTLE_VIRTUAL)
        elif isinstance(a, Pause) and driver.world.shim:
            driver.world.time.sleep(a.seconds)
    except Hung as exc:
        return Record(hung=str(exc))
    except Exception as exc:  # noqa: BLE001 - the target's own exceptions are captured inside
        return Record(harness=f"{type(exc).__name__}: {exc} (while performing {a!r})")
    snap = driver.snapshot()
    driver.outstanding = [c for c, r in zip(driver.outstanding, snap.returns) if r is None]
    return Record(result, snap, started)


class Session(Protocol):
    """Runs actions against one executor and returns what each showed."""

    shim: bool

    def run(self, a: Action) -> Record:
        """Perform ``a`` after every earlier action."""

    def snapshot(self) -> Record:
        """Read again without acting (real threads only: a bounded wait for progress)."""

    def close(self, patience: float | None = None) -> list[str]:
        """Release everything; the labels of calls still blocked after the bound (or after
        ``patience`` real seconds, when the machine expects some to stay blocked)."""


class ThreadSession:
    """The driver on real threads, in this process, acting as the machine asks."""

    shim = False

    def __init__(self, world: World, kit: Any) -> None:
        progress.example()  # the machine makes one session per example
        self.driver = Driver(world, kit)

    def run(self, a: Action) -> Record:
        return perform(self.driver, a)

    def snapshot(self) -> Record:
        return perform(self.driver, Settle())

    def close(self, patience: float | None = None) -> list[str]:
        return self.driver.close(self.driver.world.hang if patience is None else patience)


class StepSeeded:
    """A shim strategy whose choices during action ``k`` come from seed ``k``: seed 0 always
    runs the first enabled thread (the client, while it can), others choose at random. So a
    schedule is one small number per action, and Hypothesis shrinks it toward 0."""

    def __init__(self) -> None:
        self.seed = 0
        self._rng = random.Random(0)

    def phase(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)

    def begin_execution(self) -> bool:
        return True

    def choose(self, enabled: Sequence[Any], step: int) -> int:
        return 0 if self.seed == 0 or len(enabled) == 1 else self._rng.randrange(len(enabled))

    def end_execution(self, failed: bool) -> None:
        """Nothing to record."""


@dataclass
class ShimRun:
    """How the last shim execution ended: its records, and if it failed before the last
    action finished, the kernel's verdict and report."""

    records: list[Record]
    failure: str | None = None
    report: str | None = None


Loader = Callable[[Any], tuple[Any, Callable[..., Any]]]


def _thread_dies(args: Any) -> None:
    """The shim's threading.excepthook for the target's threads: the thread just ends."""
    del args


@dataclass
class ShimSession:
    """The action list, run again under the shim each time it grows."""

    load: Loader  # env -> (the executor's module namespace, its factory)
    modules: tuple[str, ...] = ("concurrent.futures",)  # loaded fresh under the shim when imported
    actions: list[Action] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    last: ShimRun | None = None
    #: the target's futures are not the stdlib's (it is not CPython's stdlib): a foreign
    #: NewFuture is then made of the stdlib's class, loaded under the shim (``Call.foreign``)
    mixes: bool = False
    shim = True

    def __post_init__(self) -> None:
        progress.example()  # the machine makes one session per example

    def run(self, a: Action, seed: int = 0) -> Record:
        from execspec.sched import run_once

        self.actions.append(a)
        self.seeds.append(seed)
        out: list[Record] = []
        strategy = StepSeeded()
        actions, seeds = list(self.actions), list(self.seeds)

        def scenario(env: Any) -> None:
            # A thread the target's code lets an exception escape from ends there, as on real
            # threads (where threading.excepthook prints it), instead of failing the execution:
            # what it leaves behind (futures never finished) is the model's to judge.
            env.threading.excepthook = _thread_dies
            cf, make = self.load(env)
            stdlib = env.load("concurrent.futures") if self.mixes else None
            world = World(cf, make, env.threading, env.time, shim=True, exit_interpreter=env.exit_interpreter,
                          cpus=env.cpus, stdlib=stdlib, fork=env.fork)
            driver = Driver(world, ThreadKit(env.threading))
            for action, s in zip(actions, seeds):
                strategy.phase(s)
                out.append(perform(driver, action))
            strategy.phase(0)
            driver.kit.close()

        execution = run_once(scenario, strategy, exit_at_end=False, modules=self.modules)
        failed = len(out) < len(actions)
        self.last = ShimRun(out, execution.outcome.name if failed else None,
                            execution.report.render() if failed and execution.report is not None else None)
        if out[: len(self.records)] != self.records:
            raise RuntimeError("execspec harness: the same actions and seeds showed different records "
                               "under the shim (a nondeterministic target or a harness bug)")
        self.records = out
        if failed:
            return Record(hung=f"{self.last.failure} under the shim")
        return out[-1]

    def snapshot(self) -> Record:
        return self.run(Settle())

    def close(self, patience: float | None = None) -> list[str]:
        return []
