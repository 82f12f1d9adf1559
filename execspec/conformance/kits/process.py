"""The cross-process kit: tasks that run in other processes (process pools, loky, dask workers).

Every task runs ``fn = functools.partial(run_task, channel)``: a module-level function and a
small frozen :class:`Channel` (a host and a port), so it pickles with plain ``pickle`` (the
stdlib's process pool, whatever its start method) and with ``cloudpickle`` (dask, loky). The
initializer is ``functools.partial(run_init, channel, fails)`` for the same reason.

**Why a socket server on 127.0.0.1, not a** ``multiprocessing.Manager()``:

- *The records stay in the client's process, as plain Python.* ``begun()`` and ``init_calls()``
  are local reads, as cheap and as atomic as the in-process kit's; the driver reads every
  snapshot twice (and up to 50 times while things move), which through a manager would be two
  inter-process round trips per read, each a chance for a torn view.
- *No process of the harness's own.* A manager is a child process: it shows up in
  ``multiprocessing.active_children()``, so "the executor left no process behind" could not be
  told from "the harness did", and a manager that dies takes every gate with it.
- *Any worker can reach it, however it was started*: fork, spawn, forkserver, a dask nanny's
  worker, loky's ``cloudpickle``-based workers. A manager proxy unpickled outside a
  multiprocessing child needs the parent's ``authkey``; a host and a port need nothing.
- *Nothing of the executor's own is used to watch it* (the reason the dask kit uses this channel
  too rather than ``distributed.Event``): a probe that travels through the system under test
  would make the executor's own lags look like its conformance failures.

The protocol is one line per connection. ``begin FID`` records that task ``FID`` began, then
(server side) waits for its gate, bounded, and answers the task's kind (``returns``,
``raises``, ``raises-falsy``) or ``timeout``; so a task is recorded as begun before it does
anything, and parks without holding anything but a socket. ``init JSON`` records an
initializer call's arguments. :meth:`SocketKit.close` opens every gate and shuts the server
down (its threads are daemons; the listening socket is shut down, not only closed: forked
workers hold copies of its descriptor). A task that reaches a closed channel raises
:class:`HarnessError` at once (never observed: the machine has stopped looking by then).

>>> import pickle
>>> from execspec.conformance.kits.base import FalsyError
>>> e = pickle.loads(pickle.dumps(FalsyError("task 1")))
>>> type(e).__name__, bool(e), str(e)
('FalsyError', False, 'task 1')
>>> from execspec.model import TaskKind
>>> kit = SocketKit()
>>> kit.prepare(0, TaskKind.RETURNS, gated=False)
>>> pickle.loads(pickle.dumps(kit.fn))(0), kit.begun()
(0, {0: 1})
>>> kit.close()
"""

from __future__ import annotations

import functools
import json
import logging
import socket
import socketserver
import threading
from dataclasses import dataclass
from typing import Any, Callable

from execspec.conformance.kits.base import act
from execspec.model import TaskKind

#: real seconds a gated task waits for its gate before giving up (a harness that lost track)
GATE_BOUND = 60.0
#: real seconds a task or initializer waits to connect to the channel
CONNECT_BOUND = 10.0


class HarnessError(RuntimeError):
    """The channel failed (never an executor's doing): the message says how."""


@dataclass(frozen=True)
class Channel:
    """Where a task reports to: the kit's server. Picklable: two plain fields."""

    host: str
    port: int
    gate_bound: float = GATE_BOUND

    def ask(self, line: str) -> str:
        """Send one request line, return the one-line answer."""
        try:
            with socket.create_connection((self.host, self.port), timeout=CONNECT_BOUND) as s:
                s.settimeout(self.gate_bound + CONNECT_BOUND)
                s.sendall(line.encode() + b"\n")
                answer = b""
                while not answer.endswith(b"\n"):
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
        except OSError as exc:
            raise HarnessError(f"execspec harness: the task channel {self.host}:{self.port} failed: {exc}") from exc
        return answer.decode().strip()


def run_task(channel: Channel, fid: int) -> int:
    """What every task runs (in the worker): report, wait for the gate, then act its kind."""
    answer = channel.ask(f"begin {fid}")
    if answer == "timeout":
        raise HarnessError(f"execspec harness: task {fid}'s gate was never opened")
    if answer not in {k.value for k in TaskKind}:
        raise HarnessError(f"execspec harness: the channel knows no task {fid} ({answer!r})")
    return act(fid, TaskKind(answer))


def run_init(channel: Channel, fails: BaseException | None, *args: Any) -> None:
    """The initializer (in the worker): report the arguments, then raise ``fails`` if given.

    A channel that refuses the connection, or resets it mid-request, has been closed (measured:
    loky's late worker got a reset as the kit shut down): its example is over, and a worker
    the pool starts only now (loky and multiprocessing start them late) has nobody to report to;
    it goes on quietly, where raising would have its pool print the traceback on stderr.

    The failure the machine plants (``fails``) is not news either: the pools log a failing
    initializer at CRITICAL on the ``concurrent.futures`` logger (the stdlib's and loky's
    workers both), which in a worker process goes straight to the checker's stderr, one
    traceback per worker (hundreds in a run). So this worker, which the failure ends, logs
    nothing more on that logger; the pool's behaviour after it is what the machine observes."""
    try:
        channel.ask("init " + json.dumps(list(args)))
    except HarnessError as exc:
        if not isinstance(exc.__cause__, (ConnectionRefusedError, ConnectionResetError)):
            raise
    if fails is not None:
        logging.getLogger("concurrent.futures").disabled = True
        raise fails


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    kit: "SocketKit"


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        line = self.rfile.readline().decode().strip()
        verb, _, arg = line.partition(" ")
        if verb == "begin":
            answer = self.server.kit._begin(int(arg))
        elif verb == "init":
            self.server.kit._init(tuple(json.loads(arg)))
            answer = "ok"
        else:
            answer = "error"
        self.wfile.write(answer.encode() + b"\n")


class SocketKit:
    """Tasks, gates and probes for executors whose tasks run in other processes on this machine.

    The server listens on ``host`` (127.0.0.1: only this machine's processes reach it).
    """

    def __init__(self, host: str = "127.0.0.1", gate_bound: float = GATE_BOUND) -> None:
        self._lock = threading.Lock()
        self._began = threading.Condition(self._lock)  # notified each time a task begins
        self._kinds: dict[int, TaskKind] = {}
        self._gates: dict[int, threading.Event] = {}
        self._retired: list[threading.Event] = []  # as ThreadKit's: gates of fids prepared again
        self._begun: dict[int, int] = {}
        self._init_calls: list[tuple[Any, ...]] = []
        self._gate_bound = gate_bound
        self._server = _Server((host, 0), _Handler)
        self._server.kit = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="execspec-kit-channel", daemon=True)
        self._thread.start()
        self.channel = Channel(host, self._server.server_address[1], gate_bound)
        self.fn: Callable[[int], int] = functools.partial(run_task, self.channel)
        self._closed = False

    # -- the client's side ------------------------------------------------------------

    def prepare(self, fid: int, kind: TaskKind, gated: bool) -> None:
        with self._lock:
            self._kinds[fid] = kind
            old = self._gates.pop(fid, None)
            if old is not None:
                self._retired.append(old)
            if gated:
                self._gates[fid] = threading.Event()

    def open_gate(self, fid: int) -> None:
        gate = self._gates.get(fid)
        if gate is not None:
            gate.set()

    #: only the record counts: a process pool marks RUNNING in the client's process, ahead of
    #: the task (see Kit.begun_exactly)
    begun_exactly = True

    def begun(self) -> dict[int, int]:
        with self._lock:
            return dict(self._begun)

    def wait_begun(self, fid: int, timeout: float) -> bool:
        """Wait (bounded) until task ``fid`` has begun; whether it has."""
        with self._began:
            return self._began.wait_for(lambda: fid in self._begun, timeout)

    def initializer(self, fails: BaseException | None) -> Callable[..., None]:
        return functools.partial(run_init, self.channel, fails)

    def init_calls(self) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._init_calls)

    def close(self) -> None:
        """Open every gate, stop serving and close the listening socket (idempotent)."""
        with self._lock:
            gates = [*self._retired, *self._gates.values()]
        for gate in gates:
            gate.set()
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        # A forked worker holds a copy of the listening socket's descriptor, which would keep
        # it listening after close(): a task connecting then would wait for an answer nobody
        # gives. shutdown() acts on the socket itself, so every copy stops listening.
        try:
            self._server.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._server.server_close()
        self._thread.join(5.0)

    # -- the server's side (handler threads) ------------------------------------------

    def _begin(self, fid: int) -> str:
        with self._lock:
            self._begun[fid] = self._begun.get(fid, 0) + 1
            self._began.notify_all()
            kind = self._kinds.get(fid)
            gate = self._gates.get(fid)
        if kind is None:
            return "error"
        if gate is not None and not gate.wait(self._gate_bound):
            return "timeout"
        return kind.value

    def _init(self, args: tuple[Any, ...]) -> None:
        with self._lock:
            self._init_calls.append(args)


__all__ = ["Channel", "HarnessError", "SocketKit", "run_init", "run_task"]
