"""The in-process kit: tasks run in this interpreter (thread pools, and everything under the shim).

It takes the ``threading`` module to build its gates from, so the same kit serves real threads
(``threading``) and the scheduler shim (``env.threading``, where a gate is a controlled Event).
Records are plain lists and dicts: appending is atomic under the GIL, and under the shim only
one thread runs at a time.

A task of kind ``TaskKind.WAITS`` (the docs' deadlock shapes, DL-*) waits on another future with
``result()``, as a client's task would. The future may not exist yet when the task begins (the
client submits it next), so the task looks it up in the driver's list of futures. Its waits are
bounded (``poll``) so that :meth:`ThreadKit.close` can release a task the pool has deadlocked:
the teardown leaves no thread waiting. The polls do not show: the model sees a task that
returns once its future is done.
"""

from __future__ import annotations

from typing import Any, Callable

from execspec.conformance.kits.base import act
from execspec.model import TaskKind


class ThreadKit:
    """Tasks, gates and probes for executors that run tasks in this process.

    ``gate_bound`` bounds how long a gated task waits for its gate on real threads (None under
    the shim, where time is virtual and a forgotten gate is a reported deadlock instead).
    """

    def __init__(self, threading: Any, gate_bound: float | None = None, poll: float | None = None) -> None:
        self._threading = threading
        self._gate_bound = gate_bound
        # seconds between two looks of a waiting task at its release (virtual under the shim)
        self._poll = poll if poll is not None else (10.0 if gate_bound is None else 0.05)
        self._released = threading.Event()  # set by close(): waiting tasks stop waiting
        self._awaits: dict[int, tuple[int, list[Any]]] = {}  # fid -> (awaited fid, the futures)
        self._kinds: dict[int, TaskKind] = {}
        self._gates: dict[int, Any] = {}
        self._retired: list[Any] = []  # gates of fids prepared again: close() opens them too
        self._begun: list[int] = []
        self._init_calls: list[tuple[Any, ...]] = []
        self.fn: Callable[[int], int] = self._run

    def prepare(self, fid: int, kind: TaskKind, gated: bool) -> None:
        """Task ``fid``'s kind and gate. A fid is prepared again when the submit it was
        prepared for raised (an interrupt, say) after the pool had queued the call: the old
        gate is kept, so that close() still opens it for the call that waits on it."""
        self._kinds[fid] = kind
        old = self._gates.pop(fid, None)
        if old is not None:
            self._retired.append(old)
        if gated:
            self._gates[fid] = self._threading.Event()

    def prepare_wait(self, fid: int, awaits: int, futures: list[Any]) -> None:
        """Say that task ``fid`` (of kind ``TaskKind.WAITS``) waits on ``futures[awaits]``
        (None there: a future the task cannot reach, such as a map item)."""
        self._awaits[fid] = (awaits, futures)

    def _run(self, fid: int) -> int:
        self._begun.append(fid)
        gate = self._gates.get(fid)
        if gate is not None and not gate.wait(self._gate_bound):
            raise RuntimeError(f"execspec harness: task {fid}'s gate was never opened")
        if self._kinds[fid] is TaskKind.WAITS:
            self._wait_on(fid)
        return act(fid, self._kinds[fid])

    def _wait_on(self, fid: int) -> None:
        """Block until the awaited future is done (its outcome does not matter) or close()."""
        k, futures = self._awaits[fid]
        waited = 0.0
        while not self._released.is_set():
            f = futures[k] if k < len(futures) else None
            if f is None:  # not made yet
                self._released.wait(self._poll)
            else:
                try:
                    f.result(self._poll)  # FUT-RESULT-WAITS: the docs' shape
                    return
                except BaseException:  # noqa: BLE001 - cancelled or raised: done all the same
                    if f.done():
                        return
            waited += self._poll
            if self._gate_bound is not None and waited > self._gate_bound:
                raise RuntimeError(f"execspec harness: task {fid} waited on future {k} past the bound")

    def open_gate(self, fid: int) -> None:
        gate = self._gates.get(fid)
        if gate is not None:
            gate.set()

    #: a RUNNING future counts as begun (see Kit.begun_exactly)
    begun_exactly = False

    def wait_begun(self, fid: int, timeout: float) -> bool:
        """Whether task ``fid`` has begun, at once: a record made in this process is never in
        flight (and under the shim no real time may pass)."""
        del timeout
        return fid in self._begun

    def begun(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for fid in list(self._begun):
            counts[fid] = counts.get(fid, 0) + 1
        return counts

    def initializer(self, fails: BaseException | None) -> Callable[..., None]:
        def init(*args: Any) -> None:
            self._init_calls.append(args)
            if fails is not None:
                raise fails

        return init

    def init_calls(self) -> list[tuple[Any, ...]]:
        return list(self._init_calls)

    def close(self) -> None:
        self._released.set()
        for gate in [*self._retired, *self._gates.values()]:
            gate.set()
