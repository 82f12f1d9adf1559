"""A buggy executor: the stdlib's, loaded under the shim, with a ``Future.cancel`` that forgets
to wake the threads waiting in ``result()``. Someone waiting on a queued future that is then
cancelled hangs forever — but only if it started waiting before the cancel.

The variant is made on the fresh module object of one execution; nothing process-wide changes.

>>> callable(cancel_while_waiting)
True
"""

from __future__ import annotations

from typing import Any


def forgetful(cf: Any) -> Any:
    """Patch the loaded ``concurrent.futures`` so ``Future.cancel`` skips ``notify_all``."""
    base = cf._base

    def cancel(self: Any) -> bool:
        with self._condition:
            if self._state in [base.RUNNING, base.FINISHED]:
                return False
            if self._state in [base.CANCELLED, base.CANCELLED_AND_NOTIFIED]:
                return True
            self._state = base.CANCELLED
            # BUG (FUT-CANCEL-PENDING, FUT-WAKES-WAITERS): the stdlib calls
            # self._condition.notify_all() here
        self._invoke_callbacks()
        return True

    base.Future.cancel = cancel
    return cf


def cancel_while_waiting(env: Any) -> str:
    """One worker is busy behind a gate; a waiter thread waits on the queued task; main cancels it."""
    cf = forgetful(env.load("concurrent.futures"))
    gate = env.name(env.threading.Event(), "gate")
    outcome: list[str] = []
    with cf.ThreadPoolExecutor(max_workers=1) as ex:
        env.name(ex.submit(gate.wait), "busy")
        queued = env.name(ex.submit(pow, 2, 10), "queued")

        def waiter() -> None:
            try:
                outcome.append(str(queued.result()))
            except cf.CancelledError:
                outcome.append("cancelled")

        thread = env.threading.Thread(target=waiter, name="waiter")
        thread.start()
        queued.cancel()
        gate.set()
        thread.join()
    return outcome[0]
