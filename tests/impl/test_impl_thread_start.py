"""Starting a worker: reserved under the pool lock, started outside it (impl/_thread.py).

The bound on workers still holds, a submit racing shutdown is refused or has run by the time
shutdown(wait=True) returns, and a thread the OS will not start loses no call.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

import execspec.impl as impl
from execspec.impl import _thread

from impl_support import BOUND, Gate


class _Probe:
    """Replaces threading.Thread for impl's workers only: records what start() sees, and
    fails start() while ``refuse`` is set (after running ``during``, if given)."""

    def __init__(self) -> None:
        self.seen: list[tuple[bool, int, int]] = []  # (pool lock held, len(threads), starting)
        self.refuse = False
        self.during: Any = None

    def thread_class(self, pool: Any) -> type[threading.Thread]:
        probe = self

        class Thread(threading.Thread):
            def start(self) -> None:
                if getattr(self, "_target", None) is _thread._work:
                    probe.seen.append((pool.lock._is_owned(), len(pool.threads), len(pool.reserved)))
                    if probe.during is not None:
                        probe.during()
                    if probe.refuse:
                        raise RuntimeError("can't start new thread")
                super().start()

        return Thread


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_Probe, impl.ThreadPoolExecutor]]:
    ex = impl.ThreadPoolExecutor(2)
    p = _Probe()
    monkeypatch.setattr(threading, "Thread", p.thread_class(ex._pool))  # what impl._thread calls
    yield p, ex
    monkeypatch.undo()
    ex.shutdown(wait=True, cancel_futures=True)


def test_a_worker_starts_outside_the_pool_lock_but_counts_toward_the_bound(probe: Any) -> None:
    # TPE-LAZY-THREADS, TPE-MAX-WORKERS-BOUND: reserved before the lock is let go
    p, ex = probe
    gates = [Gate() for _ in range(3)]
    fs = [ex.submit(g) for g in gates]
    gates[0].wait_started()
    gates[1].wait_started()
    assert p.seen == [(False, 1, 1), (False, 2, 1)], p.seen
    assert len(ex._pool.threads) == 2 and not ex._pool.reserved
    for g in gates:
        g.open()
    assert [f.result(BOUND) for f in fs] == [None] * 3


def test_a_thread_that_cannot_start_refuses_its_call_and_fails_the_stranded_ones(probe: Any) -> None:
    # never lost: the submit raises and its call never runs; a call queued meanwhile behind
    # the reservation (there is no other worker to run it) fails with a clear error
    p, ex = probe
    ex._pool.max_workers = 1
    ran: list[str] = []
    behind: list[impl.Future[Any]] = []
    p.refuse = True
    p.during = lambda: behind.append(ex.submit(ran.append, "behind"))  # sees the slot taken
    with pytest.raises(RuntimeError, match="can't start new thread"):
        ex.submit(ran.append, "first")
    (b,) = behind
    assert isinstance(b.exception(0), RuntimeError) and "no worker thread could be started" in str(b.exception(0))
    assert ex._pool.threads == {} and not ex._pool.reserved and ex._pool.queue.empty()
    p.refuse, p.during = False, None
    assert ex.submit(ran.append, "later").result(BOUND) is None  # the pool still works
    assert ran == ["later"]


def test_a_thread_that_cannot_start_withdraws_only_its_own_call(probe: Any) -> None:
    p, ex = probe
    gate = Gate()
    busy = ex.submit(gate, "busy")
    gate.wait_started()
    ran: list[str] = []
    p.refuse = True
    with pytest.raises(RuntimeError, match="can't start new thread"):
        ex.submit(ran.append, "withdrawn")
    assert len(ex._pool.threads) == 1 and not ex._pool.reserved
    gate.open()
    ex.shutdown(wait=True)
    assert busy.result(0) == "busy" and ran == [], "a call whose submit() raised still ran"


def test_submits_racing_shutdown_are_refused_or_have_run_when_it_returns() -> None:
    # EXE-SHUTDOWN-WAIT, EXE-SUBMIT-AFTER-SHUTDOWN on real threads: every accepted call ran
    # before shutdown(wait=True) returned; no refused call ever runs
    for round_ in range(200):
        ex = impl.ThreadPoolExecutor(4)
        ran: list[int] = []
        accepted: list[int] = []
        go = threading.Barrier(4)

        def submitter(base: int) -> None:
            go.wait(BOUND)
            for i in range(base, base + 3):
                try:
                    ex.submit(ran.append, i)
                except RuntimeError:
                    continue
                accepted.append(i)

        threads = [threading.Thread(target=submitter, args=(k * 10,)) for k in range(3)]
        for t in threads:
            t.start()
        go.wait(BOUND)
        ex.shutdown(wait=True)
        ran_by_shutdown = set(ran)
        for t in threads:
            t.join(BOUND)
            assert not t.is_alive(), "a submitter hung"
        assert set(accepted) <= ran_by_shutdown, f"round {round_}: accepted but not run: {set(accepted) - ran_by_shutdown}"
        assert set(ran) == set(accepted), f"round {round_}: refused calls ran: {set(ran) - set(accepted)}"


def test_the_race_scenarios_catch_a_join_that_does_not_wait_for_starting_workers(tmp_path: Path) -> None:
    # Known-bad: shutdown()/exit joining without waiting for reserved workers to start. The
    # shim scenarios that pass on impl (test_impl_under_shim.py) must fail on this copy.
    pytest.importorskip("greenlet")
    from execspec.sched.explore import explore
    from execspec.sched.strategies import DFSStrategy

    import impl_shim_scenarios as scenarios

    bad = tmp_path / "badimpl"
    shutil.copytree(os.path.dirname(impl.__file__), bad)
    source = (bad / "_thread.py").read_text()
    broken = source.replace("pool.reserved_started()", "pass")
    assert broken.count("pass  #") >= 2, "the known-bad edit no longer applies"
    (bad / "_thread.py").write_text(broken)
    for name in ("submit_races_shutdown", "submit_races_exit"):

        def scenario(env: Any, name: str = name) -> None:
            env.load_source(str(tmp_path), "badimpl")
            getattr(scenarios, name)(env, executor="badimpl")

        res: Any = explore(scenario, DFSStrategy(preemption_bound=2), max_schedules=5_000,
                           modules=("badimpl",), schedule_dir=None)  # fmt: skip
        assert res.failures, f"{name} cannot tell a pool that joins workers before they start"
