"""The pool: submit, map, cancel, shutdown, interpreter exit, dropping it, and what workers do.

Lifecycle (the phase is derived from the pool's flags, see :func:`~execspec.model.states.phase`)::

    OPEN --shutdown() / exit / drop--> SHUTTING_DOWN --last worker exits--> TERMINATED
    OPEN or SHUTTING_DOWN --an initializer raises--> BROKEN (for good: INV-BROKEN-STICKY)

If the client drops the executor before an initializer fails, the docs still break the pool's
pending work (TPE-INITIALIZER-FAILS-DROPPED); CPython cannot reach the collected executor and
strands it (``Options.gc_strands_init_failure``).

Workers are spawned lazily, one per submit while no idle worker is free for the new call and
fewer than ``max_workers`` are alive (TPE-LAZY-THREADS, TPE-IDLE-REUSE). A worker runs its
initializer first, then takes queued calls one at a time; once the pool is stopping and the
queue is empty, an idle worker exits. Which queued call an idle worker takes is
implementation-defined (any, by the docs; the oldest, in CPython: ``Options.fifo``).

Taking a call is one step by the docs: the call leaves the queue and begins together, so every
pending future the pool has not started is still queued, and ``shutdown(cancel_futures=True)``,
which cancels the queue, cancels all of them (EXE-SHUTDOWN-CANCEL-TAKEN). CPython takes it in
two (``Options.take_then_start``), and the window between them is what the clause is about::

    worker                              client                     the future
    takes the call off the queue        .                          PENDING, not queued (TAKEN)
    .                                   shutdown(cancel_futures)   not in the queue: left PENDING
    marks it running, calls it          .                          RUNNING: it runs after all

A ``cancel()`` in the same window still succeeds; the worker then skips the call.

A process pool (``Options.queue_marks_running``: CPython's ProcessPoolExecutor, loky) has a
manager thread between the queue and the workers. It moves calls, oldest first, into a call
queue at most ``max_workers + EXTRA_QUEUED_CALLS`` deep, marking each future RUNNING as it goes
(a cancelled one it drops, notifying its waiters); a free worker process then begins the oldest
call in the call queue::

    queue (PENDING) --pool.dispatches--> call queue (RUNNING, not begun)
          --worker.takes-dispatched--> TAKEN --worker.runs-dispatched--> BUSY (begun)

So ``running()`` is True before the call begins, ``cancel()`` then returns False, and
``shutdown(cancel_futures=True)``, which cancels only what is PENDING, lets such a call run. A
worker process that returns is free at once, while its result travels back to the manager,
which finishes the future later (``Pool.delivering``, ``pool.delivers``): the future is still
RUNNING while the worker begins the next call. Both are what FUT-RUNNING-EXECUTING departs from.
An idle worker does not exit while the call queue holds work, and a join waits for the results.
Such a manager also does ``shutdown(cancel_futures=True)``'s cancelling, when it next wakes
(``Options.manager_cancels``, ``pool.cancels-queued``): until then the queue is as it was, and
it may even move another call into the call queue first (EXE-SHUTDOWN-CANCEL-AT-ONCE).
"""

from __future__ import annotations

from dataclasses import replace

from execspec.model import future as F
from execspec.model.states import (
    Blocked,
    Err,
    FState,
    Fut,
    InitKind,
    Ok,
    Options,
    Outcome,
    Raised,
    Returned,
    State,
    Step,
    TaskKind,
    Waiter,
    WaitKind,
    EXTRA_QUEUED_CALLS,
    Worker,
    WorkerStatus,
    dispatched,
)
from execspec.model.waiters import settle


def spawn_needed(idle: int, queued: int, live: int, max_workers: int) -> bool:
    """Whether ``submit()`` starts a new worker; ``queued`` counts calls queued before this one.

    TPE-IDLE-REUSE: an idle worker not already claimed by a queued call is reused.
    TPE-MAX-WORKERS-BOUND: never more than ``max_workers`` alive.

    pre: 0 <= live <= max_workers and 0 <= idle <= live and queued >= 0
    post: not _ or live < max_workers
    post: not _ or idle <= queued
    post: _ or live > 0 or max_workers == 0
    """
    return idle <= queued and live < max_workers


def _refusals(s: State, rule_prefix: str) -> set[Outcome]:
    """Why the pool refuses new work now (several reasons may hold: any may be reported)."""
    p, out = s.pool, set()
    if p.broken:
        out.add(Outcome(Raised("BrokenThreadPool"), s, f"{rule_prefix}.broken"))
    if p.shutdown:
        out.add(Outcome(Raised("RuntimeError"), s, f"{rule_prefix}.after-shutdown"))
    if p.exiting:
        after_exit = "submit.after-exit" if rule_prefix == "submit" else "map.after-shutdown"
        out.add(Outcome(Raised("RuntimeError"), s, after_exit))
    return out


def _accept(s: State, task: TaskKind, awaits: int = -1) -> tuple[int, State]:
    p = s.pool
    fid = len(s.futures)
    s = replace(s, futures=s.futures + (Fut(task=task, awaits=awaits),))
    workers = p.workers
    claimed = len(p.queue) + len(call_queue(s))  # calls ahead of this one that an idle worker will take
    if spawn_needed(p.idle(), claimed, len(p.workers), p.max_workers):
        first = WorkerStatus.IDLE if p.init is InitKind.NONE else WorkerStatus.STARTING
        workers = workers + (Worker(first),)
    return fid, s.with_pool(queue=p.queue + (fid,), workers=workers)


def submit(s: State, task: TaskKind, awaits: int = -1) -> frozenset[Outcome]:
    """``executor.submit(fn)``: a new pending future (its fid), or a refusal."""
    refused = _refusals(s, "submit")
    if refused:
        return frozenset(refused)
    fid, s2 = _accept(s, task, awaits)
    return frozenset({Outcome(Returned(fid), s2, "submit.accepted")})


def map_call(s: State, tasks: tuple[TaskKind, ...]) -> frozenset[Outcome]:
    """``executor.map(fn, items)``: every item submitted at once (EXE-MAP-EAGER).

    Returns the fids in item order; iterating the map is ``result(timeout)`` on each in turn.
    """
    refused = _refusals(s, "map")
    if refused:
        return frozenset(refused)
    fids = []
    for task in tasks:
        fid, s = _accept(s, task)
        fids.append(fid)
    return frozenset({Outcome(Returned(tuple(fids)), s, "map.accepted")})


def cancel(s: State, fid: int, opts: Options) -> frozenset[Outcome]:
    """``f.cancel()``; a cancelled queued call leaves the queue (or, with gh-92001, waits there
    for a worker to notice it)."""
    f = s.futures[fid]
    ok, new = F.cancel(f)
    if f.state is not FState.PENDING:
        rule = {FState.RUNNING: "cancel.running", FState.FINISHED: "cancel.finished"}.get(
            f.state, "cancel.cancelled"
        )
        return frozenset({Outcome(Returned(ok), s, rule)})
    s2 = settle(s, fid, F.call_all_callbacks(new), opts)  # FUT-CB-THREAD: the caller calls them
    if not opts.gh92001 and fid in s2.pool.queue:
        s2 = s2.with_pool(queue=tuple(q for q in s2.pool.queue if q != fid))
    return frozenset({Outcome(Returned(True), s2, "cancel.pending")})


def shutdown(s: State, wait: bool, cancel_futures: bool, opts: Options) -> frozenset[Outcome]:
    """``executor.shutdown(wait, cancel_futures)``; repeating it is harmless (EXE-SHUTDOWN-REPEAT)."""
    s = s.with_pool(shutdown=True)
    if cancel_futures and opts.manager_cancels:  # EXE-SHUTDOWN-CANCEL-AT-ONCE, a process pool's
        s = s.with_pool(cancelling=True)  # reading: the manager cancels later (pool.cancels-queued)
    elif cancel_futures:
        s = _cancel_queued(s, opts)
    if not wait:
        return frozenset({Outcome(Returned(None), s, "shutdown.returns")})
    return frozenset({_join(s, WaitKind.SHUTDOWN, "shutdown.joins")})


def _cancel_queued(s: State, opts: Options) -> State:
    # EXE-SHUTDOWN-CANCEL-FUTURES: queued calls are cancelled, running ones go on.
    # EXE-SHUTDOWN-CANCEL-TAKEN: by the docs every pending call not started is queued; a call a
    # worker took but has not started (Options.take_then_start) is not, and is left alone
    for fid in s.pool.queue:
        f = s.futures[fid]
        if f.state is FState.PENDING:
            s = settle(s, fid, F.call_all_callbacks(F.cancel(f)[1]), opts)
    return s.with_pool(queue=(), cancelling=False)


def _join(s: State, kind: WaitKind, rule: str) -> Outcome:
    if not s.pool.workers and not s.pool.delivering:  # (a process pool's results on their way count)
        return Outcome(Returned(None), s.with_pool(joined=True), rule)
    s2 = replace(s, waiters=s.waiters + (Waiter(kind),))
    return Outcome(Blocked(len(s.waiters)), s2, rule)


def interpreter_exit(s: State) -> frozenset[Outcome]:
    """The main thread exits: queued calls still run, then every worker is joined."""
    return frozenset({_join(s.with_pool(exiting=True), WaitKind.EXIT, "exit.begins")})


def drop(s: State) -> frozenset[Outcome]:
    """The client drops the executor without shutting it down (TPE-GC-DROPPED)."""
    return frozenset({Outcome(Returned(None), s.with_pool(dropped=True), "executor.dropped")})


# ---- internal steps ------------------------------------------------------------------------


def _swap(s: State, old: Worker, new: Worker | None) -> State:
    workers = list(s.pool.workers)
    workers.remove(old)
    if new is not None:
        workers.append(new)
    return s.with_pool(workers=tuple(workers))


def _init_fails(s: State, w: Worker, opts: Options) -> State:
    # TPE-INITIALIZER-FAILS-PENDING: the pool breaks now (a submit is refused from here on);
    # the failing worker then fails the queued calls one by one (_fail_queued) and exits once
    # the queue is empty, as real pools do it after setting the flag (so a shutdown(wait=True)
    # that joins it sees every queued future done). TPE-INITIALIZER-FAILS-DROPPED: a dropped
    # pool's too, by the docs (CPython: _init_fails_unseen).
    del w, opts
    return s.with_pool(broken=True)


def _fail_queued(s: State, fid: int, opts: Options) -> Step:
    # TPE-INITIALIZER-FAILS-PENDING: a broken pool fails a queued call with BrokenThreadPool
    queue = list(s.pool.queue)
    queue.remove(fid)
    s = s.with_pool(queue=tuple(queue))
    f = s.futures[fid]
    if f.state is FState.PENDING:
        s = settle(s, fid, F.finish(f, Err("BrokenThreadPool")), opts)
    elif opts.drain_stops_at_cancelled:  # TPE-INITIALIZER-FAILS-CANCELLED, CPython's reading:
        # set_exception() on the cancelled future raises and kills the draining worker
        drainer = next(w for w in sorted(set(s.pool.workers)) if w.status is WorkerStatus.STARTING)
        return Step("pool.drain-dies", f"f{fid} cancelled: the draining worker dies", _swap(s, drainer, None))
    return Step("pool.fails-queued", f"broken pool fails f{fid}", s)


def _init_fails_unseen(s: State, w: Worker) -> State:
    # TPE-INITIALIZER-FAILS-DROPPED, CPython's reading (Options.gc_strands_init_failure): the
    # worker finds the collected executor's weakref dead, so nobody breaks the pool and nobody
    # fails its futures. The queue goes with the executor: every worker runs the same failing
    # initializer, so none will ever take from it, and the queued futures stay PENDING forever.
    # ``broken`` stays as it was: CPython never sets it, and nobody is left to submit.
    return _swap(s, w, None).with_pool(queue=())


def outcome_of(fid: int, task: TaskKind | None) -> Ok | Err:
    """What the call of pool future ``fid`` ends with, by the model's convention (a task that
    returns gives its fid; one that raises, TaskError; ``RAISES_FALSY``, FalsyError)."""
    if task is TaskKind.RAISES:
        return Err("TaskError")
    if task is TaskKind.RAISES_FALSY:
        return Err(F.FALSY)
    return Ok(fid)


def awaited_done(s: State, f: Fut) -> bool:
    """Whether the future a ``TaskKind.WAITS`` call waits on exists and is done (its result()
    returns or raises, and the call returns its own fid either way)."""
    return 0 <= f.awaits < len(s.futures) and s.futures[f.awaits].done


def worker_steps(s: State, opts: Options) -> list[Step]:
    """Every move a worker may make now (identical workers counted once)."""
    steps: list[Step] = []
    p = s.pool
    calls = call_queue(s) if opts.queue_marks_running else ()  # a process pool's, read once
    for w in sorted(set(p.workers)):
        if w.status is WorkerStatus.STARTING and p.broken:
            if not p.queue:  # every queued call has failed: the failed worker exits
                steps.append(Step("worker.exits-broken", "failed worker exits", _swap(s, w, None)))
        elif w.status is WorkerStatus.STARTING:
            if p.init is InitKind.FAILS and p.dropped and opts.gc_strands_init_failure:
                steps.append(Step("worker.init-fails-unseen", "initializer raises, pool gone",
                                  _init_fails_unseen(s, w)))
            elif p.init is InitKind.FAILS:
                steps.append(Step("worker.init-fails", "initializer raises", _init_fails(s, w, opts)))
            else:
                idle = _swap(s, w, Worker(WorkerStatus.IDLE))
                steps.append(Step("worker.init-ok", "initializer returns", idle))
        elif w.status is WorkerStatus.BUSY:
            f = s.futures[w.task]
            if f.task is TaskKind.WAITS and not awaited_done(s, f):
                continue  # FUT-RESULT-WAITS: its result() blocks, holding the worker (DL-*)
            outcome = outcome_of(w.task, f.task)
            rule = "task.returns" if isinstance(outcome, Ok) else "task.raises"
            if f.task is TaskKind.WAITS:
                rule = "task.wait-returns"
            freed = _swap(s, w, Worker(WorkerStatus.IDLE))
            if opts.queue_marks_running:  # the result travels back to the manager (pool.delivers)
                s2 = freed.with_pool(delivering=p.delivering + (w.task,))
            else:
                s2 = settle(freed, w.task, F.finish(f, outcome), opts)
            steps.append(Step(rule, f"f{w.task} {rule.split('.')[1].split('-')[-1]}", s2))
        elif w.status is WorkerStatus.TAKEN and opts.queue_marks_running:
            busy = _swap(s, w, Worker(WorkerStatus.BUSY, w.task))
            begun = busy.with_fut(w.task, F.begin_dispatched(s.futures[w.task]))
            steps.append(Step("worker.runs-dispatched", f"worker process begins f{w.task}", begun))
        elif w.status is WorkerStatus.TAKEN:
            steps.append(_begin(s, w, w.task, "worker.starts", opts))
        elif calls:
            # the oldest call in the call queue; the worker process begins it as a step of its
            # own, so of two processes the later to take may be the first to begin
            for fid in calls[:1] if opts.fifo else calls:
                taken = _swap(s, w, Worker(WorkerStatus.TAKEN, fid))
                steps.append(Step("worker.takes-dispatched", f"worker process takes f{fid}", taken))
        elif opts.queue_marks_running and p.queue and not p.broken:
            continue  # the manager hands it the next call (pool.dispatches)
        elif p.queue and not p.broken:
            choices = p.queue[:1] if opts.fifo else tuple(sorted(set(p.queue)))
            for fid in choices:
                take = _dequeue(s, w, fid) if opts.take_then_start else _take(s, w, fid, opts)
                steps.append(take)
        elif p.stopping:
            steps.append(Step("worker.exits", "idle worker exits", _swap(s, w, None)))
    if p.cancelling:  # Options.manager_cancels: the manager does shutdown's cancelling
        steps.append(Step("pool.cancels-queued", "manager cancels the queued futures", _cancel_queued(s, opts)))
    if p.delivering:  # Options.queue_marks_running: the manager sets the oldest result that came back
        fid, rest = p.delivering[0], p.delivering[1:]
        f = s.futures[fid]
        done = settle(s.with_pool(delivering=rest), fid, F.finish(f, outcome_of(fid, f.task)), opts)
        steps.append(Step("pool.delivers", f"manager sets f{fid}'s result", done))
    if opts.queue_marks_running and p.queue and not p.broken and len(calls) < p.max_workers + EXTRA_QUEUED_CALLS:
        for fid in p.queue[:1] if opts.fifo else tuple(sorted(set(p.queue))):
            steps.append(_dispatch(s, fid, opts))
    draining = not opts.drain_stops_at_cancelled or any(w.status is WorkerStatus.STARTING for w in p.workers)
    if p.broken and p.queue and draining:
        for fid in p.queue[:1] if opts.fifo else tuple(sorted(set(p.queue))):
            steps.append(_fail_queued(s, fid, opts))
    return steps


def _unqueue(s: State, fid: int) -> State:
    queue = list(s.pool.queue)
    queue.remove(fid)
    return s.with_pool(queue=tuple(queue))


def _take(s: State, w: Worker, fid: int, opts: Options) -> Step:
    # EXE-SUBMIT-CALL, EXE-SHUTDOWN-CANCEL-TAKEN: the docs' reading, one step: the call leaves
    # the queue and begins
    return _begin(_unqueue(s, fid), w, fid, "worker.takes", opts)


def _dequeue(s: State, w: Worker, fid: int) -> Step:
    # EXE-SHUTDOWN-CANCEL-TAKEN, CPython's reading (Options.take_then_start): the worker has the
    # call but its future stays PENDING, out of the queue; _begin follows as a step of its own
    s = _swap(_unqueue(s, fid), w, Worker(WorkerStatus.TAKEN, fid))
    return Step("worker.dequeues", f"worker takes f{fid} off the queue", s)


def call_queue(s: State) -> tuple[int, ...]:
    """A process pool's call queue (``Options.queue_marks_running``): the futures marked RUNNING
    whose calls no worker process has taken yet, oldest first (empty by the docs)."""
    taken = {w.task for w in s.pool.workers if w.status is WorkerStatus.TAKEN}
    return tuple(fid for fid in dispatched(s) if fid not in taken)


def _dispatch(s: State, fid: int, opts: Options) -> Step:
    # Options.queue_marks_running: the manager moves the oldest queued call into the call queue
    # and runs set_running_or_notify_cancel() on its future: a cancelled one (gh-92001 left it
    # queued) is dropped and its waiters notified; a pending one becomes RUNNING, not yet begun
    s = _unqueue(s, fid)
    f = s.futures[fid]
    if f.state is FState.CANCELLED:
        return Step("pool.skips-cancelled", f"manager drops cancelled f{fid}", settle(s, fid, F.notice_cancel(f), opts))
    return Step("pool.dispatches", f"manager marks f{fid} running, queues it for a worker",
                s.with_fut(fid, F.dispatch(f)))


def _begin(s: State, w: Worker, fid: int, rule: str, opts: Options) -> Step:
    # The worker, holding f's call off the queue, runs set_running_or_notify_cancel(): a cancelled
    # future (gh-92001 left it queued, or a cancel() came after _dequeue) is skipped and its
    # waiters notified (FUT-SRN-CANCELLED); a pending one becomes RUNNING and its call begins.
    f = s.futures[fid]
    if f.state is FState.CANCELLED:
        noticed = settle(_swap(s, w, Worker(WorkerStatus.IDLE)), fid, F.notice_cancel(f), opts)
        return Step("worker.skips-cancelled", f"worker skips cancelled f{fid}", noticed)
    s = _swap(s, w, Worker(WorkerStatus.BUSY, fid))
    return Step(rule, f"worker starts f{fid}", s.with_fut(fid, F.start(f)))


def callback_steps(s: State) -> list[Step]:
    """The thread that completed a future calls its callbacks, one step each."""
    return [
        Step("callback.runs", f"f{fid} callback {f.callbacks[0]} runs",
             s.with_fut(fid, F.call_next_callback(f)))
        for fid, f in enumerate(s.futures)
        if f.done and f.callbacks
    ]
