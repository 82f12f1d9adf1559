"""The kernel: controlled threads on greenlets, one running at a time.

What lives here: the ``Runtime`` and its controlled threads (``runtime``: the step, the pick
loop, the virtual clock, failing an execution), the ``Op`` a strategy chooses among and its
cache (``op``), ``Prim``, the base of every shim object (``prim``), what an execution
produced (``execution``: ``Execution``, ``ExecutionOutcome``, ``TraceStep``), and the small
protocols the layers above plug in through (``protocols``: ``Strategy``, ``Host``,
``OidBlock``, ``Explanation``; ``runtime.Explainer``), and waits on what the shim does not
control (``outside``: ``OutsideWait``, failed at the call before virtual time can pass them).

May import: nothing of ``execspec`` (greenlet and the standard library only). The layers
above (shims, strategies, loader, postmortem, runner, explore) import it; it never imports
them, and reaches them only through the protocols: ``run_once`` hands the runtime a
postmortem ``Explainer``, the loader's ``Env`` is its ``Host``, a loading module's state is
an ``OidBlock``, and ``Runtime.extensions`` keeps their per-execution state opaquely.

How a step works
----------------
Every controlled thread is a greenlet (``CThread``). All of an execution's greenlets live in
one real OS thread (the *runner*, see ``run_once``), so exactly one of them runs
at any moment and nothing the OS does can reorder them. A thread runs Python code freely until
it reaches an operation on a shim primitive (``Lock.acquire``, ``Event.set``, ``sleep`` ...).
There it calls ``Runtime.point(thread, op, ready)``:

1. It records its pending ``Op`` and, for a blocking operation, a ``ready()`` predicate
   ("the lock is free", "I was notified or my deadline passed").
2. It collects the *enabled* threads: every live thread whose predicate holds.
3. If none is enabled: if some blocked thread has a deadline, the virtual clock jumps to the
   earliest one and we go back to 2; otherwise the execution is stuck (deadlock, or a thread
   that outlives interpreter exit) and the runtime fails it with a report.
4. ``strategy.choose(ops, step)`` picks one; the step is appended to the trace.
5. If the chosen thread is the caller, ``point`` returns and the caller performs its
   operation. Otherwise the caller switches *directly* to the chosen greenlet (no hub), which
   resumes inside its own ``point`` call and performs *its* operation. The caller resumes
   later, when some other thread chooses it.

The operation itself happens after ``point`` returns, so the state a strategy sees when it
chooses is exactly the state the chosen operation will act on. A thread that finishes makes
one last step (``exit``), then switches to the chosen thread; its greenlet is kept for a
later execution to reuse (``cthread``). A failed execution ends by switching to the runner; the
threads still suspended then are unwound by the runner (``execspec.sched.runner._unwind``).

Main (T0) holds lock L1, starts T1, which wants L1 too::

    step  offered to the strategy              chosen  then
    1     T0 acquire L1                        T0      T0 holds L1, runs on to start T1
    2     T0 start T1                          T0      T1 exists, its first op is "begin"
    3     T0 release L1 | T1 begin             T1      T1 runs until it wants L1 (held):
    4     T0 release L1                        T0      ... so T1 is not offered; T0 releases
    5     T0 join T1    | T1 acquire L1        T1      T1 holds L1; T0's join stays disabled
          ...                                          until T1's last step, "exit"

Which operations are scheduling points: every operation on a shim primitive that reads or
writes synchronisation state, with three exceptions that commute with everything another
thread could do at that moment -- a re-entrant RLock acquire/release, ``Condition.notify``
and the entry into ``Condition.wait`` (all happen under a held lock; ``wait`` has its point
at the wake-up). Reading the virtual clock is not a point.

Virtual time advances only in step 3 of the list further up, when no thread is enabled, so
``sleep(3600)`` costs one step and a timeout fires exactly when every other thread is blocked.

Open question: a timeout can only fire when nothing else can run. Real threads may see a
timeout while others are busy; exploring that would need the strategy to choose "advance
the clock" as an operation of its own.
"""
