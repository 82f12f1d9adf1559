"""Shim ``threading``: Thread, local, Timer and the module-level functions, plus the builder
of a fresh ``threading`` module object per execution (the classes are shared, the module's
mutable attributes such as ``excepthook`` are not).

A shim Thread is a ``CThread`` greenlet once started. ``start`` and ``join`` are scheduling
points, and so is a thread's last act (``exit``), so a strategy can order a join against
the end of the thread it joins.
"""

from __future__ import annotations

import functools
import threading as _real_threading
from typing import Any, Callable, Iterable, Mapping

from greenlet import GreenletExit  # type: ignore[import-untyped,unused-ignore]

from execspec.sched.kernel.execution import Outcome
from execspec.sched.kernel.op import make_op
from execspec.sched.kernel.runtime import Abort, CThread, Runtime, current_cthread
from execspec.sched.shims.barrier import Barrier, BrokenBarrierError
from execspec.sched.shims.semaphore import BoundedSemaphore, Event, Semaphore
from execspec.sched.shims.sync import TIMEOUT_MAX, Condition, Lock, RLock

__all__ = ["MainThread", "Thread", "Timer", "TEMPLATE", "local"]

_IDENT_BASE = 140_000_000_000_000  # idents look like CPython's, but are tid-based and stable


def _need_thread(what: str) -> CThread:
    th = current_cthread()
    if th is None:
        raise RuntimeError(f"{what} outside a controlled thread: call it from the scenario "
                           "or from a thread the scenario starts")
    return th


class Thread:
    """``threading.Thread`` run as a controlled thread (greenlet) of the current execution."""

    _glet: CThread | None

    def __init__(self, group: None = None, target: Callable[..., object] | None = None,
                 name: str | None = None, args: Iterable[Any] = (),
                 kwargs: Mapping[str, Any] | None = None, *, daemon: bool | None = None) -> None:
        assert group is None, "group argument must be None for now"
        th = _need_thread("creating a Thread")
        rt = th.rt
        self._rt = rt
        self._oid = rt.new_oid()
        if name is None:
            rt.thread_counter += 1
            name = f"Thread-{rt.thread_counter}"
            if target is not None and getattr(target, "__name__", None):
                name += f" ({target.__name__})"
        self._name = str(name)
        self._target = target
        self._args = tuple(args)
        self._kwargs = dict(kwargs or {})
        self._daemonic = th.daemon if daemon is None else bool(daemon)
        self._started = False
        self._glet = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread: a scheduling point, after which it is offered to the strategy."""
        th = _need_thread("Thread.start()")
        if self._started:
            raise RuntimeError("threads can only be started once")
        th.rt.point(th, make_op(th.tid, "start", self._oid, self._name))
        self._started = True
        self._glet = th.rt.spawn(self, self._bootstrap, self._daemonic)

    def run(self) -> None:
        """Call the target (override in a subclass, as with real threads)."""
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            del self._target, self._args, self._kwargs

    def _bootstrap(self, *_: object) -> None:
        g = self._glet
        assert g is not None
        rt = g.rt
        try:
            self.run()
        except (GreenletExit, Abort):
            return
        except BaseException as exc:  # noqa: BLE001 - handed to excepthook, as CPython does
            hook = rt.env.shim("threading").excepthook if rt.env else excepthook
            try:
                hook(_real_threading.ExceptHookArgs((type(exc), exc, exc.__traceback__, self)))
            except (GreenletExit, Abort):
                return
        rt.thread_exit(g)

    def join(self, timeout: float | None = None) -> None:
        """Wait (virtual time) until the thread ends or ``timeout`` passes."""
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        th = _need_thread("Thread.join()")
        g = self._glet
        assert g is not None
        if g is th:
            raise RuntimeError("cannot join current thread")
        rt = th.rt
        op = make_op(th.tid, "join", self._oid, self._name)
        if timeout is None:
            rt.point(th, op, lambda: g.done)
        else:
            dl = rt.clock + max(float(timeout), 0.0)
            rt.point(th, op, lambda: g.done or rt.clock >= dl, dl)

    def is_alive(self) -> bool:
        """True from start until the thread's last step."""
        return self._started and self._glet is not None and not self._glet.done

    # -- names and flags -----------------------------------------------------------------

    @property
    def name(self) -> str:
        """The thread's name."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = str(value)

    @property
    def ident(self) -> int | None:
        """A stable per-execution identifier (None before start)."""
        return None if self._glet is None else _IDENT_BASE + self._glet.tid

    @property
    def native_id(self) -> int | None:
        """A stable fake native id (None before start)."""
        return None if self._glet is None else 1000 + self._glet.tid

    @property
    def daemon(self) -> bool:
        """Daemon threads are abandoned at interpreter exit instead of joined."""
        return self._daemonic

    @daemon.setter
    def daemon(self, value: bool) -> None:
        if self._started:
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemonic = bool(value)

    def isDaemon(self) -> bool:  # noqa: N802 - CPython's deprecated alias
        """Alias of ``daemon``."""
        return self._daemonic

    def setDaemon(self, value: bool) -> None:  # noqa: N802
        """Alias of ``daemon = value``."""
        self.daemon = value

    def getName(self) -> str:  # noqa: N802
        """Alias of ``name``."""
        return self._name

    def setName(self, value: str) -> None:  # noqa: N802
        """Alias of ``name = value``."""
        self.name = value

    def __hash__(self) -> int:
        # By creation order, not address: the stdlib joins ``set(self._threads)`` in
        # iteration order, which must be the same in every execution for replay.
        return self._oid

    def __repr__(self) -> str:
        status = "initial" if not self._started else ("started" if self.is_alive() else "stopped")
        return f"<shim {type(self).__name__}({self._name}, {status}{' daemon' if self._daemonic else ''})>"


class MainThread(Thread):
    """Controlled thread 0, which runs the scenario."""

    def __init__(self, rt: Runtime) -> None:  # noqa: D107 - no scheduling point, no Thread init
        self._rt = rt
        self._oid = rt.new_oid()
        self._name = "MainThread"
        self._daemonic = False
        self._started = True
        self._glet = None


class _Outside(Thread):
    """What ``current_thread()`` returns outside any controlled thread."""

    def __init__(self) -> None:  # noqa: D107
        self._oid, self._name, self._daemonic, self._started, self._glet = -1, "uncontrolled", True, True, None


_OUTSIDE = _Outside()


class Timer(Thread):
    """``threading.Timer``: call ``function`` after ``interval`` virtual seconds."""

    def __init__(self, interval: float, function: Callable[..., object],
                 args: Iterable[Any] | None = None, kwargs: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.interval = interval
        self.function = function
        self.args = list(args) if args is not None else []
        self.kwargs = dict(kwargs) if kwargs is not None else {}
        self.finished = Event()

    def cancel(self) -> None:
        """Stop the timer if it has not fired yet."""
        self.finished.set()

    def run(self) -> None:
        """Sleep out the interval on ``finished``; fire only if no ``cancel()`` cut it short."""
        # The shim's wait returns the flag as it was when the thread resumed, and nothing can
        # run between that and the next line, so the answer is the same as re-reading it.
        cut_short = self.finished.wait(self.interval)
        if not cut_short:
            self.function(*self.args, **self.kwargs)
        # Over either way (a set flag is a no-op to set again): a late cancel() finds the
        # timer finished, and waiters on ``finished`` wake whether it fired or not.
        self.finished.set()


class local:  # noqa: N801 - the real name
    """``threading.local``: attributes are per controlled thread (the instance ``__dict__`` is
    swapped for the running thread's on every access; no switch can happen in between)."""

    __slots__ = ("_local__args", "_local__dicts", "__dict__", "__weakref__")

    def __new__(cls, *args: Any, **kw: Any) -> local:
        if (args or kw) and cls.__init__ is object.__init__:
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        object.__setattr__(self, "_local__args", (args, kw))
        d: dict[str, Any] = {}
        object.__setattr__(self, "_local__dicts", {_key(): d})
        object.__setattr__(self, "__dict__", d)
        return self

    def __getattribute__(self, name: str) -> Any:
        _switch(self)
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "__dict__":
            raise AttributeError(f"{type(self).__name__!r} object attribute '__dict__' is read-only")
        _switch(self)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        _switch(self)
        object.__delattr__(self, name)


def _key() -> int:
    th = current_cthread()
    return -1 if th is None else th.tid


def _switch(self: local) -> None:
    dicts = object.__getattribute__(self, "_local__dicts")
    key = _key()
    d = dicts.get(key)
    if d is None:
        d = dicts[key] = {}
        object.__setattr__(self, "__dict__", d)
        args, kw = object.__getattribute__(self, "_local__args")
        init = type(self).__init__
        if init is not object.__init__:
            init(self, *args, **kw)
    else:
        object.__setattr__(self, "__dict__", d)


# -- module-level functions ------------------------------------------------------------------

def current_thread() -> Thread:
    """The running controlled thread's Thread object."""
    th = current_cthread()
    shim: Thread = _OUTSIDE if th is None else th.shim
    return shim


def get_ident() -> int:
    """The running thread's ident."""
    th = current_cthread()
    return 0 if th is None else _IDENT_BASE + th.tid


def get_native_id() -> int:
    """The running thread's fake native id."""
    th = current_cthread()
    return 0 if th is None else 1000 + th.tid


def main_thread() -> Thread:
    """Thread 0, which runs the scenario."""
    shim: Thread = _need_thread("main_thread()").rt.threads[0].shim
    return shim


def enumerate() -> list[Thread]:  # noqa: A001 - the real name
    """Every started thread that has not finished."""
    return [t.shim for t in _need_thread("enumerate()").rt.live]


def active_count() -> int:
    """``len(enumerate())``."""
    return len(_need_thread("active_count()").rt.live)


def _register_atexit(func: Callable[..., object], *arg: Any, **kwargs: Any) -> None:
    """Register a hook that ``env.exit_interpreter()`` calls before joining threads."""
    rt = _need_thread("threading._register_atexit()").rt
    assert rt.env is not None
    if rt.env.exiting:
        raise RuntimeError("can't register atexit after shutdown")
    rt.env.register("thread_atexits", functools.partial(func, *arg, **kwargs))


def excepthook(args: Any) -> None:
    """Default hook: an exception escaping a controlled thread fails the execution."""
    th = current_cthread()
    if th is None:
        _real_threading.excepthook(args)
        return
    th.rt.fail(Outcome.EXCEPTION, args.exc_value, th)


def _noop(*_: object, **__: object) -> None:
    return None


def _stack_size(size: int = 0) -> int:
    return 0


TEMPLATE: dict[str, Any] = {
    "Thread": Thread, "Timer": Timer, "local": local, "Lock": Lock, "RLock": RLock,
    "Condition": Condition, "Semaphore": Semaphore, "BoundedSemaphore": BoundedSemaphore,
    "Event": Event, "Barrier": Barrier, "BrokenBarrierError": BrokenBarrierError,
    "current_thread": current_thread, "currentThread": current_thread, "get_ident": get_ident,
    "get_native_id": get_native_id, "main_thread": main_thread, "enumerate": enumerate,
    "active_count": active_count, "activeCount": active_count,
    "_register_atexit": _register_atexit, "excepthook": excepthook, "__excepthook__": excepthook,
    "ExceptHookArgs": _real_threading.ExceptHookArgs, "TIMEOUT_MAX": TIMEOUT_MAX,
    "ThreadError": RuntimeError, "settrace": _noop, "setprofile": _noop,
    "gettrace": _noop, "getprofile": _noop, "stack_size": _stack_size,
    "_allocate_lock": Lock, "_CRLock": None, "_PyRLock": RLock,
}
TEMPLATE["__all__"] = [n for n in TEMPLATE if not n.startswith("_") and n != "ThreadError"]

