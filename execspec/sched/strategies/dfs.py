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

The runtime asks only when two or more operations are enabled, so nodes are *decisions*; the
steps in between (one thread enabled) are not seen while running. Two consequences, both
handled: a switch right after such a forced step is not counted as a preemption (who ran last is
unknown), and a node after a gap starts with an empty sleep set — during a forced step every
enabled thread but one is blocked, so any sleeper was the one that ran. DPOR needs every step;
the driver hands the full list of operations to ``observe`` before ``end_execution``.

Open question: with a preemption bound, a reduction may prune a schedule whose only bounded
equivalent was itself cut by the bound (Coons et al., OOPSLA 2013): an explored sibling ``p``
stands for a later sibling's schedules that run ``p`` later, but reaching them from ``p`` first
takes one more preemption. Against full enumeration of random programs, bounded sleep sets
lost a bounded trace class in 67 of 450 (program, bound) pairs (a stricter rule: 6, but 4-30x
larger searches). Bounded and reduced search is a bug-finding heuristic (as in loom);
unbounded and reduced search, the default, is complete.

>>> from execspec.sched.kernel.op import Op
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

import enum
from dataclasses import dataclass, field
from typing import Sequence, Union

from execspec import config
from execspec.sched.kernel.op import Op

REDUCTIONS = ("none", "sleep", "dpor")
BOUND_ENV = config.PREEMPTION_BOUND


class _FromEnv(enum.Enum):
    """``preemption_bound`` not given: ``$EXECSPEC_PREEMPTION_BOUND`` (if set) decides.
    Distinct from ``None``, an unbounded search even when the variable is set."""

    FROM_ENV = "from the environment"


FROM_ENV = _FromEnv.FROM_ENV
Bound = Union[int, None, _FromEnv]


def resolve_bound(bound: Bound) -> int | None:
    """The preemption bound to use: ``bound`` itself, or for ``FROM_ENV`` the environment's.

    pre: ``bound`` is FROM_ENV, None (unbounded) or an int >= 0.
    post: the result is None or an int >= 0; anything else raises ValueError saying what to do.

    >>> resolve_bound(None) is None, resolve_bound(2)
    (True, 2)
    """
    if bound is FROM_ENV:
        return config.preemption_bound()
    if bound is None:
        return None
    if isinstance(bound, bool) or not isinstance(bound, int):
        raise ValueError(f"preemption_bound must be an int >= 0, or None for an unbounded "
                         f"search; got {bound!r}")
    if bound < 0:
        raise ValueError(f"preemption_bound must be >= 0 (0: no preemptions at all), or None "
                         f"for an unbounded search; got {bound}")
    return bound


class NondeterministicScenario(RuntimeError):
    """Replaying a DFS prefix saw different enabled threads than the first time."""


@dataclass
class _Node:
    """One scheduling point on the current path."""

    enabled: tuple[Op, ...]
    step: int                   # the runtime's step number of this decision
    chosen: int                 # thread id run here on the current path
    prev: int | None            # thread that ran the step before (None: root, or unknown)
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

    def __init__(self, *, preemption_bound: Bound = FROM_ENV, reduction: str = "sleep",
                 prefix: Sequence[_Node] = ()) -> None:
        """``preemption_bound``: an int >= 0; None for an unbounded (complete) search; not
        given: ``$EXECSPEC_PREEMPTION_BOUND`` if set, else unbounded."""
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
        self.preemption_bound = resolve_bound(preemption_bound)
        self.reduction = reduction
        self.seed = 0  # DFS is deterministic; kept so every strategy records a seed
        self._path: list[_Node] = list(prefix)
        self._frozen = len(self._path)  # prefix nodes are never backtracked (split units)
        self._depth = 0
        self._prev: int | None = None
        self._last_step = -1
        self._trace: list[Op] | None = None  # every step of the current execution (observe)
        self._used = 0
        self._blocked = False
        self._trusted = 1 << 60
        self._started = False
        self.execution = -1
        self.transitions = 0  # scheduling decisions taken over all executions ("states")
        self.redundant = 0    # executions that ended sleep-set blocked
        self.error: NondeterministicScenario | None = None  # raised by end_execution

    def begin_execution(self) -> bool:
        if self._started and len(self._path) <= self._frozen:
            return False
        self._started = True
        self.execution += 1
        self._depth = 0
        self._prev = None
        self._last_step = -1
        self._trace = None
        self._used = 0
        self._blocked = False
        self._trusted = 1 << 60  # nodes from here on are in a sleep-blocked (redundant) run
        return True

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        i = self._depth
        self._depth = i + 1
        self.transitions += 1
        gap = step != self._last_step + 1
        self._last_step = step
        if gap:
            self._prev = None  # forced steps ran in between: who ran last is unknown
        if i < len(self._path):
            node = self._path[i]
            if node.step != step or tuple(enabled) != node.enabled:
                return self._diverged(node, enabled, step)
            idx = next(k for k, op in enumerate(enabled) if op.thread == node.chosen)
        else:
            node = self._new_node(tuple(enabled), step, gap)
            self._path.append(node)
            idx = next(k for k, op in enumerate(enabled) if op.thread == node.chosen)
        if node.costs_preemption(node.chosen):
            self._used += 1
        self._prev = node.chosen
        return idx

    def _diverged(self, node: _Node, enabled: Sequence[Op], step: int) -> int:
        """Replaying the path met different operations: record it, finish without branching."""
        if self.error is None:
            self.error = NondeterministicScenario(
                f"DFS replayed the same choices but at step {step} saw {_ops(enabled)} where "
                f"the first run saw {_ops(node.enabled)} at step {node.step}: the scenario is "
                "not deterministic under the shim (real threads or time, randomness, or "
                "iteration over a set of objects hashed by address?)")
        del self._path[self._depth - 1:]
        self._blocked = True
        self._prev = enabled[0].thread
        return 0

    def _new_node(self, enabled: tuple[Op, ...], step: int, gap: bool) -> _Node:
        sleep: dict[int, Op] = {}
        if self.reduction != "none" and self._path and not self._blocked:
            sleepers = _still_asleep(self._path[-1])
            if gap and sleepers:
                # A forced step ran while a sleeper was enabled: only the sleeper itself
                # could have been the one enabled thread, so its sleeping op ran.
                self._blocked = True
                self._trusted = len(self._path)
            elif not gap:
                current = {op.thread: op for op in enabled}
                sleep = {op.thread: op for op in sleepers if current.get(op.thread) == op}
        node = _Node(enabled, step, enabled[0].thread, self._prev, self._used, sleep)
        allowed = [] if self._blocked else [
            op.thread for op in enabled
            if op.thread not in sleep and self._within_bound(node, op.thread)]
        if not allowed:
            # Sleep-set blocked (or nothing left within the bound): this execution is
            # equivalent to one already explored; finish it without branching.
            if not self._blocked:
                self._trusted = len(self._path) + 1
            self._blocked = True
            threads = [op.thread for op in enabled]
            node.chosen = node.prev if node.prev in threads else threads[0]
            return node
        if node.prev in allowed:  # run on without a context switch first
            allowed.remove(node.prev)
            allowed.insert(0, node.prev)
        node.chosen = allowed[0]
        if self.reduction != "dpor":
            node.todo = allowed[1:]
        return node

    def observe(self, ops: Sequence[Op]) -> None:
        """The operation run at every step of the execution that just ended (for DPOR)."""
        self._trace = list(ops)

    def _within_bound(self, node: _Node, thread: int) -> bool:
        bound = self.preemption_bound
        return bound is None or node.preemptions + node.costs_preemption(thread) <= bound

    def end_execution(self, failed: bool) -> None:
        if self.error is not None:
            raise self.error
        path = self._path[: self._depth]
        if (not self._blocked and self.reduction != "none" and path and self._trace is not None
                and len(self._trace) > path[-1].step and _still_asleep(path[-1])):
            self._blocked = True  # the forced steps after the last decision ran a sleeper
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
        # A sleep-blocked execution is redundant from the blocking node on (DPOR with sleep
        # sets would abort it there): no races are taken from, or added to, that part.
        path = self._path[: min(self._depth, self._trusted)]
        node_at = {node.step: j for j, node in enumerate(path)}
        trace = self._trace
        if trace is None:  # not observed: every step was a decision (or nothing better known)
            trace = [node.op_of(node.chosen) for node in path]
            node_at = {k: j for j, k in enumerate(range(1, len(path) + 1))}
        if self._trusted < self._depth:
            trace = trace[: self._path[self._trusted].step - 1]
            failed = False
        first = path[0].step if path else 1
        clocks: dict[int, dict[int, int]] = {}    # thread -> vector clock
        history: dict[int, list[tuple[int, int, dict[int, int]]]] = {}  # obj -> [(step, thread, clock)]
        local: dict[int, int] = {}                # step -> its index within its thread
        ran: dict[int, int] = {}                  # step -> thread
        for k, op in enumerate(trace, start=1):
            j = node_at.get(k)
            newcomers = [o.thread for o in path[j].enabled] if j is not None else []
            for t in (*newcomers, op.thread):
                if t not in clocks:  # first seen: started by whoever ran just before
                    clocks[t] = dict(clocks[ran[k - 1]]) if k - 1 in ran else {}
            p = op.thread
            clock = clocks[p]
            if op.obj is not None:
                accesses = history.setdefault(op.obj, [])
                for i, q, _ in reversed(accesses):
                    if clock.get(q, 0) >= local[i]:
                        break  # ordered before k, and so is everything earlier on this object
                    if q != p:
                        self._race(node_at, i, p)
                if accesses:
                    for t, c in accesses[-1][2].items():
                        if clock.get(t, 0) < c:
                            clock[t] = c
            clock[p] = clock.get(p, 0) + 1
            local[k] = clock[p]
            ran[k] = p
            if op.obj is not None:
                history[op.obj].append((k, p, dict(clock)))
        if failed:
            for thread, known in clocks.items():
                for k, q in ran.items():
                    if k >= first and q != thread and known.get(q, 0) < local[k]:
                        self._race(node_at, k, thread)

    def _race(self, node_at: dict[int, int], step: int, thread: int) -> None:
        j = node_at.get(step)
        if j is not None:  # a forced step has no alternative to add
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
                "preemption_bound": "none" if self.preemption_bound is None else self.preemption_bound}

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


def _ops(ops: Sequence[Op]) -> str:
    return "[" + ", ".join(f"{op.thread}:{op.label or op.kind}#{op.obj}" for op in ops) + "]"


def _still_asleep(parent: _Node) -> list[Op]:
    """Ops asleep at ``parent`` or explored there before, that its chosen op leaves asleep."""
    ran = parent.op_of(parent.chosen)
    return [op for op in (*parent.sleep.values(), *parent.done) if not op.conflicts_with(ran)]


def _copy(node: _Node, *, todo: bool = True) -> _Node:
    return _Node(node.enabled, node.step, node.chosen, node.prev, node.preemptions, dict(node.sleep),
                 list(node.todo) if todo else [], list(node.done))
