"""The API surface the spec fixes: what each bad argument must raise, which names the module
provides, how its exceptions relate, and the argument rules (int and float timeouts, any
iterable for as_completed, ``fn`` positional-only) that no state of the pool depends on.

Nothing here has a state: each :class:`Case` is one short client program (the conformance
machine's driver performs it against the target) and what the spec says the client sees, as a
tuple of short strings, for the Python versions the case's clauses hold for. The machine
compares what the target showed with :func:`allowed`; anything else is a violation of the
case's clauses. Where a clause is CPython's choice (implementation-defined) the docs reading
allows a little more (``Case.also``); CPython's stdlib is held to its own.

>>> expected(CASES["initializer-not-callable"], (3, 12))
('raises TypeError',)
>>> expected(CASES["timeout-alias"], (3, 10)) is None  # EXC-TIMEOUT-ALIAS is 3.11+
True
>>> expected(CASES["timeout-distinct"], (3, 10))
('not the builtin TimeoutError', 'not an OSError')
"""

from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, int]

#: an argument no executor accepts as wait()'s return_when (WAIT-RETURN-WHEN-INVALID)
BOGUS_RETURN_WHEN = "EXECSPEC_NOT_A_RETURN_WHEN"

#: the thread_name_prefix the name case passes (TPE-THREAD-NAME-PREFIX)
PREFIX = "execspec-api"

#: the CPU counts the default-size cases try beside the shim's own 2, each with the calls made
#: there: 4 (2 + 4 is also 2 | 4 and 2 ^ 4), 40 (past 28 the bound of 32 decides) and one the
#: OS cannot tell (None, which CPython counts as 1)
OTHER_CPUS: tuple[tuple[int | None, int], ...] = ((4, 10), (40, 40), (None, 10))

#: MOD-NAMES: what a client imports from the module for the thread side
MODULE_NAMES: tuple[str, ...] = (
    "Executor", "ThreadPoolExecutor", "Future", "wait", "as_completed", "FIRST_COMPLETED",
    "FIRST_EXCEPTION", "ALL_COMPLETED", "CancelledError", "TimeoutError", "BrokenExecutor",
    "InvalidStateError",
)

#: MOD-CONSTANTS: the three return_when constants
CONSTANTS: tuple[str, ...] = ("FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED")

#: EXC-ERROR-BASE: the module's own exceptions, each an Exception
EXCEPTIONS: tuple[str, ...] = ("CancelledError", "TimeoutError", "InvalidStateError", "BrokenExecutor")


@dataclass(frozen=True)
class Case:
    """One client program over the API surface and what the spec says it shows.

    ``needs``: what the program uses beyond bare futures of the module: ``"pool"`` a thread
    pool made with constructor arguments of its own (TPE-*), ``"executor"`` a fresh executor
    of the target, ``"module"`` the module's names themselves, ``"exited"`` a pool of its own
    made once interpreter exit has begun (run only then: the machine's exit under the shim),
    ``"fork"`` pools of its own and a fork (run only in its shape, right after ``create``: the
    child goes on with every later step, and the pools made before it have no threads there),
    ``""`` nothing.
    """

    name: str
    does: str  # the program, in words
    clauses: tuple[str, ...]
    shows: tuple[str, ...]  # what the spec says the client sees (CPython's own, for the stdlib)
    needs: str = ""
    #: what else the docs reading allows where the clause is CPython's choice (implementation-defined):
    #: a pool that type-checks max_workers, or refuses an invalid return_when every time, keeps the docs
    also: tuple[tuple[str, ...], ...] = ()
    since: Version = (3, 8)
    until: Version | None = None  # last version it holds for (None: every later one)
    #: run under the shim only: the program counts threads or calls running at once, which on
    #: real threads it could learn only by sleeping (the shim's clock is virtual; its CPU count 2)
    shim_only: bool = False
    #: a feature an executor other than CPython's stdlib may offer before ``since`` (impl's
    #: ``map(buffersize=)`` on any Python): there, what the program shows when the target lacks
    #: it; a target that has it is held to the clauses as from ``since`` on
    early: tuple[str, ...] = ()

    def holds_for(self, python: Version) -> bool:
        """Whether the case's clauses hold for ``python`` (their ``versions``)."""
        return python >= self.since and (self.until is None or python <= self.until)


def default_size(cpus: int | None) -> int:
    """TPE-MAX-WORKERS-DEFAULT-38/-313: the threads ``max_workers=None`` allows when the OS
    reports ``cpus`` (None: it cannot tell).

    >>> default_size(4), default_size(40), default_size(None)
    (8, 32, 5)
    """
    return min(32, (cpus or 1) + 4)


def cpus_label(cpus: int | None) -> str:
    """How a default-size case names a CPU count.

    >>> cpus_label(4), cpus_label(None)
    ('4 CPUs', 'CPU count unknown')
    """
    return "CPU count unknown" if cpus is None else f"{cpus} CPUs"


def running_at_once(cpus: int | None, calls: int) -> str:
    """What a default-size case shows for ``calls`` blocking calls when the OS reports ``cpus``.

    >>> running_at_once(40, 40)
    '40 CPUs: 32 of 40 calls running at once'
    """
    return f"{cpus_label(cpus)}: {min(calls, default_size(cpus))} of {calls} calls running at once"


#: what a buffersize case shows on an executor whose map() has no buffersize (before 3.14)
_NO_BUFFERSIZE = ("no buffersize parameter",)

_CASES: tuple[Case, ...] = (
    # TPE-MAX-WORKERS-TYPE: only a comparison with 0, so a value that cannot be compared fails there
    Case("max-workers-not-a-number", "ThreadPoolExecutor(max_workers='two')",
         ("TPE-MAX-WORKERS-TYPE",), ("raises TypeError",), "pool", also=(("raises ValueError",),)),
    # TPE-MAX-WORKERS-TYPE, TPE-MAX-WORKERS-INVALID: False compares as 0
    Case("max-workers-false", "ThreadPoolExecutor(max_workers=False)",
         ("TPE-MAX-WORKERS-TYPE", "TPE-MAX-WORKERS-INVALID"), ("raises ValueError",), "pool",
         also=(("raises TypeError",),)),
    # TPE-MAX-WORKERS-TYPE: True works as one worker
    Case("max-workers-true", "ThreadPoolExecutor(max_workers=True), then submit(fn, 5).result()",
         ("TPE-MAX-WORKERS-TYPE",), ("returns", "result 5"), "pool", also=(("raises TypeError",),)),
    # TPE-MAX-WORKERS-INVALID: zero or less, as an int, is refused in the constructor
    Case("max-workers-zero", "ThreadPoolExecutor(max_workers=0)", ("TPE-MAX-WORKERS-INVALID",),
         ("raises ValueError",), "pool"),
    Case("max-workers-negative", "ThreadPoolExecutor(max_workers=-1)", ("TPE-MAX-WORKERS-INVALID",),
         ("raises ValueError",), "pool"),
    # TPE-SUBMIT-AFTER-EXIT: "any thread pool", a pool made after exit began included
    Case("submit-after-exit", "once interpreter exit has begun, ThreadPoolExecutor(1) made anew, then submit(fn)",
         ("TPE-SUBMIT-AFTER-EXIT",), ("raises RuntimeError",), "exited", shim_only=True),
    # TPE-FORK: a child forked while a pool's workers run calls, and make pools of their own
    # (each takes the module's locks), can still make a pool and use it; three forks, each
    # from the child of the one before (the shim's fork: the workers are gone, their locks held)
    Case("fork-new-pool", "three times: a pool of 2 runs calls, some making pools of their own; fork; in the "
         "child a new pool's call", ("TPE-FORK",), ("a pool made in each child returns [9, 9, 9]",), "fork",
         since=(3, 9), shim_only=True),
    # TPE-LAZY-THREADS, TPE-IDLE-REUSE: no thread before work; one worker serves calls made one
    # after another (each waited for, the worker idle again before the next)
    Case("threads-lazy-and-reused", "ThreadPoolExecutor(3): its threads before any submit, after three "
         "calls made one after another, and after three more, each with a done-callback",
         ("TPE-LAZY-THREADS", "TPE-IDLE-REUSE"),
         ("0 threads before any submit", "1 thread after three calls one after another",
          "1 thread after three more with callbacks"), "pool", shim_only=True),
    # TPE-LAZY-THREADS, TPE-MAX-WORKERS-BOUND: calls that overlap (each blocks until the end) get
    # one thread each, up to the bound; none is started ahead of need
    Case("threads-burst", "ThreadPoolExecutor(3): two calls that block submitted at once, then three more: "
         "the threads and the calls running each time",
         ("TPE-LAZY-THREADS", "TPE-MAX-WORKERS-BOUND"),
         ("2 calls: 2 threads, 2 running", "5 calls: 3 threads, 3 running"), "pool", shim_only=True),
    # ... and when three threads submit at once (then the client, up to the bound); shutdown(wait=True)
    # still returns once the calls end (EXE-SHUTDOWN-WAIT)
    Case("threads-from-three-submitters", "ThreadPoolExecutor(8): three threads submit two calls that block "
         "each, at once; then the client four more: the threads and the calls running each time",
         ("TPE-LAZY-THREADS", "TPE-MAX-WORKERS-BOUND", "EXE-SHUTDOWN-WAIT"),
         ("6 calls: 6 threads, 6 running", "10 calls: 8 threads, 8 running"), "pool", shim_only=True),
    # INV-PROGRESS, TPE-IDLE-REUSE: a worker running a done-callback is not idle, so a call the callback
    # submits (with room for a thread) starts one, and the callback can wait for it
    Case("threads-callback-submits", "ThreadPoolExecutor(2): a done-callback submits a call and waits for "
         "its result (10 s)", ("INV-PROGRESS", "TPE-IDLE-REUSE"),
         ("the call submitted from the callback returned 3",), "pool", shim_only=True),
    # EXE-SHUTDOWN-WAIT: shutdown(wait=True) right after a burst into a cold pool waits for every call
    # and every thread, those still being started included; and after a single call
    Case("shutdown-after-a-burst", "ThreadPoolExecutor(8): eight calls at once, each waiting until all have "
         "started, then shutdown(wait=True); ThreadPoolExecutor(2): one call, then shutdown(wait=True)",
         ("EXE-SHUTDOWN-WAIT",),
         ("8 calls: 8 done, 0 threads alive after shutdown", "1 call: 1 done, 0 threads alive after shutdown"),
         "pool", shim_only=True),
    # TPE-IDLE-REUSE: a worker that lost a queued call to another worker is idle all the same
    # (the race shape runs it on pinned interleavings that reach that window)
    Case("threads-idle-after-a-handoff", "ThreadPoolExecutor(3): a call, a second submitted as the first ends, "
         "both workers idle, then two calls that block: the threads then", ("TPE-IDLE-REUSE",),
         ("2 threads after two calls into two idle workers",), "pool", shim_only=True),
    # TPE-MAX-WORKERS-DEFAULT-38 / -313: max_workers=None means min(32, CPUs + 4): 6 on the
    # shim's 2 CPUs, so 6 of 10 blocked calls run at once (-35: not the 3.5 rule's 10)
    Case("max-workers-default", "ThreadPoolExecutor(): 10 calls that block, how many run at once",
         ("TPE-MAX-WORKERS-DEFAULT-38", "TPE-MAX-WORKERS-DEFAULT-35"), ("6 of 10 calls running at once",), "pool",
         until=(3, 12), shim_only=True),
    Case("max-workers-default-313", "ThreadPoolExecutor(): 10 calls that block, how many run at once",
         ("TPE-MAX-WORKERS-DEFAULT-313", "TPE-MAX-WORKERS-DEFAULT-35"), ("6 of 10 calls running at once",), "pool",
         since=(3, 13), shim_only=True),
    # ... and at the other CPU counts the shim can report (within the program only)
    Case("max-workers-default-other-cpus", "ThreadPoolExecutor() under 4 CPUs, 40 CPUs and a CPU count the OS "
         "cannot tell: blocking calls, how many run at once", ("TPE-MAX-WORKERS-DEFAULT-38",),
         tuple(running_at_once(cpus, calls) for cpus, calls in OTHER_CPUS), "pool", until=(3, 12), shim_only=True),
    Case("max-workers-default-other-cpus-313", "ThreadPoolExecutor() under 4 CPUs, 40 CPUs and a CPU count the "
         "OS cannot tell: blocking calls, how many run at once", ("TPE-MAX-WORKERS-DEFAULT-313",),
         tuple(running_at_once(cpus, calls) for cpus, calls in OTHER_CPUS), "pool", since=(3, 13), shim_only=True),
    # TPE-INITIALIZER-NOT-CALLABLE: refused in the constructor, not when a worker starts
    Case("initializer-not-callable", "ThreadPoolExecutor(max_workers=1, initializer=42)",
         ("TPE-INITIALIZER-NOT-CALLABLE",), ("raises TypeError",), "pool"),
    # TPE-THREAD-NAME-PREFIX: worker names begin with the prefix
    Case("thread-name-prefix", f"ThreadPoolExecutor(1, thread_name_prefix={PREFIX!r}): the worker's name",
         ("TPE-THREAD-NAME-PREFIX",), (f"begins with {PREFIX!r}",), "pool"),
    # WAIT-RETURN-WHEN-INVALID: ValueError when wait() has to block ...
    Case("wait-return-when-invalid", f"wait([a pending future], timeout=0, return_when={BOGUS_RETURN_WHEN!r})",
         ("WAIT-RETURN-WHEN-INVALID",), ("raises ValueError",)),
    # ... but a normal return when every future is done already
    Case("wait-return-when-invalid-done", f"wait([a done future], return_when={BOGUS_RETURN_WHEN!r})",
         ("WAIT-RETURN-WHEN-INVALID",), ("returns 1 done, 0 not done",), also=(("raises ValueError",),)),
    # FUT-TIMEOUT-NUMBER: an int and a float of the same seconds mean the same
    Case("timeouts-int-and-float", "result(0), result(0.0), exception(0) of a pending future; result(1) of a "
         "done one; wait([pending], timeout=0); next(as_completed([pending], timeout=0))",
         ("FUT-TIMEOUT-NUMBER",),
         ("result(0): raises TimeoutError", "result(0.0): raises TimeoutError", "exception(0): raises TimeoutError",
          "result(1) of a done future: returns", "wait(timeout=0): 0 done, 1 not done",
          "as_completed(timeout=0): raises TimeoutError")),
    # FUT-TIMEOUT-NONPOSITIVE: CPython treats a negative timeout as zero; the docs say nothing of
    # negative timeouts, so refusing every one of them with ValueError keeps the docs too
    Case("timeouts-negative", "result(-1), exception(-1), exception(-1.5) of a pending future; "
         "wait([pending], timeout=-1); next(as_completed([pending], timeout=-1))", ("FUT-TIMEOUT-NONPOSITIVE",),
         ("result(-1): raises TimeoutError", "exception(-1): raises TimeoutError",
          "exception(-1.5): raises TimeoutError", "wait(timeout=-1): 0 done, 1 not done",
          "as_completed(timeout=-1): raises TimeoutError"),
         also=(("result(-1): raises ValueError", "exception(-1): raises ValueError",
                "exception(-1.5): raises ValueError", "wait(timeout=-1): raises ValueError",
                "as_completed(timeout=-1): raises ValueError"),)),
    # WAIT-EMPTY, AC-EMPTY: nothing to wait for returns at once, whatever the arguments
    Case("waits-on-nothing", "wait([]) with each return_when and with timeout None and 0; "
         "list(as_completed([])) and with timeout 0", ("WAIT-EMPTY", "AC-EMPTY"),
         ("wait: 0 done, 0 not done each time", "as_completed: nothing yielded each time")),
    # EXE-MAP-ZIP: several iterables are zipped, the shortest one ending the calls
    Case("map-zip", "list(map(pow, [2, 3, 4], [5, 2]))", ("EXE-MAP-ZIP",), ("returns [32, 9]",), "executor"),
    # AC-ANY-ITERABLE: any iterable, read completely when the iteration starts
    Case("as-completed-any-iterable", "as_completed over two done futures as a generator, a set, dict keys, and "
         "a list extended after the first next()",
         ("AC-ANY-ITERABLE",),
         ("generator: 2 yielded", "set: 2 yielded", "dict keys: 2 yielded", "list extended later: 2 yielded")),
    # EXE-SUBMIT-FN-POSITIONAL: a keyword named fn reaches the callable
    Case("submit-fn-keyword", "submit(echo_kwargs, fn=3).result()", ("EXE-SUBMIT-FN-POSITIONAL",),
         ("returns", "the callable got fn=3"), "executor", since=(3, 9)),
    # EXE-MAP-BUFFERSIZE-INVALID: refused at the call, before anything is submitted
    Case("map-buffersize-zero", "map(fn, [1, 2], buffersize=0)", ("EXE-MAP-BUFFERSIZE-INVALID",),
         ("raises ValueError", "0 inputs read"), "executor", since=(3, 14), early=_NO_BUFFERSIZE),
    # (CPython's TypeError is its choice: a pool that refuses a non-int with ValueError keeps the docs)
    Case("map-buffersize-not-an-int", "map(fn, [1, 2], buffersize='2')", ("EXE-MAP-BUFFERSIZE-INVALID",),
         ("raises TypeError", "0 inputs read"), "executor", since=(3, 14), early=_NO_BUFFERSIZE,
         also=(("raises ValueError", "0 inputs read"),)),
    # EXE-MAP-BUFFERSIZE, EXE-MAP-BUFFERSIZE-LAZY: an endless input, read buffersize items ahead
    Case("map-buffersize-lazy", "it = map(fn, an endless counter, buffersize=2); inputs read; next(it); "
         "inputs read", ("EXE-MAP-BUFFERSIZE", "EXE-MAP-BUFFERSIZE-LAZY"),
         ("returns", "2 inputs read", "first result 0", "3 inputs read"), "executor", since=(3, 14),
         early=_NO_BUFFERSIZE),
    # ... each next() reads one input more, before it waits, until they run out; every result in order
    Case("map-buffersize-all", "it = map(fn, 5 inputs, buffersize=2); next(it) until it ends, counting the "
         "inputs read after each", ("EXE-MAP-BUFFERSIZE", "EXE-MAP-BUFFERSIZE-LAZY", "EXE-MAP-ORDER"),
         ("returns", "read 2, 3, 4, 5, 5, 5", "results 1, 2, 3, 4, 5"), "executor", since=(3, 14),
         early=_NO_BUFFERSIZE),
    # ... a raising call raises from its next(), in its place; the iterator then ends
    Case("map-buffersize-raises", "it = map(fn, 4 inputs, the second raises, buffersize=1); next(it) until "
         "it raises", ("EXE-MAP-BUFFERSIZE", "EXE-MAP-EXCEPTION"),
         ("first result 1", "then raises ValueError", "then ends"), "executor", since=(3, 14),
         early=_NO_BUFFERSIZE),
    # EXE-ABSTRACT: Executor's submit does nothing; map, shutdown and `with` are built on submit
    Case("executor-abstract", "Executor().submit(fn); a subclass whose submit runs the call at once: map, "
         "`with`, shutdown", ("EXE-ABSTRACT",),
         ("submit raises NotImplementedError", "map over submit: [1, 2]", "with gives the executor itself",
          "shutdown returns None"), "module"),
    # MOD-NAMES
    Case("module-names", "the names of the module", ("MOD-NAMES",), ("none missing",), "module"),
    # MOD-CONSTANTS: three distinct values, each accepted by wait()
    Case("module-constants", "FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED; wait() on a done future with each",
         ("MOD-CONSTANTS",), ("3 distinct", "wait accepts each"), "module"),
    # EXC-ERROR-BASE
    Case("exceptions-are-exceptions", "issubclass(each of the module's exceptions, Exception)",
         ("EXC-ERROR-BASE",), tuple(f"{name} is an Exception" for name in EXCEPTIONS), "module"),
    # EXC-TIMEOUT-ALIAS (3.11+) and EXC-TIMEOUT-DISTINCT (up to 3.10)
    Case("timeout-alias", "the module's TimeoutError", ("EXC-TIMEOUT-ALIAS",),
         ("the builtin TimeoutError", "an OSError"), "module", since=(3, 11)),
    Case("timeout-distinct", "the module's TimeoutError", ("EXC-TIMEOUT-DISTINCT",),
         ("not the builtin TimeoutError", "not an OSError"), "module", until=(3, 10)),
)

#: every case by name, in the order above
CASES: dict[str, Case] = {c.name: c for c in _CASES}


def expected(case: Case, python: Version) -> tuple[str, ...] | None:
    """What the spec says a client sees running ``case`` on ``python`` (CPython's reading);
    None where the case's clauses do not hold for that version (nothing to check)."""
    return case.shows if case.holds_for(python) else None


def allowed(case: Case, python: Version, cpython: bool = False) -> tuple[tuple[str, ...], ...]:
    """Every observation of ``case`` the spec allows on ``python``: CPython's own only for
    CPython's stdlib (``cpython``), else the docs reading's too; () where nothing is checked.

    >>> allowed(CASES["max-workers-false"], (3, 11))
    (('raises ValueError',), ('raises TypeError',))
    >>> allowed(CASES["max-workers-false"], (3, 11), cpython=True)
    (('raises ValueError',),)
    >>> allowed(CASES["map-buffersize-zero"], (3, 11), cpython=True)  # 3.14+ in the stdlib
    ()
    >>> allowed(CASES["map-buffersize-zero"], (3, 11))[-1]  # elsewhere: held to it if offered
    ('no buffersize parameter',)
    """
    shows = expected(case, python)
    if shows is None:
        if not case.early or cpython or python >= case.since or (case.until and python > case.until):
            return ()
        return (case.shows, *case.also, case.early)
    return (shows,) if cpython else (shows, *case.also)


def thread_name(name: str) -> str:
    """What the name case shows for a worker called ``name`` (TPE-THREAD-NAME-PREFIX).

    >>> thread_name("execspec-api_0")
    "begins with 'execspec-api'"
    """
    return f"begins with {PREFIX!r}" if name.startswith(PREFIX) else f"named {name!r}"


def clauses() -> tuple[str, ...]:
    """Every clause a case checks (for the coverage of the model)."""
    return tuple(dict.fromkeys(c for case in _CASES for c in case.clauses))


__all__ = ["BOGUS_RETURN_WHEN", "CASES", "CONSTANTS", "EXCEPTIONS", "MODULE_NAMES", "OTHER_CPUS", "PREFIX", "Case",
           "allowed", "clauses", "cpus_label", "default_size", "expected", "running_at_once", "thread_name"]
