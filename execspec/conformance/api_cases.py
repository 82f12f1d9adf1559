"""The client programs of the API surface's cases (:mod:`execspec.model.api`), performed on a
target: what each showed, as the short strings the model's cases say it must show.

Each program runs inside the driver's :class:`~.driver.World` (the target's module namespace,
its factory, the shim's ``threading`` and ``time`` under the shim), on bare futures of that
module or on an executor of its own that it shuts down before it returns: the machine's
executor and futures are never touched, so the model's belief state stays what it was. Nothing
here judges: the machine compares the strings with :func:`execspec.model.api.expected`.
"""

from __future__ import annotations

import builtins
import inspect
import itertools
from typing import Any, Callable, Iterator

from execspec.conformance.api_threads import THREAD_PROGRAMS
from execspec.sched.loader.futures_api import own_api
from execspec.model.api import (
    BOGUS_RETURN_WHEN, CONSTANTS, EXCEPTIONS, MODULE_NAMES, PREFIX, thread_name,
)

Program = Callable[[Any], tuple[str, ...]]


def echo_kwargs(*args: Any, **kwargs: Any) -> str:
    """The keyword arguments a call got, as ``k=v`` (module level: a process pool pickles it)."""
    return ",".join(f"{k}={v!r}" for k, v in sorted(kwargs.items()))


def _outcome(call: Callable[[], Any]) -> str:
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - what the call raised is the observation
        return f"raises {type(exc).__name__}"
    return "returns"


def _bound(world: Any) -> float | None:
    """How long a call of a program's own executor may take: unbounded under the shim (which
    reports a hang itself), the driver's bound on real threads."""
    return None if world.shim else world.hang


def _done(world: Any, value: object = 1) -> Any:
    f = world.cf.Future()
    f.set_result(value)
    return f


def _construct(world: Any, **kwargs: Any) -> tuple[str, ...]:
    try:
        ex = world.make(**kwargs)
    except Exception as exc:  # noqa: BLE001 - a refusal is the observation
        return (f"raises {type(exc).__name__}",)
    ex.shutdown(wait=True)
    return ("returns",)


def _one_call(world: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """Make an executor (``kwargs`` go to the factory), run ``fn(*args)`` on it, shut it down."""
    try:
        ex = world.make(**kwargs)
    except Exception as exc:  # noqa: BLE001
        return f"raises {type(exc).__name__}", None
    try:
        return "returns", ex.submit(fn, *args).result(_bound(world))
    except Exception as exc:  # noqa: BLE001
        return f"raises {type(exc).__name__}", None
    finally:
        ex.shutdown(wait=True)


def _max_workers_true(world: Any) -> tuple[str, ...]:
    got, value = _one_call(world, abs, -5, max_workers=True)
    return (got,) if value is None else (got, f"result {value}")


def _thread_name(world: Any) -> tuple[str, ...]:
    got, name = _one_call(world, lambda: world.threading.current_thread().name, max_workers=1,
                          thread_name_prefix=PREFIX)
    return (got,) if name is None else (thread_name(name),)


def _fork_child(world: Any) -> tuple[str, ...]:
    """Three rounds, each in the child of the round before: a pool of 2 runs calls, some of
    them making and using pools of their own (so a worker may hold the module's locks), the
    client forks, and in the child a new pool runs a call."""
    if world.fork is None:  # real threads (the case is shim-only) and the fault scenarios
        return ("no fork here",)

    def makes_a_pool(i: int) -> int:
        pool = world.make(max_workers=1)
        pool.submit(abs, -i)
        pool.shutdown(wait=True)
        return i

    got = []
    for _ in range(3):
        ex = world.make(max_workers=2)
        for i in range(2):
            ex.submit(makes_a_pool, i)
            ex.submit(pow, 2, i)
        world.fork()  # ex's workers are gone in the child, and whatever they held
        child = world.make(max_workers=1)
        try:
            got.append(child.submit(pow, 3, 2).result(timeout=60))
        except Exception as exc:  # noqa: BLE001 - what the child saw
            return (f"a pool made in a child raises {type(exc).__name__}",)
        finally:
            child.shutdown(wait=True)
    return (f"a pool made in each child returns {got}",)


def _map_zip(world: Any, ex: Any) -> tuple[str, ...]:
    return (f"returns {list(ex.map(pow, [2, 3, 4], [5, 2]))}",)


def _wait_invalid(world: Any) -> tuple[str, ...]:
    cf = world.cf
    try:
        done, not_done = cf.wait([cf.Future()], timeout=0, return_when=BOGUS_RETURN_WHEN)
    except Exception as exc:  # noqa: BLE001
        return (f"raises {type(exc).__name__}",)
    return (f"returns {len(done)} done, {len(not_done)} not done",)


def _wait_invalid_done(world: Any) -> tuple[str, ...]:
    try:
        done, not_done = world.cf.wait([_done(world)], return_when=BOGUS_RETURN_WHEN)
    except Exception as exc:  # noqa: BLE001
        return (f"raises {type(exc).__name__}",)
    return (f"returns {len(done)} done, {len(not_done)} not done",)


def _timeouts(world: Any) -> tuple[str, ...]:
    cf = world.cf
    pending, done = cf.Future(), _done(world)
    waited = cf.wait([pending], timeout=0)
    return (f"result(0): {_outcome(lambda: pending.result(0))}",
            f"result(0.0): {_outcome(lambda: pending.result(0.0))}",
            f"exception(0): {_outcome(lambda: pending.exception(0))}",
            f"result(1) of a done future: {_outcome(lambda: done.result(1))}",
            f"wait(timeout=0): {len(waited[0])} done, {len(waited[1])} not done",
            f"as_completed(timeout=0): {_outcome(lambda: next(iter(cf.as_completed([pending], timeout=0))))}")


def _negative_timeouts(world: Any) -> tuple[str, ...]:
    cf = world.cf
    pending = cf.Future()

    def waited() -> str:
        try:
            done, not_done = cf.wait([pending], timeout=-1)
        except Exception as exc:  # noqa: BLE001
            return f"raises {type(exc).__name__}"
        return f"{len(done)} done, {len(not_done)} not done"

    return (f"result(-1): {_outcome(lambda: pending.result(-1))}",
            f"exception(-1): {_outcome(lambda: pending.exception(-1))}",
            f"exception(-1.5): {_outcome(lambda: pending.exception(-1.5))}",
            f"wait(timeout=-1): {waited()}",
            f"as_completed(timeout=-1): {_outcome(lambda: next(iter(cf.as_completed([pending], timeout=-1))))}")


def _nothing(world: Any) -> tuple[str, ...]:
    cf = world.cf
    waits, yields = [], []
    for timeout in (None, 0):
        for when in CONSTANTS:
            try:
                done, not_done = cf.wait([], timeout=timeout, return_when=getattr(cf, when))
                waits.append(f"{len(done)} done, {len(not_done)} not done")
            except Exception as exc:  # noqa: BLE001
                waits.append(f"raises {type(exc).__name__}")
        try:
            got = list(cf.as_completed([], timeout=timeout))
            yields.append("nothing yielded" if not got else f"{len(got)} yielded")
        except Exception as exc:  # noqa: BLE001
            yields.append(f"raises {type(exc).__name__}")
    def same(shown: list[str]) -> str:
        return f"{shown[0]} each time" if len(set(shown)) == 1 else "; ".join(shown)

    return (f"wait: {same(waits)}", f"as_completed: {same(yields)}")


def _any_iterable(world: Any) -> tuple[str, ...]:
    cf = world.cf
    fs = [_done(world, 1), _done(world, 2)]

    def count(iterable: Any) -> str:
        try:
            return f"{len(list(cf.as_completed(iterable)))} yielded"
        except Exception as exc:  # noqa: BLE001
            return f"raises {type(exc).__name__}"

    listed = list(fs)

    def extended() -> Iterator[Any]:  # the list grows once the iteration has begun
        it = iter(cf.as_completed(listed))
        yield next(it)
        listed.append(_done(world, 3))
        yield from it

    return (f"generator: {count(f for f in fs)}", f"set: {count(set(fs))}",
            f"dict keys: {count(dict.fromkeys(fs).keys())}", f"list extended later: {count(extended())}")


def _fn_keyword(world: Any, ex: Any) -> tuple[str, ...]:
    return ("returns", f"the callable got {ex.submit(echo_kwargs, fn=3).result(_bound(world))}")


class _Counted:
    """An input iterable that counts the items read from it (endless when ``items`` is None)."""

    def __init__(self, items: list[int] | None = None) -> None:
        self.read = 0
        self._items: Iterator[int] = iter(items) if items is not None else itertools.count()

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> int:
        item = next(self._items)
        self.read += 1
        return item


def fails_on_two(x: int) -> int:
    """``x``, or ValueError for 2 (module level: a process pool pickles it)."""
    if x == 2:
        raise ValueError(x)
    return x


def _has_buffersize(ex: Any) -> bool:
    """Whether ``ex.map`` takes ``buffersize`` (3.14's stdlib; impl on any Python): by name, as a
    ``**kwargs`` that passes it on to a map without one is no buffersize (TinyPool's)."""
    try:
        params = inspect.signature(ex.map).parameters
    except (TypeError, ValueError):
        return False
    return "buffersize" in params


def _on_executor(program: Callable[[Any, Any], tuple[str, ...]], *, buffersize: bool = False,
                 **kwargs: Any) -> Program:
    """Run ``program(world, ex)`` on an executor of its own (made with ``kwargs``, shut down
    after); an exception it lets out is what it shows. ``buffersize``: the program needs a
    map() that takes one (3.14's stdlib; impl on any Python), else it shows that it has none."""
    def run(world: Any) -> tuple[str, ...]:
        ex = world.make(**kwargs)
        try:
            if buffersize and not _has_buffersize(ex):
                return ("no buffersize parameter",)
            return program(world, ex)
        except Exception as exc:  # noqa: BLE001 - what the call raised is the observation
            return (f"raises {type(exc).__name__}",)
        finally:
            ex.shutdown(wait=True)
    return run


def _buffersize_all(world: Any, ex: Any) -> tuple[str, ...]:
    inputs = _Counted([-1, -2, -3, -4, -5])
    try:
        it = ex.map(abs, inputs, buffersize=2)
    except Exception as exc:  # noqa: BLE001
        return (f"raises {type(exc).__name__}",)
    reads, results = [inputs.read], []
    for _ in range(5):
        try:
            results.append(next(it))
        except StopIteration:
            break
        reads.append(inputs.read)
    return ("returns", "read " + ", ".join(map(str, reads)), "results " + ", ".join(map(str, results)))


def _buffersize_raises(world: Any, ex: Any) -> tuple[str, ...]:
    try:
        it = ex.map(fails_on_two, [1, 2, 3, 4], buffersize=1)
        first = f"first result {next(it)}"
    except Exception as exc:  # noqa: BLE001
        return (f"raises {type(exc).__name__}",)
    then = _outcome(lambda: next(it))
    try:
        next(it)
        last = "then yields again"
    except StopIteration:
        last = "then ends"
    except Exception as exc:  # noqa: BLE001
        last = f"then raises {type(exc).__name__}"
    return (first, f"then {then}", last)


def _buffersize_refused(size: object) -> Program:
    def program(world: Any, ex: Any) -> tuple[str, ...]:
        inputs = _Counted([1, 2])
        return (_outcome(lambda: ex.map(abs, inputs, buffersize=size)), f"{inputs.read} inputs read")
    return _on_executor(program, buffersize=True, max_workers=1)


def _buffersize_lazy(world: Any, ex: Any) -> tuple[str, ...]:
    inputs = _Counted()
    it = ex.map(abs, inputs, buffersize=2)
    first_read = inputs.read
    first = next(it)
    out = ("returns", f"{first_read} inputs read", f"first result {first}", f"{inputs.read} inputs read")
    it.close()
    return out


def _abstract(world: Any) -> tuple[str, ...]:
    cf = world.cf
    base = getattr(cf, "Executor", None)
    if base is None:
        return ("no Executor in the module",)

    class RunsAtOnce(base):  # type: ignore[misc, valid-type]
        def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            f = cf.Future()
            f.set_running_or_notify_cancel()
            try:
                f.set_result(fn(*args, **kwargs))
            except Exception as exc:  # noqa: BLE001
                f.set_exception(exc)
            return f

    ex = RunsAtOnce()
    try:
        mapped = f"map over submit: {list(ex.map(abs, [-1, -2]))}"
    except Exception as exc:  # noqa: BLE001
        mapped = f"map raises {type(exc).__name__}"
    with ex as entered:
        same = "with gives the executor itself" if entered is ex else "with gives another object"
    return (f"submit {_outcome(lambda: base().submit(abs, 1))}", mapped, same,
            f"shutdown returns {ex.shutdown()!r}")


def _own(world: Any) -> Any:
    """What the module-surface cases judge: the target module's own names (``own_api``)."""
    return own_api(world.cf, world.cf)


def _names(world: Any) -> tuple[str, ...]:
    missing = [n for n in MODULE_NAMES if not hasattr(_own(world), n)]
    return ("none missing",) if not missing else (f"missing {', '.join(missing)}",)


def _constants(world: Any) -> tuple[str, ...]:
    cf = _own(world)
    values = [getattr(cf, n, None) for n in CONSTANTS]
    distinct = len({repr(v) for v in values if v is not None})

    def accepted(value: object) -> bool:
        return _outcome(lambda: cf.wait([cf.Future()], timeout=0, return_when=value)) == "returns"

    refused = [n for n, v in zip(CONSTANTS, values) if not accepted(v)]
    return (f"{distinct} distinct", "wait accepts each" if not refused else f"wait refuses {', '.join(refused)}")


def _exceptions(world: Any) -> tuple[str, ...]:
    out = []
    for name in EXCEPTIONS:
        cls = getattr(_own(world), name, None)
        ok = isinstance(cls, type) and issubclass(cls, Exception)
        out.append(f"{name} is {'an' if ok else 'not an'} Exception")
    return tuple(out)


def _timeout_class(world: Any) -> tuple[str, ...]:
    cls = getattr(_own(world), "TimeoutError", None)
    builtin = cls is builtins.TimeoutError
    os_error = isinstance(cls, type) and issubclass(cls, OSError)
    return ("the builtin TimeoutError" if builtin else "not the builtin TimeoutError",
            "an OSError" if os_error else "not an OSError")


#: case name (execspec.model.api.CASES) -> its program
PROGRAMS: dict[str, Program] = {
    "max-workers-not-a-number": lambda w: _construct(w, max_workers="two"),
    "max-workers-false": lambda w: _construct(w, max_workers=False),
    "max-workers-true": _max_workers_true,
    **THREAD_PROGRAMS,
    "map-zip": _on_executor(_map_zip, max_workers=2),
    "max-workers-zero": lambda w: _construct(w, max_workers=0),
    "max-workers-negative": lambda w: _construct(w, max_workers=-1),
    "submit-after-exit": lambda w: _one_call(w, abs, -1, max_workers=1)[:1],
    "fork-new-pool": _fork_child,
    "timeouts-negative": _negative_timeouts,
    "initializer-not-callable": lambda w: _construct(w, max_workers=1, initializer=42),
    "thread-name-prefix": _thread_name,
    "wait-return-when-invalid": _wait_invalid,
    "wait-return-when-invalid-done": _wait_invalid_done,
    "timeouts-int-and-float": _timeouts,
    "as-completed-any-iterable": _any_iterable,
    "waits-on-nothing": _nothing,
    "submit-fn-keyword": _on_executor(_fn_keyword, max_workers=1),
    "map-buffersize-zero": _buffersize_refused(0),
    "map-buffersize-not-an-int": _buffersize_refused("2"),
    "map-buffersize-lazy": _on_executor(_buffersize_lazy, buffersize=True, max_workers=1),
    "map-buffersize-all": _on_executor(_buffersize_all, buffersize=True, max_workers=1),
    "map-buffersize-raises": _on_executor(_buffersize_raises, buffersize=True, max_workers=1),
    "executor-abstract": _abstract,
    "module-names": _names,
    "module-constants": _constants,
    "exceptions-are-exceptions": _exceptions,
    "timeout-alias": _timeout_class,
    "timeout-distinct": _timeout_class,
}


def perform_case(world: Any, name: str) -> tuple[str, ...]:
    """Run case ``name``'s program in ``world``: what the client saw."""
    return PROGRAMS[name](world)


__all__ = ["PROGRAMS", "echo_kwargs", "fails_on_two", "perform_case"]
