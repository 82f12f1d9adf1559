"""Every ``EXECSPEC_*`` setting, in one place (like loom's ``Builder`` and its ``LOOM_*`` variables).

Each setting is read when asked for, through the small function named after it, never at import
time: tests set and unset variables with ``monkeypatch``, and a long-lived process sees a change.
A bad value raises ValueError naming the variable and what to write instead.

| variable | meaning | default |
| --- | --- | --- |
| ``EXECSPEC_SEED`` | seed of the seeded strategies (random, PCT) and of the shim checks; any integer literal | ``0`` |
| ``EXECSPEC_PREEMPTION_BOUND`` | DFS preemption bound when none is given: a whole number >= 0, or ``none`` | unbounded |
| ``EXECSPEC_MAX_SCHEDULES`` | schedules ``explore`` runs when not told (>= 1) | ``1000`` |
| ``EXECSPEC_FRESH_MODULES`` | ``1``: the loader runs module code afresh every run (no snapshot reuse) | off |
| ``EXECSPEC_UNCONTROLLED_TIMEOUT`` | seconds a controlled thread may block outside the shim before the run is UNCONTROLLED_BLOCK | ``2.0`` |
| ``EXECSPEC_SHIM_SCHEDULES`` | schedules per strategy per shim check | ``20`` |
| ``EXECSPEC_SCHEDULE_DIR`` | where failing schedules are written (``execspec check``/``deadlocks --schedule-dir`` override it) | ``execspec-schedules`` |
| ``EXECSPEC_TARGET_TIMEOUT`` | seconds a target's factory, and its executor's ``shutdown``, may take when a target is validated before it is hung | ``30`` |
| ``EXECSPEC_REGEN`` | ``1``: tests rewrite golden files instead of comparing them | off |
| ``EXECSPEC_BOUNDS`` | comma-separated model-explorer bound names (``model/explore.py`` reads it itself: model is pure) | the fast tier |
| ``EXECSPEC_CROSSHAIR_BUDGET`` | seconds for the CrossHair contract test | ``4`` |
| ``EXECSPEC_PROFILE`` | the conformance machine's profile name | ``ci`` if ``$CI`` is set, else ``dev`` |
| ``EXECSPEC_MACHINE_BUDGET`` | seconds a machine run in one mode may start examples for (``execspec check --machine-budget`` overrides it) | the profile's (120 for ci and dev) |
| ``EXECSPEC_CACHE_DIR`` | where execspec keeps what it builds once (a venv per other CPython, for its real-thread mode) | ``$XDG_CACHE_HOME/execspec``, else ``~/.cache/execspec`` |
| ``EXECSPEC_OTHER_PYTHONS`` | ``0``: ``stdlib@3.X`` runs under the shim only, not also on real threads in its own interpreter | on |

This module imports nothing of ours: anyone may import it (except ``model``, which is pure and
reads its one variable itself).

>>> isinstance(max_schedules(), int), profile() in ("ci", "dev") or bool(profile())
(True, True)
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SEED", "PREEMPTION_BOUND", "MAX_SCHEDULES", "FRESH_MODULES", "UNCONTROLLED_TIMEOUT",
           "SHIM_SCHEDULES", "SCHEDULE_DIR", "TARGET_TIMEOUT", "REGEN", "BOUNDS", "CROSSHAIR_BUDGET", "PROFILE",
           "CACHE_DIR", "OTHER_PYTHONS", "MACHINE_BUDGET", "cache_dir", "finite_seconds", "other_pythons", "machine_budget",
           "problems", "seed", "preemption_bound", "max_schedules", "fresh_modules", "uncontrolled_timeout",
           "shim_schedules", "schedule_dir", "target_timeout", "regen", "bounds", "crosshair_budget", "profile"]

SEED = "EXECSPEC_SEED"
PREEMPTION_BOUND = "EXECSPEC_PREEMPTION_BOUND"
MAX_SCHEDULES = "EXECSPEC_MAX_SCHEDULES"
FRESH_MODULES = "EXECSPEC_FRESH_MODULES"
UNCONTROLLED_TIMEOUT = "EXECSPEC_UNCONTROLLED_TIMEOUT"
SHIM_SCHEDULES = "EXECSPEC_SHIM_SCHEDULES"
SCHEDULE_DIR = "EXECSPEC_SCHEDULE_DIR"
TARGET_TIMEOUT = "EXECSPEC_TARGET_TIMEOUT"
REGEN = "EXECSPEC_REGEN"
BOUNDS = "EXECSPEC_BOUNDS"
CROSSHAIR_BUDGET = "EXECSPEC_CROSSHAIR_BUDGET"
MACHINE_BUDGET = "EXECSPEC_MACHINE_BUDGET"
PROFILE = "EXECSPEC_PROFILE"
CACHE_DIR = "EXECSPEC_CACHE_DIR"
OTHER_PYTHONS = "EXECSPEC_OTHER_PYTHONS"

DEFAULT_MAX_SCHEDULES = 1000
DEFAULT_UNCONTROLLED_TIMEOUT = 2.0
DEFAULT_SHIM_SCHEDULES = 20
DEFAULT_SCHEDULE_DIR = "execspec-schedules"
DEFAULT_TARGET_TIMEOUT = 30.0
DEFAULT_CROSSHAIR_BUDGET = 4.0


def _raw(name: str) -> str | None:
    """The variable's value, or None when unset or blank."""
    raw = os.environ.get(name)
    return None if raw is None or not raw.strip() else raw


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def seed() -> int:
    """``$EXECSPEC_SEED`` as an integer literal, else 0 (deterministic by default)."""
    raw = os.environ.get(SEED, "0")
    try:
        return int(raw, 0)
    except ValueError:
        raise ValueError(f"{SEED}={raw!r} is not an integer; set it to e.g. 1234") from None


def preemption_bound() -> int | None:
    """``$EXECSPEC_PREEMPTION_BOUND``: None (unset, blank or ``none``: unbounded) or an int >= 0."""
    raw = os.environ.get(PREEMPTION_BOUND)
    if raw is None or raw.strip().lower() in ("", "none"):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"${PREEMPTION_BOUND}={raw!r} is not an integer: set it to a whole "
                         f"number >= 0, or 'none' (or unset it) for an unbounded "
                         f"search") from None
    if value < 0:
        raise ValueError(f"${PREEMPTION_BOUND}={raw!r} is negative: set it to a whole number "
                         f">= 0, or 'none' (or unset it) for an unbounded search")
    return value


def max_schedules() -> int:
    """``$EXECSPEC_MAX_SCHEDULES`` (a whole number >= 1), else 1000."""
    raw = _raw(MAX_SCHEDULES)
    if raw is None:
        return DEFAULT_MAX_SCHEDULES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"${MAX_SCHEDULES}={raw!r} is not a whole number >= 1: set it to "
                         f"the number of schedules to explore, or unset it for 1000")
    return value


def fresh_modules() -> bool:
    """``$EXECSPEC_FRESH_MODULES`` set (and not ``0``): load module code afresh every run."""
    return _flag(FRESH_MODULES)


def finite_seconds(text: str) -> float | None:
    """``text`` as a finite number of seconds above 0, else None (a bound of inf bounds nothing).

    >>> finite_seconds("2.5"), finite_seconds("inf"), finite_seconds("0"), finite_seconds("soon")
    (2.5, None, None, None)
    """
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value < float("inf") else None


def _positive(name: str, default: float, kind: type[float] | type[int], example: str,
              unset: str | None = None) -> float:
    """The setting ``name`` as a finite number of ``kind`` (above 0, at least 1 for ``int``),
    else ``default``; a ValueError saying what to set when it is something else (``unset``:
    what leaving it unset means, when that is not ``default``)."""
    raw = _raw(name)
    if raw is None:
        return default
    if kind is float:
        value: float = finite_seconds(raw) or 0
    else:
        try:
            value = int(raw)
        except ValueError:
            value = 0
    if not value > 0:
        least = "a whole number >= 1" if kind is int else "a finite number of seconds > 0"
        raise ValueError(f"${name}={raw!r} is not {least}: set it to {example}, or unset it for "
                         f"{default if unset is None else unset}")
    return value


def uncontrolled_timeout() -> float:
    """``$EXECSPEC_UNCONTROLLED_TIMEOUT`` in seconds (> 0), else 2.0."""
    return _positive(UNCONTROLLED_TIMEOUT, DEFAULT_UNCONTROLLED_TIMEOUT, float, "e.g. 2.0")


def shim_schedules() -> int:
    """``$EXECSPEC_SHIM_SCHEDULES`` (a whole number >= 1), else 20."""
    return int(_positive(SHIM_SCHEDULES, DEFAULT_SHIM_SCHEDULES, int, "the schedules per strategy per check"))


def schedule_dir() -> Path:
    """``$EXECSPEC_SCHEDULE_DIR``, else ``execspec-schedules`` (relative to the working directory)."""
    return Path(_raw(SCHEDULE_DIR) or DEFAULT_SCHEDULE_DIR)


def target_timeout() -> float:
    """``$EXECSPEC_TARGET_TIMEOUT`` in seconds (> 0), else 30."""
    return _positive(TARGET_TIMEOUT, DEFAULT_TARGET_TIMEOUT, float, "e.g. 60")


def regen() -> bool:
    """``$EXECSPEC_REGEN`` set (and not ``0``): rewrite golden files instead of comparing."""
    return _flag(REGEN)


def bounds() -> list[str] | None:
    """``$EXECSPEC_BOUNDS`` split at commas, or None (the model explorer's fast tier)."""
    raw = _raw(BOUNDS)
    return None if raw is None else [name.strip() for name in raw.split(",") if name.strip()]


def crosshair_budget() -> float:
    """``$EXECSPEC_CROSSHAIR_BUDGET`` in seconds (> 0), else 4."""
    return _positive(CROSSHAIR_BUDGET, DEFAULT_CROSSHAIR_BUDGET, float, "e.g. 10", "4")


def machine_budget() -> float | None:
    """``$EXECSPEC_MACHINE_BUDGET`` in seconds (> 0), else None (the profile's own budget)."""
    if _raw(MACHINE_BUDGET) is None:
        return None
    return _positive(MACHINE_BUDGET, 0.0, float, "e.g. 600", "the profile's own budget")


def profile() -> str:
    """``$EXECSPEC_PROFILE``, else ``ci`` when ``$CI`` is set (non-empty), else ``dev``."""
    raw = _raw(PROFILE)
    if raw is not None:
        return raw.strip()
    return "ci" if os.environ.get("CI") else "dev"


def cache_dir() -> Path:
    """``$EXECSPEC_CACHE_DIR``, else ``$XDG_CACHE_HOME/execspec``, else ``~/.cache/execspec``."""
    raw = _raw(CACHE_DIR)
    if raw is not None:
        return Path(raw).expanduser()
    return Path(_raw("XDG_CACHE_HOME") or Path.home() / ".cache") / "execspec"


def other_pythons() -> bool:
    """``$EXECSPEC_OTHER_PYTHONS`` not ``0``: a ``stdlib@3.X`` target also runs on real threads
    under its own interpreter (when that can run execspec)."""
    return os.environ.get(OTHER_PYTHONS, "1").strip() != "0"


def problems() -> list[str]:
    """What is wrong with the settings as set, one line each (empty: every one reads).

    A command calls this before it starts work, so that a bad variable is one line and exit
    status 2, not a traceback half-way through a run.
    """
    found: list[str] = []
    for read in (seed, preemption_bound, max_schedules, uncontrolled_timeout, shim_schedules,
                 target_timeout, crosshair_budget, machine_budget):
        try:
            read()
        except ValueError as exc:
            found.append(str(exc))
    return found
