"""The vocabulary of the machine's shapes (:mod:`.shapes`): a :class:`Shape`, one fixed call
sequence, and the steps it is written in, each a rule name of the machine with its arguments.

>>> create(2), SETTLE
(('create', {'workers': 2, 'init': <InitKind.NONE: 'none'>, 'base': False, 'initargs': ()}), ('settle', {}))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from execspec.model import InitKind, ReturnWhen, TaskKind, Timeout

Step = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Shape:
    """One fixed call sequence: rule names of the machine with their arguments."""

    name: str
    steps: tuple[Step, ...]
    #: how many interleavings to run it under (a shape whose bug hides in a narrow window of
    #: the executor's own threads gets several; each has its own fixed seeds)
    schedules: int = 1
    #: only under the shim (a step whose rule's precondition asks for it: interpreter exit)
    shim_only: bool = False
    #: a CPython defect this shape shows that the model's CPython reading does not record yet:
    #: until it does, the shape is not run on CPython's own stdlib (whose run would fail on it)
    cpython_bug: str = ""
    #: the schedule seeds' base (None: the shape's index): pinned where the interleavings that
    #: reach a narrow window were found by trying seeds, so shapes added before it do not move them
    seed: int | None = None


def create(workers: int | None = 1, init: InitKind = InitKind.NONE, base: bool = False,
           initargs: tuple[int, ...] = ()) -> Step:
    return "create", {"workers": workers, "init": init, "base": base, "initargs": initargs}


def submit(kind: TaskKind = TaskKind.RETURNS, gated: bool = False) -> Step:
    return "submit", {"kind": kind, "gated": gated}


def fcall(fid: int, what: str, timeout: Timeout = Timeout.NONE) -> Step:
    return "future_call", {"n": fid, "what": what, "timeout": timeout}


def open_gate(k: int = 0) -> Step:
    """Open the ``k``-th closed gate (in the order of their futures)."""
    return "open_gate", {"n": k}


#: every thread of the executor parks (the model's settled check)
SETTLE: Step = ("settle", {})


def map_step(gated: tuple[bool, bool], timeout: bool,
             kinds: tuple[TaskKind, ...] = (TaskKind.RETURNS, TaskKind.RETURNS)) -> Step:
    return "map", {"kinds": list(kinds), "gated": [*gated, False], "timeout": timeout}


def waits(on: int = -1) -> Step:
    """Submit a task that waits on future ``on`` (-1: on the next one made)."""
    return "submit_waiting", {"n": on}


def bare(what: str) -> Step:
    return "bare_call", {"n": 0, "what": what}


def callback(fid: int) -> Step:
    return "add_done_callback", {"n": fid, "raising": False}


def wait(fids: list[int], when: ReturnWhen, timeout: Timeout = Timeout.NONE) -> Step:
    return "wait", {"ns": fids, "when": when, "timeout": timeout}


__all__ = ["SETTLE", "Shape", "Step", "bare", "callback", "create", "fcall", "map_step", "open_gate", "submit",
           "wait", "waits"]
