"""Is a target usable? Import it, build one executor, shut it down again, all within a bound,
before any other work starts, so that a bad target costs a second and one line, not a run.

A target is usable when its module imports, its factory is callable, ``factory(max_workers=1)``
(the call every check makes, smallest) returns an executor, and that executor shuts down.
Each way of failing is one :class:`TargetProblem` whose ``line`` says what is wrong and what to
do. The factory call and the shutdown run on a daemon thread joined with a bound
(:func:`execspec.config.target_timeout`): a factory or an executor that hangs is reported as
hung, named, with the bound, and left behind on that thread (``left_running``), since Python
cannot stop a thread; the caller is about to exit anyway.

>>> validate(Target.parse("concurrent.futures:ThreadPoolExecutor")) is None
True
>>> print(validate(Target.parse("math:sqrt")).line)  # doctest: +ELLIPSIS
target 'math:sqrt': math.sqrt(max_workers=1) raised TypeError: ...
"""

from __future__ import annotations

import concurrent.futures
import enum
import reprlib
import threading
from dataclasses import dataclass
from typing import Any, Callable

from execspec import config
from execspec.targets.target import Target, TargetError

__all__ = ["Problem", "TargetProblem", "validate"]

_CONTRACT = ("a target names a class or function that, called as F(max_workers=N), returns a "
             "concurrent.futures.Executor")


class Problem(enum.Enum):
    """What is wrong with a target (the line says it in words)."""

    #: the target string itself cannot be read (``Target.parse`` refused it)
    UNREADABLE = "unreadable"
    #: the module cannot be imported, or has no such attribute, or it is not callable
    NOT_LOADABLE = "not loadable"
    #: the factory raised
    FACTORY_RAISED = "factory raised"
    #: the factory returned something that is not an executor
    NOT_AN_EXECUTOR = "not an executor"
    #: the executor's ``shutdown(wait=True)`` raised
    SHUTDOWN_RAISED = "shutdown raised"
    #: the factory, the shutdown or the factory's cleanup did not return within the bound
    HUNG = "hung"


@dataclass(frozen=True)
class TargetProblem:
    """One bad target: what kind of problem, and the one line that tells the person."""

    target: str
    problem: Problem
    line: str
    #: a thread (the hung call) is still running: the process should exit without joining it
    left_running: bool = False


def validate(target: Target, bound: float | None = None) -> TargetProblem | None:
    """None when ``target`` builds an executor that shuts down again; else what is wrong.

    Source-only targets (``stdlib@3.X``, ``source:DIR``) are not imported here: their parse
    checked the directory, and the shim reports a module it cannot load as a skipped mode.
    ``bound`` (seconds, default :func:`execspec.config.target_timeout`) limits the factory call,
    the shutdown and the factory's ``execspec_close`` cleanup, each.
    """
    if not target.real_threads_ok:
        return None
    bound = config.target_timeout() if bound is None else bound
    try:
        factory = target.load_factory()
    except TargetError as exc:
        return TargetProblem(target.name, Problem.NOT_LOADABLE, str(exc))
    call = f"{target.module}.{target.factory}(max_workers=1)"
    probe = _Probe(factory)
    worker = threading.Thread(target=probe.run, name=f"execspec-validate-{target.name}", daemon=True)
    worker.start()
    hung = probe.wait(bound)
    if hung is not None:
        step = {"call": f"{call} did not return", "shutdown": f"shutdown(wait=True) of the executor "
                f"{call} returned did not return", "close": f"{target.factory}.execspec_close() did "
                "not return"}[hung]
        return TargetProblem(target.name, Problem.HUNG,
                             f"target {target.name!r}: {step} within {bound:g} s (hung?); fix it, or "
                             f"raise the bound with ${config.TARGET_TIMEOUT}", left_running=True)
    worker.join()  # it has finished its last step: this returns at once
    return probe.problem(target, call)


class _Probe:
    """The work of the validating thread, and what it found, step by step."""

    def __init__(self, factory: Callable[..., Any]) -> None:
        self.factory = factory
        self.cond = threading.Condition()
        self.step = "call"            # call -> shutdown -> close -> done
        self.raised: BaseException | None = None
        self.made: object = None

    def _enter(self, step: str) -> None:
        with self.cond:
            self.step = step
            self.cond.notify_all()

    def run(self) -> None:
        try:
            self.made = self.factory(max_workers=1)
        except BaseException as exc:  # noqa: BLE001 - whatever a factory raises is its finding
            self.raised = exc
        if self.raised is None and _is_executor(self.made):
            self._enter("shutdown")
            try:
                self.made.shutdown(wait=True)  # type: ignore[attr-defined]
            except BaseException as exc:  # noqa: BLE001 - reported as the executor's problem
                self.raised = exc
        cleanup = getattr(self.factory, "execspec_close", None)
        if callable(cleanup):
            self._enter("close")
            try:
                cleanup()
            except Exception:  # noqa: BLE001 - releasing what a factory started is best effort
                pass
        self._enter("done")

    def wait(self, bound: float) -> str | None:
        """Wait for the thread to finish, each step at most ``bound`` s; the step that hung."""
        with self.cond:
            while self.step != "done":
                step = self.step
                if not self.cond.wait_for(lambda: self.step != step, timeout=bound):
                    return step
        return None

    def problem(self, target: Target, call: str) -> TargetProblem | None:
        name = target.name
        if self.raised is not None and not _is_executor(self.made):
            return TargetProblem(name, Problem.FACTORY_RAISED,
                                 f"target {name!r}: {call} raised {_exception(self.raised)}; {_CONTRACT}")
        if not _is_executor(self.made):
            return TargetProblem(name, Problem.NOT_AN_EXECUTOR,
                                 f"target {name!r}: {call} returned {_short(self.made)} (a "
                                 f"{_type_name(self.made)}), not an executor; {_CONTRACT}")
        if self.raised is not None:
            return TargetProblem(name, Problem.SHUTDOWN_RAISED,
                                 f"target {name!r}: the executor {call} returned raised "
                                 f"{_exception(self.raised)} in shutdown(wait=True); an executor "
                                 "must shut down when nothing was submitted")
        return None


def _is_executor(obj: object) -> bool:
    """An Executor, or an object that offers its two methods (not a class that does)."""
    if isinstance(obj, concurrent.futures.Executor):
        return True
    return not isinstance(obj, type) and all(callable(getattr(obj, m, None)) for m in ("submit", "shutdown"))


def _exception(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return type(exc).__name__ + (f": {text[0]}" if text else "")


def _short(obj: object) -> str:
    r = reprlib.Repr()
    r.maxstring, r.maxother = 60, 60
    return " ".join(r.repr(obj).split())


def _type_name(obj: object) -> str:
    t = type(obj)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
