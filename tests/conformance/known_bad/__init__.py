"""Known-bad executors: each breaks exactly one clause, so the conformance machine must name it.

Every variant is a factory with ThreadPoolExecutor's signature (``max_workers=None,
thread_name_prefix='', initializer=None, initargs=()``), named by a target string::

    conformance.known_bad.<module>:<Factory>

``conformance`` is ``tests/conformance``: the target imports when ``tests/`` is on
``sys.path``, as it is under pytest (the same convention as ``known_bad:NoCancel``, which is
``tests/known_bad.py``). From a shell::

    PYTHONPATH=tests execspec check conformance.known_bad.cancel_runs:CancelledStillRuns

Each module also has the ``wait``, ``as_completed``, ``Future`` and exceptions that go with its
futures, so the checker pairs them: impl's for the impl-based variants, the stdlib's (over
``TinyFuture``) for the from-scratch ones.

Two families:

- **impl-based**: small subclasses of ``execspec.impl``'s pool; a variant that needs a broken
  Future gets one through ``_impl_api.SwapsFutureClass``.
- **from scratch** on the stdlib's ``concurrent.futures.Future``: ``_tiny_pool.TinyPool``, a
  small pool of threading + a deque that is correct (and is checked to be: it is a good target,
  ``GOOD_CONTROLS``), and variants that each override one hook of it.

``KNOWN_BAD`` maps each target to the clause it breaks; ``SCRATCH`` lists the from-scratch ones.
A variant whose bug necessarily drags a consequence along says so in its docstring (a pool that
never breaks cannot refuse submits as a broken one must, say); the clause here is the primary.
``tests/conformance/test_known_bad_are_really_bad.py`` shows each bug on real threads, and shows
that impl (and TinyPool, for the from-scratch ones) does not have it.

>>> KNOWN_BAD["conformance.known_bad.cancel_runs:CancelledStillRuns"]
'INV-CANCELLED-NEVER-RUNS'
"""

from __future__ import annotations

import sys

_P = "conformance.known_bad."
# the default-size clause that holds on the running Python
_DEFAULT_CLAUSE = ("TPE-MAX-WORKERS-DEFAULT-313" if sys.version_info >= (3, 13)
                   else "TPE-MAX-WORKERS-DEFAULT-38")

#: target string -> the clause ID the variant breaks (every ID is in specs/*.md)
KNOWN_BAD: dict[str, str] = {
    _P + "cancel_runs:CancelledStillRuns": "INV-CANCELLED-NEVER-RUNS",
    _P + "map_timeout_ignored:MapIgnoresTimeout": "EXE-MAP-TIMEOUT",
    _P + "default_workers:DefaultOneWorker": _DEFAULT_CLAUSE,
    _P + "default_workers:DefaultIgnoresCpus": _DEFAULT_CLAUSE,
    _P + "spare_worker:StartsASpareWorker": "TPE-LAZY-THREADS",
    _P + "idle_in_callbacks:IdleWhileCallbacksRun": "INV-PROGRESS",
    _P + "thread_per_task:ThreadPerTask": "TPE-MAX-WORKERS-BOUND",
    _P + "cancel_no_wakeup:CancelWakesNobody": "FUT-WAKES-WAITERS",
    _P + "callbacks_twice:CallbacksRunTwice": "FUT-CB-ONCE",
    _P + "shutdown_early:ShutdownReturnsEarly": "EXE-SHUTDOWN-WAIT",
    _P + "submit_after_shutdown:AcceptsAfterShutdown": "EXE-SUBMIT-AFTER-SHUTDOWN",
    _P + "initializer_ignored:InitializerFailureIgnored": "TPE-INITIALIZER-FAILS-PENDING",
    _P + "initargs_dropped:InitargsDropped": "TPE-INITIALIZER-RUNS",
    _P + "map_out_of_order:MapPairsSwapped": "EXE-MAP-ORDER",
    _P + "map_drop_cancels:DroppedMapCancels": "EXE-MAP-CLOSE-CANCELS",
    _P + "result_no_timeout:ResultNeverTimesOut": "FUT-RESULT-TIMEOUT",
    _P + "as_completed_duplicates:AsCompletedYieldsDuplicates": "AC-DUPLICATES",
    _P + "as_completed_times_out_early:TimesOutEarly": "AC-TIMEOUT",
    _P + "as_completed_whole_seconds:WholeSeconds": "AC-TIMEOUT",
    _P + "as_completed_negative_wait:NegativeWait": "AC-YIELDS-AS-COMPLETE",
    _P + "wait_own_futures_only:WatchesOwnFuturesOnly": "WAIT-MIXED-EXECUTORS",
    _P + "exit_refuses_old_pools_only:ExitRefusesOldPoolsOnly": "TPE-SUBMIT-AFTER-EXIT",
    _P + "worker_dies:WorkerDiesOnException": "TPE-WORKER-SURVIVES-EXCEPTION",
    _P + "shutdown_cancel_sleepers:CancelFuturesLeavesWaitersAsleep": "EXE-SHUTDOWN-CANCELLED-DONE",
    _P + "lifo_start:LifoStart": "TPE-FIFO-START",
    _P + "callback_lost_when_done:LateCallbackDropped": "FUT-CB-ALREADY-DONE",
    _P + "waiter_counts_idle:WaitingWorkerCountsAsIdle": "DL-SELF-SUBMIT-SINGLE-WORKER",
    _P + "claims_outside_lock:ClaimsOutsideTheLock": "EXE-SHUTDOWN-CANCEL-FUTURES",
    _P + "initializer_unchecked:InitializerCheckedLate": "TPE-INITIALIZER-NOT-CALLABLE",
    _P + "wait_any_return_when:LenientWaitPool": "WAIT-RETURN-WHEN-INVALID",
}

#: the variants written from scratch on the stdlib's Future (the rest are impl subclasses)
SCRATCH: frozenset[str] = frozenset({
    _P + "claims_outside_lock:ClaimsOutsideTheLock",
    _P + "cancel_runs:CancelledStillRuns",
    _P + "thread_per_task:ThreadPerTask",
    _P + "spare_worker:StartsASpareWorker",
    _P + "idle_in_callbacks:IdleWhileCallbacksRun",
    _P + "shutdown_early:ShutdownReturnsEarly",
    _P + "worker_dies:WorkerDiesOnException",
    _P + "lifo_start:LifoStart",
})

#: correct executors in this package, to run beside the bad ones
GOOD_CONTROLS: tuple[str, ...] = (_P + "_tiny_pool:TinyPool",)
