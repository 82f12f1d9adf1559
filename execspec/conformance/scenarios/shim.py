"""The shim runner: the clause checks under the scheduler shim (controlled interleavings,
virtual time).

Each check becomes a scenario: the target's module is loaded fresh under the shim, and the
check runs as the main controlled thread with the shim's ``threading``. The scenario is
explored with seeded random and PCT schedules; any failing schedule (a broken assertion, a
deadlock, an escaped exception, a leaked thread) fails the check, and its schedule file
replays it exactly with ``execspec replay``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from execspec import config
from execspec.conformance.results import CheckOutcome, FailureKind, Mode
from execspec.conformance.scenarios.applicable import applicable_checks
from execspec.conformance.scenarios.clause_checks import CHECKS
from execspec.conformance.scenarios.sched_results import first_failure, run_one_schedule, strategies
from execspec.conformance.scenarios.world import Check, World
from execspec.sched.loader.futures_api import futures_api
from execspec.targets import Target

__all__ = ["ShimRun", "check_scenario", "run_shim", "scenario_for"]


@dataclass(frozen=True)
class LoadFailed:
    """What the probe scenario returns when the target's module cannot be loaded under the shim."""

    error: str


@dataclass(frozen=True)
class ProcessesOutsideTheShim:
    """What the probe scenario returns for a target whose executor is a pool of worker
    processes: the shim controls threads of this process, not other processes, so every
    check would only block outside it (and start real workers each time)."""

    factory: str


@dataclass(frozen=True)
class ShimRun:
    """The shim mode's outcomes for a target, or why the mode could not run (``skipped``)."""

    outcomes: list[CheckOutcome]
    skipped: str | None = None


def _load(env: Any, tgt: Target) -> tuple[Any, Any]:
    """The target's module loaded under the shim, and the namespace its futures go with."""
    if tgt.source_dir is not None:
        mod = env.load_source(str(tgt.source_dir), tgt.module)
    else:
        mod = env.load(tgt.module)
    return mod, futures_api(mod, env.load("concurrent.futures"))


def check_scenario(env: Any, target: str, check: str) -> None:
    """Run clause check ``check`` against ``target`` inside the shim.

    Module-level and keyed by strings, so a failing schedule's file names it and
    ``execspec replay`` can run it again.
    """
    tgt = Target.parse(target)
    mod, cf = _load(env, tgt)
    _BY_NAME[check].run(World(cf=cf, make=getattr(mod, tgt.factory), threading=env.threading))


def probe_scenario(env: Any, target: str) -> LoadFailed | ProcessesOutsideTheShim | None:
    """Load ``target`` under the shim and make one executor: a typed answer when it cannot load,
    or when its executor runs tasks in other processes (then none is made)."""
    tgt = Target.parse(target)
    try:
        mod, cf = _load(env, tgt)
    except Exception as exc:  # noqa: BLE001 - a target the shim cannot load is a skip, said why
        return LoadFailed(f"{type(exc).__name__}: {exc}")
    make = getattr(mod, tgt.factory)
    pool = getattr(cf, "ProcessPoolExecutor", None)  # the copy loaded under the shim
    if isinstance(make, type) and isinstance(pool, type) and issubclass(make, pool):
        return ProcessesOutsideTheShim(tgt.factory)
    _probe(World(cf=cf, make=make, threading=env.threading))
    return None


def scenario_for(target: Target, chk: Check) -> Callable[[Any], None]:
    """The check as a replayable shim scenario against ``target``."""
    return functools.partial(check_scenario, target=target.name, check=chk.name)


def run_shim(target: Target, schedules: int | None = None, seed: int | None = None,
             schedule_dir: Path | None = None) -> ShimRun:
    """Run every applicable check under the shim, ``schedules`` per strategy (default
    :func:`execspec.config.shim_schedules`), the strategies seeded with ``seed`` (default
    :func:`execspec.config.seed`); failing schedules are written under ``schedule_dir``
    (default :func:`execspec.config.schedule_dir`), in a folder named for the target."""
    schedules = config.shim_schedules() if schedules is None else schedules
    seed = config.seed() if seed is None else seed
    root = config.schedule_dir() if schedule_dir is None else schedule_dir
    try:
        probed = run_one_schedule(functools.partial(probe_scenario, target=target.name))
    except Exception as exc:  # noqa: BLE001 - a target the shim cannot run is a skip, said why
        return ShimRun([], f"cannot run under the shim: {type(exc).__name__}: {exc}")
    if isinstance(probed, LoadFailed):
        return ShimRun([], f"cannot load {target.module} under the shim")
    if isinstance(probed, ProcessesOutsideTheShim):
        return ShimRun([], f"{probed.factory} runs tasks in worker processes, which the shim "
                           "does not control (it runs threads of this process)")
    outcomes = []
    checks = applicable_checks(target)
    for i, chk in enumerate(checks):
        failure = None
        for strategy in strategies(seed):
            failure = first_failure(scenario_for(target, chk), strategy, schedules=schedules,
                                    seed=seed, schedule_dir=_schedule_dir(target, root))
            if failure is not None:
                break
        if failure is not None and failure.kind is FailureKind.UNCONTROLLED_BLOCK and checks[i + 1:]:
            # The target blocks outside the shim: the checks after this one would each stall
            # as well (one bounded wait per check); one is enough to say so.
            rest = checks[i + 1:]
            failure = replace(failure, message=f"{failure.message}\nNot run under the shim after "
                              f"it ({len(rest)}): " + ", ".join(c.name for c in rest) + ".")
            outcomes.append(CheckOutcome(chk.name, chk.clauses, Mode.SHIM, failure))
            break
        outcomes.append(CheckOutcome(chk.name, chk.clauses, Mode.SHIM, failure))
    return ShimRun(outcomes)


def _probe(w: World) -> None:
    with w.make(max_workers=1) as ex:
        assert ex.submit(pow, 2, 3).result() == 8


_BY_NAME = {c.name: c for c in CHECKS}


def _schedule_dir(target: Target, root: Path) -> Path:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in target.name)
    return root / safe
