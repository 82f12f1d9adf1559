"""What the machine asks a driver to do: the model's client operations plus what the model
leaves out (gates, raising callbacks, map iterators), as plain frozen values.

Actions are data so that a shim run can be replayed from its list alone, and so that a
failure's shrunk calls can be printed as a Python snippet (:mod:`.snippet`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from execspec.model import InitKind, Op, TaskKind, Timeout


@dataclass(frozen=True)
class Create:
    """Make the executor: ``make(max_workers=..., initializer=..., initargs=...)``.

    ``max_workers`` None asks for the default; ``base_exception`` makes a failing initializer
    raise a ``BaseException`` (SystemExit) rather than an ``Exception``.
    """

    max_workers: int | None
    init: InitKind = InitKind.NONE
    base_exception: bool = False
    initargs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Call:
    """One client operation of the model, with the details the model does not see.

    ``gates`` says, per task the call makes, whether it parks on a gate; ``raising`` makes a
    done-callback raise; ``wait`` is how the driver waits for a call that may block: ``None``
    for not at all (the model says it cannot block: wait for it, bounded), else a short
    bounded wait after which the call counts as blocked; ``map_timeout`` is map()'s timeout.
    """

    op: Op
    gates: tuple[bool, ...] = ()
    raising: bool = False
    may_block: bool = False
    map_timeout: bool = False
    via_with: bool = False  # a Shutdown made by leaving a ``with`` block: ``__exit__(None, None, None)``
    nested: bool = False  # an AddDoneCallback whose callback, once called, adds one more to its future
    #: a NewFuture of the standard library's ``concurrent.futures.Future`` (what its process pool
    #: hands out), not the target module's: wait() and as_completed() get futures of two kinds
    #: (WAIT-MIXED-EXECUTORS, AC-MIXED-EXECUTORS); the same class where the target is the stdlib
    foreign: bool = False
    #: made on a daemon thread of the client's (a Submit): a pool's workers started there are
    #: daemon threads too, as threads inherit it, so only the pool's exit hook joins them at exit
    on_thread: bool = False


@dataclass(frozen=True)
class OpenGate:
    """Let gated task ``fid`` go on."""

    fid: int


@dataclass(frozen=True)
class MapNext:
    """``next()`` on map iterator ``mid``: the model sees ``GetResult`` of its next future."""

    mid: int
    op: Op
    may_block: bool = False


@dataclass(frozen=True)
class MapClose:
    """Drop map iterator ``mid`` (``close()`` then forget it)."""

    mid: int


@dataclass(frozen=True)
class ApiCall:
    """Run the client program of API case ``case`` (:data:`execspec.model.api.CASES`) on bare
    futures, or on an executor of its own: the machine's executor is left alone."""

    case: str


@dataclass(frozen=True)
class Settle:
    """Let the executor run until every thread is parked (virtual time passes under the shim;
    on real threads, a bounded wait until the model says nothing more is due)."""


@dataclass(frozen=True)
class Pause:
    """The client sleeps ``seconds`` of virtual time (shim only): the executor runs meanwhile,
    and a timeout due within the pause fires, but later ones are still to come (a Settle lets
    every one pass)."""

    seconds: float


Action = Union[Create, Call, OpenGate, MapNext, MapClose, Settle, ApiCall, Pause]

#: timeouts as the driver passes them, per mode: (shim virtual seconds, real seconds)
TIMEOUTS = {Timeout.ZERO: (0.0, 0.0), Timeout.FINITE: (5.0, 0.05), Timeout.NONE: (None, None)}


def task_kinds(op: Op) -> tuple[TaskKind, ...]:
    """The kinds of the tasks an operation creates (none for most)."""
    from execspec.model import Map, Submit

    if isinstance(op, Submit):
        return (op.task,)
    if isinstance(op, Map):
        return op.tasks
    return ()
