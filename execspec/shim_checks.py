"""The clause checks under the scheduler shim: controlled interleavings, virtual time.

Each check of :mod:`execspec.checks` becomes a scenario: the target's module is loaded fresh
under the shim, and the check runs as the main controlled thread with the shim's
``threading``. The scenario is explored with seeded random and PCT schedules; any failing
schedule (a broken assertion, a deadlock, an escaped exception, a leaked thread) fails the
check, and its schedule file replays it exactly with ``execspec replay``.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Callable

from execspec.checks import CHECKS, Check, World
from execspec.targets import Target

#: schedules per strategy per check (override with EXECSPEC_SHIM_SCHEDULES)
SCHEDULES = int(os.environ.get("EXECSPEC_SHIM_SCHEDULES", "20"))
#: the seed of the first strategy; printed with every failure
SEED = int(os.environ.get("EXECSPEC_SEED", "0"))


def check_scenario(env: Any, target: str, check: str) -> None:
    """Run clause check ``check`` against ``target`` inside the shim.

    Module-level and keyed by strings, so a failing schedule's file names it and
    ``execspec replay`` can run it again.
    """
    tgt = Target.parse(target)
    chk = _BY_NAME[check]
    if tgt.source_dir is not None:
        mod = env.load_source(str(tgt.source_dir), tgt.module)
    else:
        mod = env.load(tgt.module)
    cf = mod if hasattr(mod, "wait") else env.load("concurrent.futures")
    chk.run(World(cf=cf, make=getattr(mod, tgt.factory), threading=env.threading))


def scenario_for(target: Target, chk: Check) -> Callable[[Any], None]:
    """The check as a replayable shim scenario against ``target``."""
    return functools.partial(check_scenario, target=target.name, check=chk.name)


def run_shim(target: Target, schedules: int = SCHEDULES, seed: int = SEED) -> tuple[list[Any], str | None]:
    """Run every check under the shim; returns (outcomes, reason the mode was skipped or None)."""
    from execspec.check import Outcome
    from execspec.sched.explore import explore
    from execspec.sched.strategies import PCTStrategy, RandomStrategy

    try:
        probe = explore(scenario_for(target, _PROBE), RandomStrategy(seed=seed), max_schedules=1,
                        schedule_dir=None)
    except Exception as exc:  # noqa: BLE001 - a target the shim cannot load is a skip, said why
        return [], f"cannot run under the shim: {type(exc).__name__}: {exc}"
    if probe.failed and "EXCEPTION" in probe.failures[0].outcome and "load" in probe.failures[0].report:
        return [], f"cannot load {target.module} under the shim"
    from execspec.check import applicable_checks

    outcomes = []
    for chk in applicable_checks(target):
        error = None
        for strategy in (RandomStrategy(seed=seed), PCTStrategy(seed=seed, depth=2)):
            found = explore(scenario_for(target, chk), strategy, max_schedules=schedules,
                            schedule_dir=_schedule_dir(target))
            if found.failed:
                failure = found.failures[0]
                where = f"; replay: execspec replay {found.schedule_file}" if found.schedule_file else ""
                headline = failure.report.strip().splitlines()[0] if failure.report.strip() else failure.key
                error = (f"{headline} (schedule #{failure.index + 1} of "
                         f"{found.strategy.get('name')} seed {seed}{where})")
                break
        outcomes.append(Outcome(chk, "shim", error))
    return outcomes, None


def _probe(w: World) -> None:
    with w.make(max_workers=1) as ex:
        assert ex.submit(pow, 2, 3).result() == 8


_PROBE = Check("probe", (), _probe)
_BY_NAME = {c.name: c for c in [*CHECKS, _PROBE]}


def _schedule_dir(target: Target) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in target.name)
    return os.path.join(os.environ.get("EXECSPEC_SCHEDULE_DIR", "execspec-schedules"), safe)
