"""A failure's calls as a Python snippet a person can run against the real executor.

The machine's actions are data; this renders them with the conventions of the task kit
written out (a task returns its future's number or raises ``TaskError``; a gated task waits on
its own ``threading.Event``), so the snippet needs nothing from execspec to reproduce the calls.
On real threads a race may need the snippet run several times; under the shim the schedule
seeds reproduce it exactly.

For an executor whose tasks run in other processes (``cross_process``) a ``threading.Event`` in
the client's memory is no gate a worker can see (a forked worker waits on its own copy for
ever, and the pool's exit then waits on that worker): the gates are ``multiprocessing.Manager``
events instead, passed to each task as an argument, as the socket kit's channel is.
"""

from __future__ import annotations

from typing import Sequence

from execspec.conformance.actions import (
    Action, ApiCall, Call, Create, MapClose, MapNext, OpenGate, Pause, Settle, TIMEOUTS,
)
from execspec.model.api import CASES
from execspec.model import (
    AddDoneCallback, AsCompleted, AsCompletedNext, Cancel, DropExecutor, GetException, GetResult,
    InitKind, InterpreterExit, Map, NewFuture, Query, SetException, SetResult,
    SetRunningOrNotifyCancel, Shutdown, Submit, TaskKind, Timeout, Wait,
)

_PRELUDE = '''import threading
import time
{imports}

class TaskError(Exception): pass
class FalsyError(Exception):
    def __bool__(self): return False

gates, fs, its, maps = {{}}, [], [], []
def task(fid, kind):
    gates[fid].wait()
    if kind == "raises": raise TaskError(fid)
    if kind == "raises-falsy": raise FalsyError(fid)
    return fid
def gate(fid, closed):  # the gate of the task numbered fid (the next future's number, len(fs))
    gates[fid] = threading.Event()
    if not closed: gates[fid].set()
    return fid
def in_thread(call):  # a call that may block runs on a thread of its own; the script goes on
    def run():
        try: call()
        except Exception as e: print("raised", repr(e))
    t = threading.Thread(target=run, daemon=True); t.start(); t.join(0.05)
'''


#: the task that waits on another future (the docs' deadlock shapes), written out when used
_WAITER = '''import time
def waiter(fid, k):  # waits on fs[k] (made before it, or next), then returns its own number
    while len(fs) <= k: time.sleep(0.01)
    try: fs[k].result()
    except Exception: pass
    return fid
'''


def _t(t: Timeout) -> str:
    return repr(TIMEOUTS[t][1])


#: the prelude's gates and task for an executor whose tasks run in other processes
_CROSS = ('''import multiprocessing
manager = multiprocessing.Manager()  # its events reach every worker process
def task(fid, kind, gate):
    gate.wait()
    if kind == "raises": raise TaskError(fid)
    if kind == "raises-falsy": raise FalsyError(fid)
    return fid
def gate(fid, closed):
    gates[fid] = manager.Event()
    if not closed: gates[fid].set()
    return fid
''')


def render(actions: Sequence[Action], module: str, factory: str, namespace: str = "concurrent.futures",
           cross_process: bool = False) -> str:
    """The actions as a script against ``module:factory``: the prelude, then :func:`calls`
    (``cross_process``: the executor runs its tasks in other processes; see the module doc)."""
    imports = f"from {module} import {factory} as make\nimport {namespace} as cf"
    waits = any(isinstance(a, Call) and isinstance(a.op, Submit) and a.op.task is TaskKind.WAITS for a in actions)
    prelude = _PRELUDE.format(imports=imports) + (_CROSS if cross_process else "") + (_WAITER if waits else "")
    body: list[str] = []
    for line, is_call in _lines(actions, cross_process):
        if is_call:  # a call may raise, as the machine may have expected: shown, and the script goes on
            body += [f"    try: {line}", f"    except Exception as e: print({line!r}, 'raised', repr(e))"]
        else:
            body.append(f"    {line}")
    return "\n".join([prelude, "try:", *(body or ["    pass"]), _END]) + "\n"


#: the script's end: making the executor can raise (the script stops there), and every gate
#: opens whatever happened, as the machine's teardown does (a task parked on a closed gate would
#: keep a process pool's exit, and so the script, waiting for ever)
_END = """except Exception as e:  # making the executor raised: shown here, and the script stops at it
    print(f"raised {type(e).__name__}: {e}")
finally:
    for g in gates.values(): g.set()  # as the machine's teardown does: every gate opens"""


def calls(actions: Sequence[Action], cross_process: bool = False) -> list[str]:
    """The actions as the script's lines, one per action (a failing initializer takes two);
    ``cross_process``: each task is given its gate (see the module doc)."""
    return [line for line, _ in _lines(actions, cross_process)]


def _lines(actions: Sequence[Action], cross_process: bool) -> list[tuple[str, bool]]:
    """(line, whether it is a call of the executor's API, which may raise). A future's number
    is the count of futures made before it (``len(fs)``) as the script runs, as the machine counts
    them: a submit that raises makes none, and the next one takes its number."""
    lines: list[tuple[str, bool]] = []
    for a in actions:
        if isinstance(a, Create):
            init = ""
            if a.init is not InitKind.NONE:
                exc = "SystemExit" if a.base_exception else "TaskError"
                body = f"raise {exc}('initializer')" if a.init is InitKind.FAILS else "pass"
                lines.append((f"def init(*args): {body}", False))
                init = f", initializer=init, initargs={a.initargs!r}"
            lines.append((f"ex = make(max_workers={a.max_workers!r}{init})", False))
        elif isinstance(a, OpenGate):
            lines.append((f"gates[{a.fid}].set()", False))
        elif isinstance(a, Settle):
            lines.append(("# let the executor run until every thread is parked", False))
        elif isinstance(a, Pause):
            lines.append((f"time.sleep({a.seconds!r})  # virtual seconds under the shim", False))
        elif isinstance(a, MapNext):
            lines.append((f"next(maps[{a.mid}])", True))
        elif isinstance(a, MapClose):
            lines.append((f"maps[{a.mid}].close()", True))
        elif isinstance(a, ApiCall):
            lines.append((f"# API case {a.case!r} (execspec.model.api): {CASES[a.case].does}", False))
        elif isinstance(a, Call):
            line = _call(a, cross_process)
            if a.may_block or a.on_thread:  # (in_thread shows what it raises)
                lines.append((f"in_thread(lambda: {line})", False))
            else:
                lines.append((line, not isinstance(a.op, (DropExecutor, InterpreterExit))))
    return lines


def _call(a: Call, cross_process: bool = False) -> str:
    op = a.op
    if isinstance(op, Submit) and op.task is TaskKind.WAITS:
        return f"fs.append(ex.submit(waiter, len(fs), {op.awaits}))"
    if isinstance(op, Submit):
        arg = ", gates[len(fs)]" if cross_process else ""
        return f"fs.append(ex.submit(task, gate(len(fs), {a.gates[0]}), {op.task.value!r}{arg}))"
    if isinstance(op, Map):
        n = len(op.tasks)
        fids = f"[gate(len(fs) + i, g) for i, g in enumerate({list(a.gates[:n])})]"
        timeout = f", timeout={TIMEOUTS[Timeout.FINITE][1]!r}" if a.map_timeout else ""
        kinds = [k.value for k in op.tasks]
        arg = f", [gates[len(fs) + i] for i in range({n})]" if cross_process else ""
        return f"maps.append(ex.map(task, {fids}, {kinds}{arg}{timeout})); fs.extend([None] * {n})"
    if isinstance(op, NewFuture) and a.foreign:
        return "import concurrent.futures; fs.append(concurrent.futures.Future())  # the stdlib's"
    if isinstance(op, NewFuture):
        return "fs.append(cf.Future())"
    if isinstance(op, Shutdown) and a.via_with:
        return "ex.__exit__(None, None, None)  # the end of `with ex:`"
    if isinstance(op, Shutdown) and op.wait and not op.cancel_futures:
        return "ex.shutdown()"
    if isinstance(op, Shutdown):
        return f"ex.shutdown(wait={op.wait}, cancel_futures={op.cancel_futures})"
    if isinstance(op, DropExecutor):
        return "del ex"
    if isinstance(op, InterpreterExit):
        return "# the interpreter exits here"
    if isinstance(op, Wait):
        return (f"cf.wait([fs[i] for i in {list(op.fids)}], timeout={_t(op.timeout)}, "
                f"return_when=cf.{op.return_when.value})")
    if isinstance(op, AsCompleted):
        return f"its.append(cf.as_completed([fs[i] for i in {list(op.fids)}], timeout={_t(op.timeout)}))"
    if isinstance(op, AsCompletedNext):
        return f"next(its[{op.iterator}])"
    calls = {Cancel: "cancel()", Query: "cancelled(), fs[{f}].running(), fs[{f}].done()",
             AddDoneCallback: "add_done_callback(lambda f: {raise_})",
             SetRunningOrNotifyCancel: "set_running_or_notify_cancel()",
             SetResult: "set_result('set')", SetException: "set_exception(TaskError('set'))"}
    if isinstance(op, (GetResult, GetException)):
        name = "result" if isinstance(op, GetResult) else "exception"
        return f"fs[{op.fid}].{name}(timeout={_t(op.timeout)})"
    if isinstance(op, AddDoneCallback) and a.nested:  # the callback adds one more when called
        return f"fs[{op.fid}].add_done_callback(lambda f: f.add_done_callback(lambda f: None))"
    text = calls[type(op)].format(f=op.fid, raise_="1/0" if a.raising else "None")
    return f"fs[{op.fid}].{text}"


__all__ = ["calls", "render"]
