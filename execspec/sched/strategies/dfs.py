"""Exhaustive depth-first search over schedules, with a preemption bound and a reduction.

Stateless: every execution re-runs the program from the start, replaying the current path and
extending it with default choices; ``end_execution`` backtracks to the deepest node with an
alternative left. A *preemption* is running another thread while the previous one is still
enabled; ``preemption_bound`` caps them per execution (CHESS's iterative context bounding:
most concurrency bugs need very few).

Reductions (``reduction=``), all relying only on ``Op.conflicts_with``:

``"none"``   every interleaving.
``"sleep"``  sleep sets (Godefroid): after exploring op ``p`` at a node, ``p`` sleeps in its
             later siblings' subtrees until something conflicting with it runs. Complete
             executions then cover each Mazurkiewicz trace exactly once; an execution whose
             enabled ops are all asleep is *redundant* — the runtime cannot abort it, so it runs
             to the end without branching and is counted in ``redundant``.
``"dpor"``   dynamic partial-order reduction (Flanagan & Godefroid, POPL 2005) with sleep sets:
             alternatives are added only where a race was seen (vector clocks over threads and
             objects). A thread first enabled after step ``s`` inherits the clock of the thread
             that ran ``s`` (it was started, or released, by it).

Open question: with a preemption bound, sleep sets and DPOR may prune a schedule whose only
bounded equivalent was itself pruned (Coons et al., OOPSLA 2013); bounded + reduced search is a
heuristic, unbounded + reduced search is complete.

>>> from execspec.sched.strategy import Op
>>> s = DFSStrategy()
>>> count = 0
>>> while s.begin_execution():
...     _ = s.choose([Op(0, "yield"), Op(1, "yield")], 0)
...     s.end_execution(False)
...     count += 1
>>> count
2
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Sequence

from execspec.sched.strategy import Op

REDUCTIONS = ("none", "sleep", "dpor")
BOUND_ENV = "EXECSPEC_PREEMPTION_BOUND"


class NondeterministicScenario(RuntimeError):
    """Replaying a DFS prefix saw different enabled threads than the first time."""


@dataclass
class _Node:
    """One scheduling point on the current path."""

    enabled: tuple[Op, ...]
    chosen: int                 # thread id run here on the current path
    prev: int | None            # thread that ran the step before (None at the root)
    preemptions: int            # preemptions used before this node
    sleep: dict[int, Op]        # asleep on entry: thread -> its (unchanged) next op
    todo: list[int] = field(default_factory=list)  # alternatives left, in serial order
    done: list[Op] = field(default_factory=list)   # explored before `chosen`; they sleep below

    def op_of(self, thread: int) -> Op:
        for op in self.enabled:
            if op.thread == thread:
                return op
        raise KeyError(thread)

    def costs_preemption(self, thread: int) -> bool:
        return self.prev is not None and thread != self.prev and any(
            op.thread == self.prev for op in self.enabled)


class DFSStrategy:
    """Depth-first enumeration of schedules, optionally bounded and reduced (see module doc)."""

    name = "dfs"

    def __init__(self, *, preemption_bound: int | None = None, reduction: str = "sleep",
                 prefix: Sequence[_Node] = ()) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
        if preemption_bound is None and BOUND_ENV in os.environ:
            preemption_bound = int(os.environ[BOUND_ENV])
        self.preemption_bound = preemption_bound
        self.reduction = reduction
        self.seed = 0  # DFS is deterministic; kept so every strategy records a seed
        self._path: list[_Node] = list(prefix)
        self._frozen = len(self._path)  # prefix nodes are never backtracked (split units)
        self._depth = 0
        self._prev: int | None = None
        self._used = 0
        self._blocked = False
        self._started = False
        self.execution = -1
        self.transitions = 0  # scheduling decisions taken over all executions ("states")
        self.redundant = 0    # executions that ended sleep-set blocked

    def begin_execution(self) -> bool:
        if self._started and len(self._path) <= self._frozen:
            return False
        self._started = True
        self.execution += 1
        self._depth = 0
        self._prev = None
        self._used = 0
        self._blocked = False
        return True

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        i = self._depth
        self._depth = i + 1
        self.transitions += 1
        if i < len(self._path):
            node = self._path[i]
            for idx, op in enumerate(enabled):
                if op.thread == node.chosen:
                    break
            else:
                raise NondeterministicScenario(
                    f"at step {i} the schedule runs thread {node.chosen}, but only threads "
                    f"{[op.thread for op in enabled]} are enabled: the scenario is not "
                    "deterministic under the shim (real threads, real time or randomness?)")
            if node.costs_preemption(node.chosen):
                self._used += 1
            self._prev = node.chosen
            return idx
        node = self._new_node(tuple(enabled))
        self._path.append(node)
        if node.costs_preemption(node.chosen):
            self._used += 1
        self._prev = node.chosen
        return next(k for k, op in enumerate(enabled) if op.thread == node.chosen)

    def _new_node(self, enabled: tuple[Op, ...]) -> _Node:
        sleep: dict[int, Op] = {}
        if self.reduction != "none" and self._path and not self._blocked:
            parent = self._path[-1]
            ran = parent.op_of(parent.chosen)
            current = {op.thread: op for op in enabled}
            for asleep in (*parent.sleep.values(), *parent.done):
                if not asleep.conflicts_with(ran) and current.get(asleep.thread) == asleep:
                    sleep[asleep.thread] = asleep
        node = _Node(enabled, enabled[0].thread, self._prev, self._used, sleep)
        allowed = [] if self._blocked else [
            op.thread for op in enabled if op.thread not in sleep and self._within_bound(node, op.thread)]
        if not allowed:
            # Sleep-set blocked (or nothing left within the bound): this execution is
            # equivalent to one already explored; finish it without branching.
            self._blocked = True
            node.chosen = node.prev if node.prev in {op.thread for op in enabled} else enabled[0].thread
            return node
        if node.prev in allowed:  # run on without a context switch first
            allowed.remove(node.prev)
            allowed.insert(0, node.prev)
        node.chosen = allowed[0]
        if self.reduction != "dpor":
            node.todo = allowed[1:]
        return node

    def _within_bound(self, node: _Node, thread: int) -> bool:
        bound = self.preemption_bound
        return bound is None or node.preemptions + node.costs_preemption(thread) <= bound

    def end_execution(self, failed: bool) -> None:
        if self._blocked:
            self.redundant += 1
        if self.reduction == "dpor":
            self._add_race_alternatives(failed)
        del self._path[self._depth:]  # an execution may end before a replayed prefix's end
        path = self._path
        while len(path) > self._frozen:
            node = path[-1]
            if node.todo:
                node.done.append(node.op_of(node.chosen))
                node.chosen = node.todo.pop(0)
                return
            path.pop()

    def _add_race_alternatives(self, failed: bool) -> None:
        """DPOR: for each race (j, i), make the racing thread an alternative at node j.

        Every earlier access to the object not already ordered before step i counts, not only
        the last one: a release of a lock cannot be swapped with the next acquire, but the
        acquire before it can (the usual DPOR treatment of blocking operations).

        The contract shows only *enabled* operations, so when an execution fails (a deadlock
        among them) the operations threads are stuck on are unknown: each thread's pending
        operation is then assumed to conflict with every step not ordered before it.
        """
        clocks: dict[int, dict[int, int]] = {}    # thread -> vector clock
        history: dict[int, list[tuple[int, int, dict[int, int]]]] = {}  # obj -> [(step, thread, clock)]
        local: list[int] = []                     # step -> its index within its thread
        for i, node in enumerate(self._path[: self._depth]):
            for seen in node.enabled:
                if seen.thread not in clocks:  # first seen: started by whoever ran just before
                    clocks[seen.thread] = dict(clocks[self._path[i - 1].chosen]) if i else {}
            op = node.op_of(node.chosen)
            p = op.thread
            clock = clocks[p]
            if op.obj is not None:
                accesses = history.setdefault(op.obj, [])
                for j, q, _ in reversed(accesses):
                    if clock.get(q, 0) >= local[j]:
                        break  # ordered before i, and so is everything earlier on this object
                    if q != p:
                        self._backtrack(j, p)
                if accesses:
                    for t, c in accesses[-1][2].items():
                        if clock.get(t, 0) < c:
                            clock[t] = c
            clock[p] = clock.get(p, 0) + 1
            local.append(clock[p])
            if op.obj is not None:
                history[op.obj].append((i, p, dict(clock)))
        if failed:
            steps = self._path[: self._depth]
            for thread, known in clocks.items():
                for j, step in enumerate(steps):
                    if step.chosen != thread and known.get(step.chosen, 0) < local[j]:
                        self._backtrack(j, thread)

    def _backtrack(self, j: int, thread: int) -> None:
        if j < self._frozen:
            return  # belongs to another split unit's ancestors: the serial run explores it
        node = self._path[j]
        threads = [op.thread for op in node.enabled]
        wanted = [thread] if thread in threads else threads
        explored = {node.chosen, *(op.thread for op in node.done)}
        for t in wanted:
            if (t not in explored and t not in node.todo and t not in node.sleep
                    and self._within_bound(node, t)):
                node.todo.append(t)

    def describe(self) -> dict[str, object]:
        """What a schedule file records about the current execution."""
        return {"name": self.name, "execution": self.execution, "reduction": self.reduction,
                "preemption_bound": self.preemption_bound}

    def split(self, parts: int, budget: int) -> list[DFSStrategy]:
        """The rest of the search as independent subtrees, in serial order (not for DPOR).

        Each alternative left on the current path roots one subtree; its prefix carries the
        sleep set it would have had in the serial run, so the union is exactly the serial search.
        """
        if self.reduction == "dpor":
            raise NotImplementedError("DPOR adds alternatives across subtrees; explore it serially")
        if not self._started:  # nothing run yet: the whole search is one unit
            self._started = True
            return [DFSStrategy(preemption_bound=self.preemption_bound, reduction=self.reduction,
                                prefix=self._path)]
        # After a backtrack, the deepest node's `chosen` is the next, not yet run, choice:
        # its subtree comes first, then the alternatives left, deepest level first.
        units: list[DFSStrategy] = []
        base = [_copy(n) for n in self._path]

        def unit(level: int) -> DFSStrategy:
            prefix = [_copy(n, todo=False) for n in base[: level + 1]]
            return DFSStrategy(preemption_bound=self.preemption_bound,
                               reduction=self.reduction, prefix=prefix)

        if len(base) > self._frozen:
            units.append(unit(len(base) - 1))
        for level in range(len(base) - 1, self._frozen - 1, -1):
            node = base[level]
            for t in node.todo:
                node.done.append(node.op_of(node.chosen))
                node.chosen = t
                units.append(unit(level))
            node.todo = []
        del self._path[self._frozen:]  # all remaining work handed out
        return units


def _copy(node: _Node, *, todo: bool = True) -> _Node:
    return _Node(node.enabled, node.chosen, node.prev, node.preemptions, dict(node.sleep),
                 list(node.todo) if todo else [], list(node.done))
