"""Shapes: short call sequences, enumerated, that the machine runs before Hypothesis generates.

Random generation reaches some shapes only rarely. A waiter woken by a cancel needs four steps
in a row (a busy worker, a queued task, a blocked ``result()`` on it, then ``cancel()``) out of
the hundreds of sequences of that length the rules can make, and a shim run of 300 examples may
never draw it. Most executor bugs show in such small scopes, so the small ones are enumerated
here instead of hoped for: every blocking call on a queued or a running future, times every
event that must end it (a cancel, ``shutdown(cancel_futures=True)``, the task finishing, a
timeout), the map iterator's ways of being used and dropped, calls on futures already done, a
failing initializer, the docs' two deadlocks (tasks waiting on futures) with their near misses,
and every case of the API surface (bad arguments, the module's names, timeouts, iterables).
Then the shapes the mutation run of ``impl`` found unreached (issue 9, benchmarks/mutation): every
call on a bare future that is cancelled, running or finished; ``wait()`` in each mode and
``as_completed()`` over two or three futures that finish apart; two waiters on one future, one
timing out; waits and callbacks on cancelled futures; an idle worker's count; interpreter exit and
a pool made after it; a next() half a second either side of its deadline; a stdlib future mixed
with the target's; two narrow windows of a pool's threads, under pinned seeds; a fork while a
pool's workers run (TPE-FORK: the shim's ``Env.fork``); a worker that lost the call it was started
for to another, on two pinned interleavings.

A shape only chooses calls. It runs through the machine's own rules, so the verdict is the
model's exactly as for a generated example: nothing here says what a call should return.
Hypothesis has no way to seed a stateful run with fixed rule sequences (``@example`` is for
plain tests), which is why these are written out and run by :func:`~.shape_runner.run_shapes`.

>>> len(SHAPES) > 40, all(s.steps[0][0] == "create" for s in SHAPES)
(True, True)
"""

from __future__ import annotations

from typing import Any

from execspec.conformance.shape_steps import SETTLE as _SETTLE
from execspec.conformance.shape_steps import Shape, Step
from execspec.conformance.shape_steps import bare as _bare
from execspec.conformance.shape_steps import callback as _cb
from execspec.conformance.shape_steps import create as _create
from execspec.conformance.shape_steps import fcall as _fcall
from execspec.conformance.shape_steps import map_step as _map
from execspec.conformance.shape_steps import open_gate as _open
from execspec.conformance.shape_steps import submit as _submit
from execspec.conformance.shape_steps import wait as _wait
from execspec.conformance.shape_steps import waits as _waits
from execspec.model import InitKind, ReturnWhen, TaskKind, Timeout

_R, _E = TaskKind.RETURNS, TaskKind.RAISES
_NONE, _ZERO, _FIN = Timeout.NONE, Timeout.ZERO, Timeout.FINITE


#: interleavings for a shape whose bug needs the executor's threads to stop at one point
_WINDOW = 12

#: a call that blocks on future ``fid`` while it is not done: (label, steps)
_WAITS: tuple[tuple[str, Any], ...] = (
    ("result", lambda f: [_fcall(f, "result")]),
    ("result-timeout", lambda f: [_fcall(f, "result", _FIN)]),
    ("exception", lambda f: [_fcall(f, "exception")]),
    ("exception-timeout", lambda f: [_fcall(f, "exception", _FIN)]),
    ("wait-first", lambda f: [("wait", {"ns": [f], "when": ReturnWhen.FIRST_COMPLETED, "timeout": _NONE})]),
    ("wait-all-timeout", lambda f: [("wait", {"ns": [f], "when": ReturnWhen.ALL_COMPLETED, "timeout": _FIN})]),
    ("as_completed", lambda f: [("as_completed", {"ns": [f], "timeout": _NONE}), ("as_completed_next", {"n": 0})]),
    ("as_completed-timeout", lambda f: [("as_completed", {"ns": [f], "timeout": _FIN}),
                                        ("as_completed_next", {"n": 0})]),
)

#: what happens to a queued future (fid 1, behind gated fid 0 on one worker) while a call waits on it
_QUEUED_EVENTS: tuple[tuple[str, list[Step]], ...] = (
    ("cancel", [_fcall(1, "cancel")]),
    ("shutdown-cancel", [("shutdown", {"wait": False, "cancel": True})]),
    ("shutdown-cancel-wait", [_open(), ("shutdown", {"wait": True, "cancel": True})]),
    ("runs", [_open()]),
    ("nothing", []),
)


def _waiting_shapes() -> list[Shape]:
    out = []
    for label, wait in _WAITS:
        for event, steps in _QUEUED_EVENTS:
            out.append(Shape(f"{label} on a queued future, then {event}",
                             (_create(1), _submit(gated=True), _submit(), *wait(1), *steps, _SETTLE)))
        for kind in (_R, _E):
            out.append(Shape(f"{label} on a running future that {kind.value}",
                             (_create(1), _submit(kind, gated=True), *wait(0), _open(), _SETTLE)))
    return out


def _shutdown_shapes() -> list[Shape]:
    out = []
    for wait in (True, False):
        for cancel in (True, False):
            out.append(Shape(f"shutdown(wait={wait}, cancel_futures={cancel}) with a running and a queued task",
                             (_create(1), _submit(gated=True), _submit(), ("shutdown", {"wait": wait, "cancel": cancel}),
                              _fcall(1, "query"), _open(), _SETTLE, _submit())))
    for workers in (1, 2):  # a worker may hold a call it took off the queue but has not started
        for n in (1, 2, 3):
            out.append(Shape(f"shutdown(cancel_futures=True) right after {n} submit(s), {workers} worker(s)",
                             (_create(workers), *[_submit()] * n, ("shutdown", {"wait": False, "cancel": True}),
                              _SETTLE), schedules=_WINDOW))
            kinds = (_R,) * n
            out.append(Shape(f"shutdown(cancel_futures=True) right after a map of {n}, {workers} worker(s)",
                             (_create(workers), ("map", {"kinds": list(kinds), "gated": [False] * 3, "timeout": False}),
                              ("shutdown", {"wait": False, "cancel": True}), _SETTLE), schedules=_WINDOW))
    out.append(Shape("the with block left with a running and a queued task",  # EXE-CONTEXT-EXIT
                     (_create(1), _submit(gated=True), _submit(), ("leave_with_block", {}), _fcall(1, "query"),
                      _open(), _SETTLE, _submit())))
    out.append(Shape("shutdown twice, then submit",
                     (_create(2), _submit(), ("shutdown", {"wait": True, "cancel": False}),
                      ("shutdown", {"wait": True, "cancel": True}), _submit())))
    out.append(Shape("drop the executor with work queued",
                     (_create(1), _submit(gated=True), _submit(), ("drop_executor", {}), _open(), _SETTLE)))
    return out


def _map_shapes() -> list[Shape]:
    nxt: Step = ("map_next", {"n": 0})  # next() on a map without a timeout is made only when it cannot block
    close: Step = ("map_close", {"n": 0})
    return [
        Shape("map, iterated fully", (_create(2), _map((False, False), False), _SETTLE, nxt, nxt)),
        Shape("map with a raising item, iterated", (_create(2), _map((False, False), False, (_E, _R)), _SETTLE, nxt)),
        Shape("map with a timeout, next before its item is done",
              (_create(2), _map((True, True), True), nxt, _SETTLE)),
        Shape("map with a timeout, gates opened in reverse, iterated",
              (_create(2), _map((True, True), True), _open(1), _SETTLE, _open(0), nxt, nxt)),
        Shape("map never iterated, dropped while its items are queued",
              (_create(1), _submit(gated=True), _map((False, False), False), close, _open(), _SETTLE)),
        Shape("map iterated once, dropped with an item running and one queued",
              (_create(1), _map((False, True), False, (_R, _R, _R)), _SETTLE, nxt, close, _open(), _SETTLE)),
        Shape("map left alone, the executor shut down",
              (_create(1), _map((False, False), False), ("shutdown", {"wait": True, "cancel": False}))),
        # EXE-MAP-TIMEOUT, AC-TIMEOUT: a next() made after the deadline gives up at once (the
        # deadline counts from the call, so the time already spent counts)
        Shape("map with a timeout, next after its deadline", (_create(1), _map((True, True), True), _SETTLE, nxt)),
        Shape("as_completed-timeout on a queued future, next after its deadline",
              (_create(1), _submit(gated=True), ("as_completed", {"ns": [0], "timeout": _FIN}), _SETTLE,
               ("as_completed_next", {"n": 0}), _SETTLE)),
    ]


def _done_shapes() -> list[Shape]:
    done = (_create(2), _submit(), _submit(_E), _SETTLE)
    return [
        Shape("add_done_callback on a done future", (*done, ("add_done_callback", {"n": 0, "raising": False}))),
        Shape("a raising callback, then another", (_create(1), _submit(gated=True),
                                                   ("add_done_callback", {"n": 0, "raising": True}),
                                                   ("add_done_callback", {"n": 0, "raising": False}), _open(), _SETTLE)),
        Shape("as_completed with a duplicate", (*done, ("as_completed", {"ns": [0, 0, 1], "timeout": _NONE}),
                                                ("as_completed_next", {"n": 0}), ("as_completed_next", {"n": 0}),
                                                ("as_completed_next", {"n": 0}))),
        Shape("wait with a duplicate", (*done, ("wait", {"ns": [0, 0], "when": ReturnWhen.ALL_COMPLETED,
                                                          "timeout": _ZERO}))),
        # WAIT-DUPLICATES-DONE: a done future given twice must not hold wait() up (3.8 blocks)
        *[Shape(f"wait {when.value} with a timeout, a done future given twice",
                (*done, ("wait", {"ns": [0, 0], "when": when, "timeout": _FIN}), _SETTLE))
          for when in (ReturnWhen.ALL_COMPLETED, ReturnWhen.FIRST_EXCEPTION)],
        Shape("wait FIRST_EXCEPTION over a raised and a running one",
              (_create(2), _submit(_E), _submit(gated=True), _SETTLE,
               ("wait", {"ns": [0, 1], "when": ReturnWhen.FIRST_EXCEPTION, "timeout": _NONE}))),
        Shape("results of done futures, with each timeout", (*done, _fcall(0, "result", _ZERO), _fcall(1, "result"),
                                                             _fcall(1, "exception", _FIN), _fcall(0, "cancel"))),
        Shape("a bare future set and read", (_create(1), ("new_future", {}), ("bare_call", {"n": 0, "what": "srnc"}),
                                             ("bare_call", {"n": 0, "what": "set_result"}), _fcall(0, "result"))),
    ]


def _init_shapes() -> list[Shape]:
    out = []
    for base in (False, True):
        out.append(Shape(f"an initializer that raises ({'BaseException' if base else 'Exception'})",
                         (_create(1, InitKind.FAILS, base), _submit(), _SETTLE, _fcall(0, "exception"), _submit())))
    out.append(Shape("an initializer that raises, the executor dropped before it ran",
                     (_create(1, InitKind.FAILS), _submit(), _submit(), ("drop_executor", {}), _SETTLE),
                     schedules=_WINDOW))
    out.append(Shape("an initializer with initargs", (_create(2, InitKind.OK, initargs=(7, 8)), _submit(), _SETTLE)))
    for kind in (_E, TaskKind.RAISES_FALSY):
        out.append(Shape(f"a task that {kind.value}, then more work on one worker",
                         (_create(1), _submit(kind), _SETTLE, _submit(), _submit(), _SETTLE)))
    out.append(Shape("the default max_workers, all busy", (_create(None), *[_submit(gated=True)] * 6, _SETTLE)))
    out.append(Shape("three workers, more tasks than workers", (_create(3), *[_submit(gated=True)] * 4, _SETTLE,
                                                                _open(), _SETTLE)))
    return out


def _deadlock_shapes() -> list[Shape]:
    """The docs' two deadlocks, which end the example as the documented hazard, and their
    near misses, which must not hang (a free worker, a bare future the client sets)."""
    return [
        Shape("a task waiting on the call queued behind it, one worker (DL-SELF-SUBMIT-SINGLE-WORKER)",
              (_create(1), _waits(), _SETTLE, _submit(), _SETTLE)),
        Shape("two tasks waiting on each other, two workers (DL-MUTUAL-WAIT)",
              (_create(2), _waits(), _waits(0), _SETTLE)),
        Shape("a task waiting on the call queued behind it, a worker free: both finish",
              (_create(2), _waits(), _submit(), _SETTLE, _fcall(0, "result"))),
        Shape("a task waiting on a running call holds its worker: a new call gets another",
              (_create(3), _submit(gated=True), _waits(0), _SETTLE, _submit(), _SETTLE, _open(), _SETTLE)),
        Shape("a task waiting on a bare future the client sets",
              (_create(1), ("new_future", {}), _waits(0), _SETTLE, ("bare_call", {"n": 0, "what": "set_result"}),
               _SETTLE, _fcall(1, "result"))),
    ]


def _api_shapes() -> list[Shape]:
    """Every case of the API surface (model/api.py) in turn, beside a pool that is idle, then
    beside one whose worker is busy and whose queue holds a call (the cases must leave both alone)."""
    from execspec.model.api import CASES

    cases = [("api_case", {"case": name}) for name in CASES]
    return [
        Shape("every API case, the pool idle", (_create(1), *cases, _submit(), _SETTLE)),
        Shape("every API case, a call running and one queued",
              (_create(1), _submit(gated=True), _submit(), *cases, _open(), _SETTLE, _fcall(1, "result"))),
    ]


def _bare_shapes() -> list[Shape]:
    """Calls on a bare future that is not pending: every set and srnc on a cancelled, a running
    and a finished one, cancel twice, and callbacks added to each (issue 9, gap "bare")."""
    made: tuple[Step, ...] = (_create(1), ("new_future", {}))
    reads = (_fcall(0, "query"), _fcall(0, "result"), _fcall(0, "exception"), _cb(0))
    out = [Shape(f"a bare future cancelled twice, then {what}",
                 (*made, _fcall(0, "cancel"), _fcall(0, "cancel"), _bare(what), *reads))
           for what in ("set_result", "set_exception", "srnc")]
    out.append(Shape("a bare future running: srnc again, cancel, set_exception, srnc, set_result",
                     (*made, _bare("srnc"), _cb(0), _bare("srnc"), _fcall(0, "cancel"), _bare("set_exception"),
                      _bare("srnc"), _bare("set_result"), *reads)))
    for what in ("set_result", "set_exception"):
        out.append(Shape(f"a bare future {what}, then every call again",
                         (*made, _cb(0), _bare(what), *reads, _bare("srnc"), _bare("set_result"),
                          _bare("set_exception"), _fcall(0, "cancel"), _fcall(0, "query"))))
    return out


def _multi_shapes() -> list[Shape]:
    """wait() and as_completed() blocked on two or three futures that finish apart, some done
    before the call, one raising among them (issue 9, gaps "multi" and "waitnone")."""
    out = []
    for when in ReturnWhen:
        for timeout in (_NONE, _FIN):
            for first in (_R, _E):
                out.append(Shape(f"wait {when.name} ({timeout.name}) over two running futures, the first "
                                 f"{first.value}",
                                 (_create(2), _submit(first, gated=True), _submit(gated=True),
                                  _wait([0, 1], when, timeout), _open(), _SETTLE, _open(), _SETTLE)))
        out.append(Shape(f"wait {when.name} over three running futures, the middle one raises",
                         (_create(3), _submit(gated=True), _submit(_E, gated=True), _submit(gated=True),
                          _wait([0, 1, 2], when), _open(1), _SETTLE, _open(), _SETTLE, _open(), _SETTLE)))
        for done in (_R, _E):
            out.append(Shape(f"wait {when.name} over one that {done.value} and one running",
                             (_create(2), _submit(done), _submit(gated=True), _SETTLE, _wait([0, 1], when),
                              _open(), _SETTLE)))
            out.append(Shape(f"wait {when.name} (NONE) over done ones, one {done.value}",  # "waitnone"
                             (_create(2), _submit(), _submit(done), _SETTLE, _wait([0, 1], when))))
    nxt: Step = ("as_completed_next", {"n": 0})
    for timeout in (_NONE, _FIN):
        out.append(Shape(f"as_completed ({timeout.name}) over two running futures, next() blocking twice",
                         (_create(2), _submit(gated=True), _submit(gated=True),
                          ("as_completed", {"ns": [0, 1], "timeout": timeout}), nxt, _open(), _SETTLE, nxt, _open(),
                          _SETTLE)))
    out.append(Shape("as_completed over a done one and a running one, next() twice",
                     (_create(2), _submit(), _submit(gated=True), _SETTLE,
                      ("as_completed", {"ns": [0, 1], "timeout": _NONE}), nxt, nxt, _open(), _SETTLE, nxt)))
    return out


def _nesting_shapes() -> list[Shape]:
    """A callback that adds another to its own future when it is called (FUT-CB-ALREADY-DONE
    from inside a callback), on a future that finishes, is cancelled, or is done already."""
    def nest(fid: int) -> Step:
        return "add_nesting_callback", {"n": fid}

    return [
        Shape("a nesting callback behind a plain one, the call finishing",
              (_create(1), _submit(gated=True), _cb(0), nest(0), _open(), _SETTLE)),
        Shape("a nesting callback on a queued future, then cancel",
              (_create(1), _submit(gated=True), _submit(), nest(1), _fcall(1, "cancel"), _open(), _SETTLE)),
        Shape("a nesting callback on a done future", (_create(1), _submit(), _SETTLE, nest(0), _SETTLE)),
        Shape("a nesting callback on a bare future, then set_result",
              (_create(1), ("new_future", {}), nest(0), _bare("set_result"), _SETTLE)),
    ]


def _gap_shapes() -> list[Shape]:
    """Small shapes the mutation run of impl found unreached (issue 9): two waiters on one future,
    waits over a cancelled future, callbacks on cancelled ones, a broken pool with a cancelled call
    queued, an idle worker's count, interpreter exit."""
    queued = (_create(1), _submit(gated=True), _submit())
    ac: tuple[Step, ...] = (("as_completed", {"ns": [1], "timeout": _NONE}), ("as_completed_next", {"n": 0}))
    out = [
        # twowaiters: the one that times out (at the first settle) must leave the other parked
        Shape("result() and result(timeout) on one running future",
              (_create(1), _submit(gated=True), _fcall(0, "result"), _fcall(0, "result", _FIN), _SETTLE, _open(),
               _SETTLE)),
        Shape("result(timeout) and result() on one running future",
              (_create(1), _submit(gated=True), _fcall(0, "result", _FIN), _fcall(0, "result"), _SETTLE, _open(),
               _SETTLE)),
        Shape("result() and wait(timeout) on one running future",
              (_create(1), _submit(gated=True), _fcall(0, "exception"),
               _wait([0], ReturnWhen.ALL_COMPLETED, _FIN), _SETTLE, _open(), _SETTLE)),
        # accancel
        Shape("as_completed over a cancelled future", (*queued, _fcall(1, "cancel"), *ac, _open(), _SETTLE)),
        Shape("wait over a cancelled future", (*queued, _fcall(1, "cancel"),
                                               _wait([1], ReturnWhen.ALL_COMPLETED), _open(), _SETTLE)),
        # cbcancel
        Shape("add_done_callback on a cancelled future", (*queued, _fcall(1, "cancel"), _cb(1), _open(), _SETTLE)),
        Shape("add_done_callback on a queued future, then shutdown(cancel_futures=True)",
              (*queued, _cb(1), ("shutdown", {"wait": False, "cancel": True}), _open(), _SETTLE)),
        Shape("add_done_callback on a queued future, the initializer fails",
              (_create(1, InitKind.FAILS), _submit(), _submit(), _cb(1), _SETTLE)),
        # brokencancel
        Shape("an initializer that raises, the second call cancelled before the pool breaks",
              (_create(1, InitKind.FAILS), _submit(), _submit(), _fcall(1, "cancel"), _SETTLE, _fcall(1, "query"),
               _fcall(1, "result")), schedules=_WINDOW),
        # TPE-INITIALIZER-FAILS-CANCELLED: CPython's drain dies at the cancelled call (a divergence)
        Shape("an initializer that raises, the middle one of three calls cancelled before the pool breaks",
              (_create(1, InitKind.FAILS), _submit(), _submit(), _submit(), _fcall(1, "cancel"), _SETTLE,
               _fcall(2, "query"), _fcall(2, "result", _FIN), _SETTLE), schedules=_WINDOW),
        # idle: a worker that finished counts once as idle, and is handed one call
        Shape("two workers, one idle after its task, then a running call and another",
              (_create(2), _submit(), _SETTLE, _submit(gated=True), _submit(), _SETTLE, _open(), _SETTLE)),
        Shape("two workers, one idle after a task with a callback, then a running call and another",
              (_create(2), _submit(gated=True), _cb(0), _open(), _SETTLE, _submit(gated=True), _submit(), _SETTLE,
               _open(), _SETTLE)),
        # exit
        Shape("interpreter exit with the pool idle", (_create(1), _submit(), _SETTLE, ("interpreter_exit", {}),
                                                       _fcall(0, "result")), shim_only=True),
        Shape("interpreter exit with a call running and one queued",
              (_create(1), _submit(gated=True), _submit(), _open(), ("interpreter_exit", {}), _SETTLE,
               _fcall(1, "result")), shim_only=True),
    ]
    return out


def _counting_shapes() -> list[Shape]:
    """The API cases that count threads while calls overlap, under the simplest interleaving
    first (the client runs while it can, so a pool's new threads begin only once it waits), then
    a seeded one. Last in SHAPES, so the shapes before keep their schedule seeds."""
    from execspec.model.api import CASES

    counting = [("api_case", {"case": name}) for name in CASES if name.startswith(("threads-", "shutdown-"))]
    return [Shape("the API cases that count threads", (_create(1), *counting, _SETTLE), schedules=2,
                  shim_only=True)]


def _late_gap_shapes() -> list[Shape]:
    """More shapes the mutation run of impl found unreached (issue 9, gaps "time", "race",
    "mixed", "exit"), after every other so that theirs keep their schedule seeds: a next() half
    a second either side of its deadline, the client pausing in between; two narrow windows of
    a pool's threads; a stdlib future beside the target's; a pool made after exit began, and
    workers that are daemon threads at exit."""
    return [
        *[Shape(f"as_completed-timeout on a running future, next {when} its deadline",
                (_create(1), _submit(gated=True), ("as_completed", {"ns": [0], "timeout": _FIN}),
                 *[("pause", {"seconds": p}) for p in pauses], ("as_completed_next", {"n": 0}), _SETTLE),
                shim_only=True)
          for when, pauses in (("0.5 s before", (4.5,)), ("0.5 s after", (4.5, 1.0)))],
        # race (seeds pinned where few reach the window; these reach it twice): a future done
        # while next(), its deadline passed, passes through the futures' locks to look for news a
        # second time (49 of 256 seeds reach it, only 48 in both seeded interleavings); a submit
        # landing between a finishing worker's two looks at the queue (the pool at 2 of 3 threads,
        # about 1 seed in 25)
        Shape("as_completed-timeout on a running future past its deadline, the gate opened, then next",
              (_create(1), _submit(gated=True), ("as_completed", {"ns": [0], "timeout": _FIN}), _SETTLE, _open(),
               ("as_completed_next", {"n": 0}), _SETTLE), schedules=3, seed=48),
        Shape("three workers, a call submitted while the first one finishes, then two more",
              (_create(3), _submit(), _submit(gated=True), _submit(gated=True), _submit(), _SETTLE, _open(),
               _open(), _SETTLE), schedules=3, seed=179),
        # mixed: a bare future of the stdlib's class beside the target's (the same where it is the stdlib)
        Shape("wait FIRST_COMPLETED over a running call and a stdlib future, the stdlib one set",
              (_create(1), ("new_future", {"foreign": True}), _submit(gated=True),
               _wait([1, 0], ReturnWhen.FIRST_COMPLETED), _bare("set_result"), _SETTLE, _open(), _SETTLE)),
        Shape("as_completed over a done stdlib future and a running call, next() twice",
              (_create(1), ("new_future", {"foreign": True}), _bare("set_result"), _submit(gated=True),
               ("as_completed", {"ns": [1, 0], "timeout": _NONE}), ("as_completed_next", {"n": 0}),
               ("as_completed_next", {"n": 0}), _open(), _SETTLE)),
        Shape("interpreter exit, then a pool made anew and a submit (TPE-SUBMIT-AFTER-EXIT)",
              (_create(1), _submit(), _SETTLE, ("interpreter_exit", {}), ("api_case", {"case": "submit-after-exit"})),
              shim_only=True),
        Shape("interpreter exit with two calls queued by a daemon thread (the workers are daemons)",
              (_create(1), ("submit", {"kind": _R, "gated": False, "on_thread": True}),
               ("submit", {"kind": _R, "gated": False, "on_thread": True}), ("interpreter_exit", {}),
               _fcall(1, "query")), shim_only=True, schedules=3, seed=20),  # (1 seed in 5 reaches it)
    ]


def _fork_shapes() -> list[Shape]:
    """A fork (TPE-FORK) right after the machine's pool is made, under eight interleavings (so
    that the workers gone in the child held the module's locks at different moments); the
    machine's pool, idle, is shut down in the child at the end."""
    return [Shape("a fork while a pool's workers run, then a pool in the child",
                  (_create(1), ("api_case", {"case": "fork-new-pool"}), _SETTLE), shim_only=True, schedules=8,
                  seed=300)]


def _handoff_shapes() -> list[Shape]:
    """The API case threads-idle-after-a-handoff (TPE-IDLE-REUSE) on two pinned interleavings
    that reach its window: a new worker begins just after the first worker took the call it was
    started for (impl before 12a9630 showed a third thread on 9 of 256 seeds, these two among
    them; CPython and impl since, on none)."""
    return [Shape(f"the API case threads-idle-after-a-handoff, interleaving {k} of 2",
                  (_create(1), ("api_case", {"case": "threads-idle-after-a-handoff"}), _SETTLE), shim_only=True,
                  seed=seed) for k, seed in ((1, 12), (2, 51))]


SHAPES: tuple[Shape, ...] = tuple(_waiting_shapes() + _shutdown_shapes() + _map_shapes() + _done_shapes()
                                  + _init_shapes() + _deadlock_shapes() + _api_shapes()
                                  + _bare_shapes() + _multi_shapes() + _gap_shapes() + _nesting_shapes()
                                  + _counting_shapes() + _late_gap_shapes() + _fork_shapes() + _handoff_shapes())


__all__ = ["SHAPES", "Shape"]
