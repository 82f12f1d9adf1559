"""Choices drawn from Hypothesis data, so a failing interleaving shrinks to a minimal one.

The choices are drawn in one go when the execution begins — a list of small integers, one per
decision — because the runtime runs executions on a thread of its own, where Hypothesis cannot
draw. Choice 0 (also what follows the end of the list) means "keep running the thread that
ran last", higher numbers mean switching; Hypothesis shrinks lists to short ones and integers
towards 0, so a shrunk schedule is one with as few context switches as the failure allows. Failing choice sequences are stored in
Hypothesis's example database under a key derived from the scenario's name (``key=``, through
``ScenarioDatabase``), and replayed first on the next run.

Inside a Hypothesis test (``data = st.data()``)::

    execution = run_once(scenario, HypothesisStrategy(data))

or, to search and shrink in one call, ``search(run, failed, key=b"my-scenario")`` with
``run(strategy) -> result``; on the real runtime::

    from execspec.sched.explore import run_with
    execution = search(lambda s: run_with(scenario, s), lambda ex: ex.failed, key=b"scenario")

On an abstract program:

>>> from execspec.sched.kernel.op import Op
>>> def run(strategy):
...     strategy.begin_execution()
...     order = [strategy.choose([Op(0, "w"), Op(1, "w")], 0), strategy.choose([Op(0, "w"), Op(1, "w")], 1)]
...     strategy.end_execution(False)
...     return order
>>> search(run, lambda order: order[0] != order[1], key=b"doc", max_examples=50, database=None)
[0, 1]
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence, TypeVar, cast

import hypothesis
import hypothesis.strategies as st
from hypothesis.database import ExampleDatabase

from execspec.sched.kernel.op import Op
from execspec.sched.kernel.protocols import Strategy

R = TypeVar("R")


class HypothesisStrategy:
    """One execution whose choices are a list drawn from Hypothesis data."""

    name = "hypothesis"

    def __init__(self, data: st.DataObject, *, max_decisions: int = 400) -> None:
        self.data = data
        self.max_decisions = max_decisions
        self.seed = 0  # Hypothesis owns the randomness; its seed is in its own report
        self.execution = -1
        self._prev: int | None = None
        self._choices: list[int] = []
        self._at = 0

    def begin_execution(self) -> bool:
        if self.execution >= 0:
            return False
        self.execution = 0
        self._prev = None
        self._choices = self.data.draw(
            st.lists(st.integers(0, 7), max_size=self.max_decisions), label="choices")
        self._at = 0
        return True

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        n = len(enabled)
        if n == 1:
            index = 0
        else:
            # order: the previous thread first (no switch), then the others as given
            order = list(range(n))
            for i, op in enumerate(enabled):
                if op.thread == self._prev:
                    order.insert(0, order.pop(i))
                    break
            at = self._at
            self._at = at + 1
            index = order[self._choices[at] % n if at < len(self._choices) else 0]
        self._prev = enabled[index].thread
        return index

    def end_execution(self, failed: bool) -> None:
        pass

    def describe(self) -> dict[str, object]:
        """What a schedule file records about the current execution."""
        return {"name": self.name, "seed": self.seed}


class _Found(Exception):
    def __init__(self, result: object) -> None:
        super().__init__("failing interleaving")
        self.result = result


class ScenarioDatabase(ExampleDatabase):
    """An example database seen through a scenario's key: every key Hypothesis uses is
    stored as ``key + b":" + its_key`` in ``inner``.

    ``search`` runs one test function for every scenario, so Hypothesis's own key (a digest of
    that function) is the same for all of them; prefixing it keeps each scenario's failures
    apart, with nothing but the public ``ExampleDatabase`` interface.
    """

    def __init__(self, inner: ExampleDatabase, key: bytes) -> None:
        super().__init__()
        self.inner = inner
        self.key = key

    def _key(self, key: bytes) -> bytes:
        return self.key + b":" + key

    def save(self, key: bytes, value: bytes) -> None:
        self.inner.save(self._key(key), value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        return self.inner.fetch(self._key(key))

    def delete(self, key: bytes, value: bytes) -> None:
        self.inner.delete(self._key(key), value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self.inner.move(self._key(src), self._key(dest), value)

    def __repr__(self) -> str:
        return f"ScenarioDatabase({self.inner!r}, key={self.key!r})"


def search(run: Callable[[Strategy], R], failed: Callable[[R], bool], *, key: bytes,
           max_examples: int = 200, seed: int = 0, **settings: Any) -> R | None:
    """Run ``run(HypothesisStrategy)`` until ``failed(result)``; return the shrunk result.

    ``key`` names the scenario in the example database (``database=``, default Hypothesis's
    own; ``None`` to keep none): the shrunk failure is saved under it, and the next search
    with the same key and database replays it before generating anything. ``seed`` makes the
    search deterministic. Further keyword arguments go to ``hypothesis.settings``
    (``deadline`` is off: schedules are not timed).
    """
    options: dict[str, Any] = {"max_examples": max_examples, "deadline": None,
                               "suppress_health_check": list(hypothesis.HealthCheck),
                               "print_blob": False, **settings}
    database = options.get("database", hypothesis.settings().database)
    if database is not None:
        options["database"] = ScenarioDatabase(database, key)

    # settings outermost: hypothesis.seed turns the database off, and settings turn it back on.
    @hypothesis.settings(**options)
    @hypothesis.seed(seed)
    @hypothesis.given(st.data())
    def interleavings(data: st.DataObject) -> None:
        result = run(HypothesisStrategy(data))
        if failed(result):
            raise _Found(result)

    try:
        interleavings()
    except _Found as found:
        return cast(R, found.result)
    return None
