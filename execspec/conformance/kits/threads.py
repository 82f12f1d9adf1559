"""The in-process kit: tasks run in this interpreter (thread pools, and everything under the shim).

It takes the ``threading`` module to build its gates from, so the same kit serves real threads
(``threading``) and the scheduler shim (``env.threading``, where a gate is a controlled Event).
Records are plain lists and dicts: appending is atomic under the GIL, and under the shim only
one thread runs at a time.
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

    def __init__(self, threading: Any, gate_bound: float | None = None) -> None:
        self._threading = threading
        self._gate_bound = gate_bound
        self._kinds: dict[int, TaskKind] = {}
        self._gates: dict[int, Any] = {}
        self._begun: list[int] = []
        self._init_calls: list[tuple[Any, ...]] = []
        self.fn: Callable[[int], int] = self._run

    def prepare(self, fid: int, kind: TaskKind, gated: bool) -> None:
        self._kinds[fid] = kind
        if gated:
            self._gates[fid] = self._threading.Event()

    def _run(self, fid: int) -> int:
        self._begun.append(fid)
        gate = self._gates.get(fid)
        if gate is not None and not gate.wait(self._gate_bound):
            raise RuntimeError(f"execspec harness: task {fid}'s gate was never opened")
        return act(fid, self._kinds[fid])

    def open_gate(self, fid: int) -> None:
        gate = self._gates.get(fid)
        if gate is not None:
            gate.set()

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
        for gate in list(self._gates.values()):
            gate.set()
