"""Who waits on what, at the executor's level: the analysis behind a deadlock report.

A stuck execution is a set of suspended greenlets. Their frames say everything: the
innermost shim frame holds the primitive a thread blocks on (its ``self``); walking outward
through the executor's frames (modules the loader ran) finds the *future* that call waits
on -- any object with ``result``, ``set_result`` and ``add_done_callback``, usually the
``self`` of ``Future.result`` -- and, further out, the future the thread is *running*: a
future-like local of a worker frame, or a work item's ``.future`` (stdlib ``_WorkItem``,
a tuple ``(future, fn, ...)`` in other executors). Queued futures are found by scanning
every shim queue of the execution the same way; a queue's *workers* are the threads whose
executor frames hold it.

From that, a wait-for graph over threads, futures and queues::

    thread --waits on--> future --run by--> thread
                          future --queued in--> queue --served by--> each of its workers
    thread --acquires--> lock --held by--> thread        thread --joins--> thread

and its first cycle is the deadlock's explanation. Nothing here is specific to one
executor: the checker never special-cases ``impl``. Reading frames and futures lives in
``frames``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from execspec.sched.postmortem.frames import (
    FrameInfo, frame_info, frame_kind, future_in, future_state, futures_in_collection, is_future, locals_of, running_in, thread_frames,
)

from execspec.sched.kernel.prim import Prim
from execspec.sched.kernel.runtime import CThread, Runtime
from execspec.sched.shims.queue import SimpleQueue
from execspec.sched.shims.semaphore import Semaphore
from execspec.sched.shims.sync import Condition, Lock
from execspec.sched.shims.threading import Thread

__all__ = ["ThreadWait", "WaitGraph", "analyze", "future_note"]


def future_note(state: str | None) -> str:
    """What to say of an awaited future no thread runs and no queue holds, by its state
    (``frames.future_state``)."""
    if state in ("cancelled", "finished"):
        # Done, yet someone still waits on it: whoever completed it did not wake its waiters.
        return f"already done ({state}), but its waiters were never woken: a lost wake-up"
    if state == "running":
        return "marked running, but no thread runs it: nothing will complete it"
    return "not running and not queued: nothing will complete it"


@dataclass
class ThreadWait:
    """What one thread is doing and waiting on."""

    tid: int
    name: str
    role: str = ""  # "main thread", "worker 0"
    task: str | None = None  # the user function it runs (workers)
    waits: str = ""  # human text: "waits on future b (wait_on_a)"
    edges: list[tuple[str, int]] = field(default_factory=list)  # wait-for edges (node keys)
    stack: list[FrameInfo] = field(default_factory=list)
    done: bool = False

    @property
    def label(self) -> str:
        """``worker 0 (ThreadPoolExecutor-0_0)`` / ``main thread``."""
        if self.role in ("main thread", ""):
            return self.role or f"thread {self.name}"
        return f"{self.role} ({self.name})"


@dataclass
class WaitGraph:
    """Threads, futures and queues of a stuck execution, and who waits on whom."""

    threads: dict[int, ThreadWait]
    nodes: dict[tuple[str, int], str]  # node key -> human name
    edges: dict[tuple[str, int], list[tuple[str, int]]]
    notes: dict[tuple[str, int], str]  # extra words on a node ("queued at position 1 ...")
    #: how a thread waits on another directly: "waits for lock B, held by", "joins"
    via: dict[tuple[tuple[str, int], tuple[str, int]], str] = field(default_factory=dict)

    def cycle(self) -> list[tuple[str, int]] | None:
        """The first wait-for cycle through a thread, as a list of node keys."""
        for start in sorted(k for k in self.edges if k[0] == "thread"):
            path = _find_cycle(start, self.edges)
            if path:
                return path
        return None


def _find_cycle(start: tuple[str, int],
                edges: dict[tuple[str, int], list[tuple[str, int]]]) -> list[tuple[str, int]] | None:
    stack: list[tuple[tuple[str, int], int]] = [(start, 0)]
    path = [start]
    on_path = {start}
    while stack:
        node, i = stack[-1]
        succ = edges.get(node, [])
        if i >= len(succ):
            stack.pop()
            on_path.discard(path.pop())
            continue
        stack[-1] = (node, i + 1)
        nxt = succ[i]
        if nxt == start:
            return list(path)
        if nxt in on_path or len(path) > 50:
            continue
        stack.append((nxt, 0))
        path.append(nxt)
        on_path.add(nxt)
    return None



# -- analysis -----------------------------------------------------------------------------

def analyze(rt: Runtime, current: CThread | None, current_frame: FrameType | None) -> WaitGraph:
    """Build the wait-for graph of ``rt``'s live threads."""
    env = rt.env
    files = env.files if env is not None else set()
    names: dict[int, str] = {}  # id(future) -> human name
    fut_fn: dict[int, Any] = {}
    run_by: dict[int, int] = {}  # id(future) -> tid running it
    queued: dict[int, tuple[Any, int]] = {}  # id(future) -> (queue, position)
    servers: dict[int, list[int]] = {}  # queue oid -> worker tids
    keep: dict[int, Any] = {}  # id -> object (ids stay valid while we look)
    threads: dict[int, ThreadWait] = {}
    blocked: dict[int, tuple[Any, list[Any], str]] = {}  # tid -> (prim, futures waited, mode)

    for q in rt.objects:
        if isinstance(q, SimpleQueue):
            for pos, item in enumerate(q.items(), 1):
                found = future_in(item)
                if found:
                    keep[id(found[0])] = found[0]
                    queued.setdefault(id(found[0]), (q, pos))
                    if found[1] is not None:
                        fut_fn.setdefault(id(found[0]), found[1])

    for th in rt.threads:
        tw = ThreadWait(th.tid, th.shim.name, done=th.done)
        threads[th.tid] = tw
        if th.done or ((not th.running or th.dead) and th.tid != 0 and th is not current):
            continue
        frames = thread_frames(th, current_frame if th is current else None)
        kinds = [frame_kind(f, files) for f in frames]
        tw.stack = [frame_info(f, k) for f, k in zip(frames, kinds)]
        # the primitive: innermost shim frame whose self is a shim object or thread
        prim: Any = None
        inner = len(frames)
        for i in range(len(frames) - 1, -1, -1):
            if kinds[i] != "shim":
                break
            s = frames[i].f_locals.get("self")
            if isinstance(s, (Prim, Thread)) and prim is None:
                prim = s
            inner = i
        # the task a worker runs, and the future it is running (found first: a thread never
        # waits on the future it runs, so that one is excluded from what it waits on)
        first_user = next((i for i, k in enumerate(kinds) if k == "user"), None)
        exec_idx = [i for i, k in enumerate(kinds) if k == "executor"]
        running: Any = None
        if th.tid != 0 and exec_idx and (first_user is None or exec_idx[0] < first_user):
            tw.task = frames[first_user].f_code.co_name if first_user is not None else None
            limit = first_user if first_user is not None else inner
            for i in range(limit - 1, -1, -1):
                if kinds[i] == "executor":
                    running = running_in(frames[i], queued, run_by)
                    if running is not None:
                        fut, fn = running
                        run_by[id(fut)] = th.tid
                        keep[id(fut)] = fut
                        fut_fn.setdefault(id(fut), fn or tw.task)
                        if tw.task is None and fn is not None:
                            tw.task = getattr(fn, "__name__", None)
                        running = fut
                        break
            for i in exec_idx:
                for _, v in locals_of(frames[i]):
                    if isinstance(v, SimpleQueue):
                        servers.setdefault(v._oid, [])
                        if th.tid not in servers[v._oid]:
                            servers[v._oid].append(th.tid)
        # the future waited on: executor frames just outside the blocking call
        waited: list[Any] = []
        mode = ""
        for i in range(inner - 1, -1, -1):
            if kinds[i] == "user":
                break
            loc = {k: v for k, v in locals_of(frames[i]) if v is not running}
            s = loc.get("self")
            if is_future(s):
                waited = [s]
                break
            fs = [f for v in loc.values() for f in futures_in_collection(v) if f is not running]
            if fs:
                waited = list(dict.fromkeys(fs))
                mode = str(loc.get("return_when", "")) or "any"
                break
            single = [v for v in loc.values() if is_future(v)]
            if single:
                waited = single[:1]
                break
        for f in waited:
            keep[id(f)] = f
        if th is not current and (th.ready is None or th.ready()):
            op = th.op
            tw.waits = f"runnable, next step: {op.label or op.kind}"  # not blocked: no edges
        else:
            blocked[th.tid] = (prim, waited, mode)
    # roles
    threads[0].role = "main thread"
    for oid, tids in servers.items():
        for i, tid in enumerate(sorted(tids)):
            if not threads[tid].role:
                threads[tid].role = f"worker {i}" if len(servers) == 1 else f"worker {i} of queue #{oid}"
    # names of futures
    for key, fut in keep.items():
        given = env.name_of(fut) if env is not None else None
        fn = fut_fn.get(key)
        fname = getattr(fn, "__name__", None) if fn is not None and not isinstance(fn, str) else fn
        if given:
            names[key] = f"future {given}" + (f" ({fname})" if fname else "")
        elif fname:
            names[key] = f"the future of {fname}"
        else:
            names[key] = f"future #{len(names) + 1}"

    counts = Counter(names.values())
    nth: Counter[str] = Counter()
    for key, name in list(names.items()):
        if counts[name] > 1:  # "the future of wait" twice: number them
            nth[name] += 1
            names[key] = f"{name} #{nth[name]}"
    nodes: dict[tuple[str, int], str] = {}
    edges: dict[tuple[str, int], list[tuple[str, int]]] = {}
    notes: dict[tuple[str, int], str] = {}
    via: dict[tuple[tuple[str, int], tuple[str, int]], str] = {}
    for tid, tw in threads.items():
        nodes[("thread", tid)] = tw.label
    for key, fut in keep.items():
        node = ("future", key)
        nodes[node] = names[key]
        if key in run_by:
            edges[node] = [("thread", run_by[key])]
            notes[node] = f"run by {threads[run_by[key]].label}"
        elif key in queued:
            q, pos = queued[key]
            qnode = ("queue", q._oid)
            nodes[qnode] = q._name
            edges[node] = [qnode]
            ws = servers.get(q._oid, [])
            notes[node] = f"queued at position {pos} in {q._name}"
            edges[qnode] = [("thread", t) for t in ws]
            if len(ws) == 1:
                notes[qnode] = f"the only worker, {threads[ws[0]].label}, is busy"
            elif ws:
                notes[qnode] = f"all {len(ws)} workers are busy"
            else:
                notes[qnode] = "no worker serves it"
        else:
            notes[node] = future_note(future_state(fut))
    for tid, (prim, waited, mode) in blocked.items():
        tw = threads[tid]
        node = ("thread", tid)
        owner = getattr(prim, "_owner", None)
        if waited:
            edges[node] = [("future", id(f)) for f in waited]
            what = ", ".join(names[id(f)] for f in waited)
            if len(waited) > 1:
                tw.waits = f"waits on {'all' if 'ALL' in mode else 'any'} of {what}"
            else:
                tw.waits = f"waits on {what}"
            tw.waits += "".join(f"; {names[id(f)]} is {notes[('future', id(f))]}" for f in waited[:1]
                                if ("future", id(f)) in notes)
        elif isinstance(prim, Thread):
            g = prim._glet
            tgt = threads.get(g.tid) if g is not None else None
            if tgt is not None:
                edges[node] = [("thread", tgt.tid)]
                via[(node, ("thread", tgt.tid))] = "joins"
            exiting = rt.threads[tid].in_exit or (tid == 0 and env is not None and env.exiting)
            tw.waits = ("interpreter exit: joins " if exiting else "joins ") + (
                tgt.label if tgt else prim.name)
        elif isinstance(prim, Lock) and owner is not None and getattr(owner, "tid", None) is not None:
            edges[node] = [("thread", owner.tid)]
            via[(node, ("thread", owner.tid))] = f"waits for {prim._name}, held by"
            tw.waits = f"waits for {prim._name}, held by {threads[owner.tid].label}"
        elif isinstance(prim, SimpleQueue):
            tw.waits = f"idle: waits for work on {prim._name}" if servers.get(prim._oid) and \
                tid in servers[prim._oid] else f"waits for an item on {prim._name}"
        elif isinstance(prim, (Condition, Semaphore)) or isinstance(prim, Prim):
            tw.waits = f"waits on {prim._name} (nothing that could wake it is running)"
        elif prim is None and not rt.threads[tid].done:
            op = rt.threads[tid].op
            tw.waits = f"runnable, next step: {op.label or op.kind}"
    return WaitGraph(threads, nodes, edges, notes, via)
