"""The small contracts through which the layers above plug into the kernel.

The kernel imports nothing above it. What it needs from them, and what the shims (which sit
just above it) need from the environment the loader builds, is written down here:

- ``Strategy``: who runs next (``execspec.sched.strategies`` implement it).
- ``Host``: the simulated interpreter one execution runs in (the loader's ``Env``):
  interpreter exit, its CPU count, its shim modules, its exit hooks.
- ``OidBlock``: while a loaded module's code runs, the block its shim objects take their ids
  from (the loader's per-module state), so a module's objects get the same ids however
  many executions reuse it.
- ``Explanation``: what a failure report offers everyone (``postmortem.FailureReport``).
- ``Explainer`` (in ``kernel.runtime``, next to the ``Runtime`` it reads): builds the
  ``Explanation`` of a failed execution (``postmortem`` implements it; ``run_once`` hands it
  to the runtime).

A strategy is three methods, as in shuttle's scheduler trait:

- ``begin_execution()`` -> bool: start a new execution; False once exploration is complete.
- ``choose(enabled, step)`` -> int: the index into ``enabled`` of the operation to run next.
- ``end_execution(failed)``: the execution finished (``failed`` when it produced a report).
"""

from __future__ import annotations

import types
from typing import Any, Callable, Protocol, Sequence

from execspec.sched.kernel.op import Op

__all__ = ["Explanation", "Host", "OidBlock", "Strategy"]


class Strategy(Protocol):
    """Chooses which enabled operation runs at each scheduling point."""

    def begin_execution(self) -> bool:
        """Prepare a new execution; return False when there is nothing left to explore."""
        ...

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        """Return the index into ``enabled`` (never empty) of the operation to run."""
        ...

    def end_execution(self, failed: bool) -> None:
        """Called once per execution, after the last step."""
        ...


class Host(Protocol):
    """The simulated interpreter of one execution, as the kernel and the shims see it."""

    #: interpreter exit has begun (``exit_interpreter``): a stall now is a leaked thread
    exiting: bool
    #: what the shim ``os.cpu_count()`` answers (None: the OS cannot tell, as the real one may say)
    cpu_count: int | None
    #: ``atexit.register`` callbacks as (func, bound call)
    atexits: list[tuple[Callable[..., object], Callable[[], object]]]

    @property
    def files(self) -> set[str]:
        """File names of the modules loaded for this execution (reports mark their frames)."""
        ...

    def shim(self, name: str) -> types.ModuleType:
        """The execution's shim module ``name`` (threading, queue, time, os, _thread, atexit)."""
        ...

    def register(self, kind: str, entry: Any) -> None:
        """Record an exit or fork hook (``kind``: thread_atexits, atexits or fork_hooks)."""
        ...

    def run_atexits(self) -> None:
        """Run and clear the ``atexit`` callbacks, last registered first."""
        ...

    def name_of(self, obj: object) -> str | None:
        """The human name a scenario gave ``obj``, if any."""
        ...


class OidBlock(Protocol):
    """Hands out the object ids of the shim objects a loading module creates."""

    def next_oid(self) -> int:
        """The next id of this block."""
        ...


class Explanation(Protocol):
    """A failed execution, explained: what every layer may read of a report."""

    @property
    def headline(self) -> str:
        """One line: the outcome's name and what went wrong."""
        ...

    def render(self) -> str:
        """The whole report as text, headline first."""
        ...
