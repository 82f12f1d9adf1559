"""The real-thread session for executors that run tasks elsewhere (process pools, dask).

It is :class:`~.session.ThreadSession` with three additions:

- the names of exceptions a kind uses for the model's are translated in every record
  (``loading.RENAMES``: a process pool's BrokenProcessPool is the thread pool's BrokenThreadPool);
- ``close()`` shuts down an executor the run left up (a violation came before the teardown's
  ``shutdown``), bounded and unobserved, then calls the factory's own clean-up, when it has one (``factory.execspec_close``:
  a dask factory closes the LocalCluster and Client it started);
- ``close()`` then waits, bounded, for every process this session's executor started to end, and
  ends those still there by their process id (only children that appeared during the session),
  counting them in :attr:`ForeignSession.leftover` so a test can say the executor left some.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Any, Callable

from execspec.conformance.driver import World
from execspec.conformance.session import Record, ThreadSession
from execspec.model import Err, FutureView, Raised, Returned

#: real seconds close() waits for worker processes to end by themselves
CHILD_BOUND = 10.0


#: multiprocessing's own helper processes, started once and kept for the interpreter's life
#: (not an executor's workers: never counted, never ended)
HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver", "multiprocessing.semaphore_tracker",
           "loky.backend.resource_tracker")


def children() -> set[int]:
    """The process ids of this process's living descendants but multiprocessing's helpers
    (psutil, else /proc)."""
    try:
        import importlib

        psutil: Any = importlib.import_module("psutil")  # optional: /proc does without it
    except ImportError:  # pragma: no cover - psutil is a test dependency
        return {pid for pid in _proc_children(os.getpid()) if not _helper(_cmdline(pid))}
    out = set()
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and not _helper(" ".join(p.cmdline())):
                out.add(p.pid)
        except psutil.Error:  # a child that ended while being listed
            pass
    return out


def _helper(cmdline: str) -> bool:
    return any(h in cmdline for h in HELPERS)


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _proc_children(pid: int) -> set[int]:
    out: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for c in f.read().split():
                    out.add(int(c))
                    out |= _proc_children(int(c))
    except OSError:
        pass
    return out


def _reap() -> None:
    import multiprocessing

    multiprocessing.active_children()  # joins the ones that ended (no zombie counts as alive)


class ForeignSession(ThreadSession):
    """A real-thread session whose kit crosses a process boundary."""

    def __init__(self, world: World, kit: Any, renames: dict[str, str] | None = None,
                 cleanup: Callable[[], None] | None = None, child_bound: float = CHILD_BOUND) -> None:
        super().__init__(world, kit)
        self.driver.bounded_create = True
        self.renames = dict(renames or {})
        self.cleanup = cleanup
        self.child_bound = child_bound
        self.before = children()
        self.leftover: list[int] = []  # processes still alive at close(), ended by it

    def run(self, a: Any) -> Record:
        return self._rename(super().run(a))

    def snapshot(self) -> Record:
        return self._rename(super().snapshot())

    def close(self, patience: float | None = None) -> list[str]:
        try:
            stuck = super().close(patience)
            self._stop_executor()
        finally:
            try:
                if self.cleanup is not None:
                    self.cleanup()
            finally:
                self.leftover = self._end_children()
        return stuck

    def _stop_executor(self) -> None:
        """An executor the run left up is shut down here, bounded and unobserved, so that its
        workers end by themselves: one a violation stopped before its teardown's shutdown, and
        one still alive after the machine dropped it (loky keeps its reusable executor, and its
        workers, for the next caller). Killing the workers of such a pool instead would leave
        the next example's factory call a pool with dead workers: loky's then waited for them
        to come alive, forever (measured: the run sat in ``_resize`` until its total bound)."""
        ex, self.driver.ex = self.driver.ex, None
        made, self.driver.made = self.driver.made, None
        if ex is None and made is not None:
            ex = made()
        if ex is None:
            return
        import threading

        def stop() -> None:
            try:
                ex.shutdown(wait=True, cancel_futures=True)
            except TypeError:  # an executor whose shutdown() has no cancel_futures
                ex.shutdown(wait=True)
            except BaseException:  # noqa: BLE001 - best effort: the run is over
                pass
        t = threading.Thread(target=stop, name="execspec-foreign-shutdown", daemon=True)
        t.start()
        t.join(self.child_bound)

    def _end_children(self) -> list[int]:
        deadline = time.monotonic() + self.child_bound
        while True:
            _reap()
            mine = children() - self.before
            if not mine or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        for pid in mine:  # the executor's own workers, past the bound: end them, and say so
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        _reap()
        return sorted(mine)

    # -- names ------------------------------------------------------------------------

    def _rename(self, rec: Record) -> Record:
        if not self.renames:
            return rec
        snap = rec.snapshot
        snap = replace(snap, futures=tuple(self._view(v) for v in snap.futures),
                       returns=tuple(self._result(r) for r in snap.returns))  # the rest (times...) as read
        return replace(rec, result=self._result(rec.result), snapshot=snap)

    def _name(self, name: str) -> str:
        return self.renames.get(name, name)

    def _result(self, r: Any) -> Any:
        if isinstance(r, Raised):
            return Raised(self._name(r.exc))
        if isinstance(r, Returned) and isinstance(r.value, Err):
            return Returned(Err(self._name(r.value.exc)))
        return r

    def _view(self, v: Any) -> Any:
        if isinstance(v, FutureView) and isinstance(v.outcome, Err):
            return replace(v, outcome=Err(self._name(v.outcome.exc)))
        return v


__all__ = ["CHILD_BOUND", "HELPERS", "ForeignSession", "children"]
