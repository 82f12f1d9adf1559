"""``FaultWorld``: what a fault scenario works with (the target's module, its pools, the futures
it made, its gates), how the harness settles it after an interrupt, and what it checks then.

Settling gives the code under test every chance: gates are opened (a task blocked on one
would otherwise wait forever by the scenario's fault, not the executor's), every pool is shut
down with ``wait=True`` (which runs whatever is still queued), and interpreter exit joins the
rest. Whatever is left after that is stranded for good:

- a future the scenario got back from ``submit`` that is not done;
- a shim lock or condition of the executor (reachable from its module, its pools or its
  futures) that someone still holds;
- a controlled thread still alive;
- a waiter record left on a future by an interrupted wait (counted as the scenario ends);
- a call the scenario found not run in time though a worker was free for it (``due``): work
  that settling would rescue, but only because settling opens the gate that held it up.
"""

from __future__ import annotations

import types
from typing import Any, Callable

from execspec.sched.kernel.runtime import Runtime
from execspec.sched.shims.sync import Condition, Lock

__all__ = ["FaultWorld"]


class FaultWorld:
    """A scenario's view: ``cf`` (wait, as_completed, CancelledError ...), ``pool(n)``,
    ``submit(ex, fn, *args)`` (tracks the future), ``gate()`` (a shim Event opened on settle).

    >>> def scenario(w):
    ...     ex = w.pool(1)
    ...     f = w.submit(ex, abs, -1)
    ...     ex.shutdown(wait=False, cancel_futures=True)
    """

    def __init__(self, env: Any, module: types.ModuleType, cf: Any, factory: str) -> None:
        self.env = env
        self.module = module
        self.cf = cf
        self.threading = env.threading
        self._make: Callable[..., Any] = getattr(module, factory)
        self.pools: list[Any] = []
        self.futures: list[tuple[str, Any]] = []
        self.gates: list[Any] = []
        self.late: list[str] = []  # calls due() found not run in time

    def pool(self, max_workers: int, **kwargs: Any) -> Any:
        """A new executor of the target (``kwargs`` to its factory: an initializer, say), shut
        down (wait=True) when the world settles."""
        ex = self._make(max_workers=max_workers, **kwargs)
        self.pools.append(ex)
        return ex

    def submit(self, ex: Any, fn: Callable[..., Any], *args: Any) -> Any:
        """``ex.submit(fn, *args)``; the future is tracked (named f0, f1 ...) once returned."""
        f = ex.submit(fn, *args)
        self.track(f)
        return f

    def track(self, f: Any, name: str | None = None) -> Any:
        """Check ``f`` after settling: it must be done."""
        self.futures.append((name or f"f{len(self.futures)}", f))
        return f

    def due(self, f: Any, within: float, why: str) -> None:
        """``f`` must be done within ``within`` virtual seconds (``why``: what should have run
        it); if not, that is stranded work, even if settling would run it later."""
        try:
            f.exception(timeout=within)
        except self.cf.TimeoutError:
            name = next((n for n, g in self.futures if g is f), "a future")
            self.late.append(f"{name} not run within {within:g} s: {why}")
        except self.cf.CancelledError:
            pass

    def gate(self) -> Any:
        """A shim Event for tasks to wait on; the harness sets it when it settles."""
        ev = self.threading.Event()
        self.gates.append(ev)
        return ev

    # -- the harness ---------------------------------------------------------------------

    def settle(self) -> list[str]:
        """Open the gates and shut every pool down, waiting; what went wrong doing so."""
        notes: list[str] = []
        for ev in self.gates:
            ev.set()
        for ex in self.pools:
            try:
                ex.shutdown(wait=True)
            except Exception as exc:  # noqa: BLE001 - reported as a finding
                notes.append(f"shutdown(wait=True) raised {type(exc).__name__}: {exc}")
        return notes

    def waiters_left(self) -> list[str]:
        """Right after the scenario, before settling: nobody waits on a future any more (the
        scenarios' waits are all in their main thread), so every waiter record is left over."""
        out = []
        for name, f in self.futures:
            n = _waiter_records(f)
            if n:
                out.append(f"{name}: {n} waiter record{'s' * (n > 1)} left"
                           f"{'' if f.done() else ' on it, pending'}")
        return out

    def left_behind(self, rt: Runtime) -> list[str]:
        """After settling and interpreter exit: everything stranded (empty: survived)."""
        out = [f"{name} {_state(f)}" for name, f in self.futures if not f.done()] + self.late
        for lock in self._locks():
            owner = lock._owner
            if owner is not None:
                holder = getattr(getattr(owner, "shim", None), "name", "outside any thread")
                out.append(f"{lock._name} held by {holder}")
        out += [f"thread {t.shim.name} left alive" for t in rt.live if t.tid != 0]
        return out

    def _locks(self) -> list[Lock]:
        """The shim locks of the executor: reachable within two attributes from its modules'
        globals, its pools and the futures it made (conditions count by their lock)."""
        roots: list[object] = [*self.pools, *(f for _, f in self.futures)]
        for mod in (self.module, self.cf):
            roots += [m for m in _modules_under(mod)]
        found: dict[int, Lock] = {}
        seen: set[int] = set()
        level = roots
        for _ in range(3):
            nxt: list[object] = []
            for obj in level:
                if id(obj) in seen:
                    continue
                seen.add(id(obj))
                if isinstance(obj, Condition):
                    obj = obj._lock
                if isinstance(obj, Lock):
                    found[id(obj)] = obj
                    continue
                nxt += _attributes(obj)
            level = nxt
        return sorted(found.values(), key=lambda lk: lk._oid)


def _state(f: Any) -> str:
    return "running, never finished" if f.running() else "pending, never run or cancelled"


def _waiter_records(f: Any) -> int:
    """Waiters parked on ``f``: impl's gates, the stdlib's waiters and condition waiters."""
    n = len(getattr(f, "_gates", None) or ())
    n += len(getattr(f, "_waiters", None) or ())
    try:
        cond = f._condition
    except AttributeError:
        return n
    return n + len(getattr(cond, "_waiters", None) or ())


def _modules_under(mod: Any) -> list[types.ModuleType]:
    if not isinstance(mod, types.ModuleType):
        return []
    prefix = mod.__name__ + "."
    subs = [m for m in vars(mod).values()
            if isinstance(m, types.ModuleType) and m.__name__.startswith(prefix)]
    return [mod, *subs]


def _attributes(obj: object) -> list[object]:
    """The values an object keeps: a module's globals, an instance's dict and slots, a
    container's items (a dict's keys and values)."""
    if isinstance(obj, types.ModuleType):
        return [v for v in vars(obj).values() if not isinstance(v, (types.ModuleType, type))]
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, str, bytes, int, float)):
        return []
    out: list[object] = list(getattr(obj, "__dict__", {}).values())
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if isinstance(slot, str) and slot not in ("__weakref__", "__dict__"):
                try:
                    out.append(getattr(obj, slot))
                except AttributeError:
                    pass
    return out
