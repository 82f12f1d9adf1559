"""Splitting an exploration over an executor: the process pool, and runs of split units.

``explore`` (``explore.driver``) asks a strategy to ``split`` its remaining work into units in
serial order; here those units are grouped (at most ``parts`` groups, order kept), submitted to
the executor, and their results collected in order, stopping at the budget or, when asked, at
the first failure. Merging the results is ``explore``'s business.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from typing import Any, Callable, Protocol, Sequence, TypeVar

from execspec.sched.kernel.op import Op
from execspec.sched.kernel.protocols import Strategy


class Part(Protocol):
    """What one piece of work returns (``explore._Part``): what ``run_split`` looks at."""

    steps: list[int]
    failures: list[Any]


P = TypeVar("P", bound=Part)

def process_pool(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """A process pool fit to explore on: ``workers`` processes (default: one per core).

    forkserver, not fork: a forked child would inherit the parent's runner thread
    bookkeeping without the thread itself.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    context = multiprocessing.get_context("forkserver")
    return cf.ProcessPoolExecutor(workers or os.cpu_count() or 1, mp_context=context)


def run_split(work: Callable[..., P], name: tuple[str, dict[str, Any]] | None,
              groups: list[Strategy], budget: int, executor: cf.Executor | str | None,
              common: tuple[bool, int, tuple[str, ...]]) -> list[P]:
    """Run the groups on ``executor``; collect their results in order, stopping early."""
    assert name is not None and executor is not None
    owned = None
    if isinstance(executor, str):
        owned = executor = process_pool()
    try:
        futures = [executor.submit(work, name, g, budget, *common) for g in groups]
        out: list[P] = []
        total = 0
        for fut in futures:
            part = fut.result()
            out.append(part)
            total += len(part.steps)
            if total >= budget or (part.failures and common[0]):
                break
        for fut in futures:
            fut.cancel()
        return out
    finally:
        if owned is not None:
            owned.shutdown(wait=True, cancel_futures=True)


class _Chain:
    """Several strategies run one after another: a contiguous run of split units."""

    def __init__(self, units: Sequence[Strategy]) -> None:
        self.units = list(units)
        self.at = 0
        self.redundant = 0
        self.transitions = 0

    def begin_execution(self) -> bool:
        while self.at < len(self.units):
            if self.units[self.at].begin_execution():
                self.choose = self.units[self.at].choose  # type: ignore[method-assign]
                return True
            self.at += 1
        self.redundant = sum(int(getattr(u, "redundant", 0)) for u in self.units)
        return False

    def choose(self, enabled: Sequence[Op], step: int) -> int:
        return self.units[self.at].choose(enabled, step)

    def observe(self, ops: Sequence[Op]) -> None:
        observe = getattr(self.units[self.at], "observe", None)
        if observe is not None:
            observe(ops)

    def end_execution(self, failed: bool) -> None:
        unit = self.units[self.at]
        unit.end_execution(failed)
        self.transitions = sum(int(getattr(u, "transitions", 0)) for u in self.units)
        self.redundant = sum(int(getattr(u, "redundant", 0)) for u in self.units)

    def describe(self) -> dict[str, Any]:
        describe: Callable[[], dict[str, Any]] = getattr(self.units[self.at], "describe", dict)
        return describe()


def group(units: list[Strategy], n: int) -> list[Strategy]:
    """At most ``n`` consecutive groups (order kept); random/PCT ranges pass through."""
    if len(units) <= n:
        return units
    size = -(-len(units) // n)
    return [_Chain(units[i:i + size]) for i in range(0, len(units), size)]
