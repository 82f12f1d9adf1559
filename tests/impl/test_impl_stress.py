"""Real threads racing on shared futures: invariants that must survive any interleaving.

Seeded, bounded and quick; the deterministic shim explores interleavings systematically
(test_under_shim.py); this checks the same rules against the OS scheduler.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

import execspec.impl as impl

from impl_support import BOUND

SEED = 20261123


def test_races_between_cancel_run_wait_and_callbacks() -> None:
    # INV-RUN-AT-MOST-ONCE, INV-CANCELLED-NEVER-RUNS, INV-CB-EXACTLY-ONCE, INV-NO-LOST-WAKEUP,
    # INV-WAIT-PARTITION, INV-TERMINAL-STABLE
    rng = random.Random(SEED)
    ran: Counter[int] = Counter()
    called: Counter[int] = Counter()
    lock = threading.Lock()

    def task(i: int) -> int:
        with lock:
            ran[i] += 1
        return i

    def count_callback(i: int) -> object:
        def cb(f: impl.Future[int]) -> None:
            assert f.done()
            with lock:
                called[i] += 1

        return cb

    errors: list[BaseException] = []
    with impl.ThreadPoolExecutor(4) as ex:
        fs = [ex.submit(task, i) for i in range(400)]
        for i, f in enumerate(fs):
            f.add_done_callback(count_callback(i))

        def racer(seed: int) -> None:
            r = random.Random(seed)
            try:
                for _ in range(150):
                    sample = r.sample(fs, 5)
                    op = r.randrange(4)
                    if op == 0:
                        sample[0].cancel()
                    elif op == 1:
                        done, not_done = impl.wait(sample, timeout=0.001, return_when=r.choice(
                            [impl.FIRST_COMPLETED, impl.FIRST_EXCEPTION, impl.ALL_COMPLETED]))
                        assert done | not_done == set(sample) and not done & not_done
                        assert all(g.done() for g in done)
                    elif op == 2:
                        try:
                            for g in impl.as_completed(sample, timeout=0.001):
                                assert g.done()
                        except impl.TimeoutError:
                            pass
                    else:
                        try:
                            sample[0].result(0.001)
                        except (impl.TimeoutError, impl.CancelledError):
                            pass
            except BaseException as e:  # reported below, with the seed
                errors.append(e)

        threads = [threading.Thread(target=racer, args=(rng.random(),)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(BOUND * 3)
        assert not any(t.is_alive() for t in threads), f"a racer hung (seed {SEED})"
    assert not errors, f"seed {SEED}: {errors[0]!r}"
    assert impl.wait(fs, timeout=BOUND).not_done == set()
    for i, f in enumerate(fs):
        assert ran[i] == (0 if f.cancelled() else 1), f"call {i} ran {ran[i]} times, cancelled={f.cancelled()}"
        assert called[i] == 1, f"callback of {i} ran {called[i]} times"
        assert f.cancelled() or f.result(0) == i
