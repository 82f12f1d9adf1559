"""From a target to a session: how the machine gets at an executor in each mode.

Under the shim the target's module is loaded fresh in every execution (``env.load``, or
``env.load_source`` for another CPython's source); on real threads it is imported once. Either
way each of ``wait``, ``as_completed``, ``Future``, the constants and the exceptions the driver
uses is the target module's own when it has one (so an executor's futures meet the functions
written for them), else the stdlib's (``sched.loader.futures_api``).
"""

from __future__ import annotations

import importlib
import threading
import time
from typing import Any, Callable

from execspec.conformance.driver import World
from execspec.conformance.kits import ThreadKit
from execspec.conformance.kits.dask import DaskKit
from execspec.conformance.kits.orphans import orphan_safe
from execspec.conformance.kits.process import SocketKit
from execspec.conformance.foreign import ForeignSession
from execspec.conformance.session import Session, ShimSession, ThreadSession
from execspec.sched.loader.futures_api import futures_api, own_api
from execspec.targets.kind import ExecutorKind, takes_initializer

#: real seconds a gated task waits for its gate before giving up (a harness that lost track)
GATE_BOUND = 60.0

def shim_loader(target: Any) -> Callable[[Any], tuple[Any, Callable[..., Any]]]:
    """``env -> (namespace, factory)`` for a target under the shim."""
    def load(env: Any) -> tuple[Any, Callable[..., Any]]:
        if target.source_dir is not None:
            mod = env.load_source(str(target.source_dir), target.module)
        else:
            mod = env.load(target.module)
        return futures_api(mod, env.load("concurrent.futures")), getattr(mod, target.factory)
    return load


def session_factory(target: Any, mode: Any, shim_modules: tuple[str, ...] = ()) -> Callable[[], Session]:
    """A function making a fresh session on ``target`` for each machine run.

    ``shim_modules`` are loaded fresh under the shim too, when the target's module imports them
    (a pool built on another package's classes needs that package under the shim as well).

    On real threads one executor is built first and classified (:func:`~execspec.targets.classify`):
    its kind picks the task kit, and the returned function carries ``kind``, ``not_applicable``
    (rule -> reason, :data:`NOT_APPLICABLE`) and ``factory`` (imported here; None for a
    source-only target under the shim) for :func:`.machine_for`."""
    if mode.value == "shim":
        load = shim_loader(target)
        modules = ("concurrent.futures", *shim_modules)
        mixes = not getattr(target, "is_cpython_stdlib", False)  # (the stdlib's own Future is no other kind)
        make_shim: Any = lambda: ShimSession(load, modules, mixes=mixes)  # noqa: E731
        # the factory's signature, read where it can be imported here (not a source-only target)
        make_shim.factory = target.load_factory() if target.real_threads_ok else None
        gaps = ({**signature_gaps(make_shim.factory, {}), **module_gaps(target, {})}
                if make_shim.factory is not None else {})
        make_shim.kind, make_shim.not_applicable = ExecutorKind.IN_PROCESS_THREADS, {**NOT_APPLICABLE_SHIM, **gaps}
        return make_shim  # type: ignore[no-any-return]
    factory = target.load_factory()
    cf = futures_api(importlib.import_module(target.module), importlib.import_module("concurrent.futures"))
    kind = kind_of(factory)
    cleanup = getattr(factory, "execspec_close", None)

    # a process pool's workers end if the checker is killed (kits.orphans)
    guarded = orphan_safe(factory) if kind is ExecutorKind.PROCESS_POOL else factory

    def make() -> Session:
        world = World(cf, guarded, threading, time, stdlib=importlib.import_module("concurrent.futures"))
        if kind is ExecutorKind.IN_PROCESS_THREADS:
            return ThreadSession(world, ThreadKit(threading, GATE_BOUND))
        kit = DaskKit() if kind is ExecutorKind.DISTRIBUTED else SocketKit()
        return ForeignSession(world, kit, RENAMES.get(kind, {}), cleanup)

    na = {**NOT_APPLICABLE[kind], **signature_gaps(factory, NOT_APPLICABLE[kind]),
          **module_gaps(target, NOT_APPLICABLE[kind])}
    make.kind = kind  # type: ignore[attr-defined]
    make.factory = factory  # type: ignore[attr-defined]
    make.not_applicable = na  # type: ignore[attr-defined]
    return make


def signature_gaps(factory: Callable[..., Any], na: dict[str, str]) -> dict[str, str]:
    """The rules ``factory``'s signature rules out (rule -> why), beyond those in ``na``: the
    TPE-* argument cases without ThreadPoolExecutor's arguments, pools with an initializer
    without an ``initializer`` parameter. A factory is not broken for what it does not take."""
    gaps: dict[str, str] = {}
    if "api:pool" not in na and not takes_pool_arguments(factory):
        gaps["api:pool"] = _API_SIGNATURE
    if "create:initializer" not in na and not takes_initializer(factory):
        gaps["create:initializer"] = _NO_INITIALIZER
    return gaps


def module_gaps(target: Any, na: dict[str, str]) -> dict[str, str]:
    """The module-surface cases (``api:module``), beyond ``na``, when the target's module offers
    no ``concurrent.futures`` API of its own (``futures_api.own_api``): the checks drive it with
    the stdlib's names, and judging those would pass the stdlib, not the target."""
    import concurrent.futures

    if "api:module" in na or getattr(target, "is_cpython_stdlib", False):
        return {}
    if own_api(importlib.import_module(target.module), concurrent.futures) is not concurrent.futures:
        return {}
    return {"api:module": _NO_MODULE_API}


_NO_MODULE_API = ("the target's module offers no wait and as_completed of its own, so its executor is driven "
                  "with concurrent.futures' names; the module-surface cases (MOD-*, EXC-*) would judge those")

#: why a factory without an ``initializer`` parameter gets no initializer
_NO_INITIALIZER = ("the factory takes no initializer (nor any keyword): TPE-INITIALIZER-* are about pools "
                   "made with one; create() makes none")


def takes_pool_arguments(factory: Callable[..., Any]) -> bool:
    """Whether ``factory`` takes ThreadPoolExecutor's constructor arguments (``thread_name_prefix``
    among them, or any keyword): the TPE-* argument cases of the API surface apply only then."""
    import inspect

    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # no signature to read: assume it is the thread pool's
        return True
    return any(p.name == "thread_name_prefix" or p.kind is p.VAR_KEYWORD for p in params)


def kind_of(factory: Callable[..., Any], bound: float = 60.0) -> ExecutorKind:
    """Build one executor (``max_workers=1``), classify it, shut it down (bounded)."""
    from execspec.targets import classify

    ex = factory(max_workers=1)
    try:
        return classify(ex)
    finally:
        done = threading.Event()

        def stop() -> None:  # (a shutdown that raises, or none at all, is for the machine to judge)
            try:
                ex.shutdown(wait=True)
            except Exception:  # noqa: BLE001, S110 - not a traceback on the checker's stderr
                pass
            finally:
                done.set()
        threading.Thread(target=stop, name="execspec-classify-shutdown", daemon=True).start()
        done.wait(bound)
        cleanup = getattr(factory, "execspec_close", None)
        if cleanup is not None:
            cleanup()


#: what ``max_workers=None`` means, per kind, when it is not the thread pool's default
_DEFAULT = ("max_workers=None is not the thread pool's min(32, cpus + 4) here "
            "(TPE-MAX-WORKERS-DEFAULT-*): create() asks for 2 workers instead")
_EXIT = "interpreter exit is simulated under the shim only (it would end the checker's own process)"
_API_POOL = ("the TPE-* argument cases (max_workers's type, a non-callable initializer, thread_name_prefix) "
             "say what ThreadPoolExecutor's constructor does; this executor's constructor is another one, "
             "documented apart (and its workers are not threads of this process)")
_API_SIGNATURE = ("the factory does not take ThreadPoolExecutor's constructor arguments (no thread_name_prefix): "
                  "the TPE-* argument cases (max_workers's type, a non-callable initializer, the thread names) "
                  "say what that constructor does")
_API_MODULE = ("the module-surface cases (MOD-*, EXC-*, EXE-ABSTRACT) are about concurrent.futures' own names; "
               "this target's module is another package's, which need not provide them")
_WAITS = ("a task that waits on another future (the docs' deadlock shapes, DL-*) needs that future object, "
          "and a task in another process cannot wait on a future of the client's; submit_waiting makes none")

#: rules (or parts of ``create``, as ``create:...``) that cannot apply to a kind, with the reason;
#: the machine turns them into no-ops (``ConformanceMachine.not_applicable``)
NOT_APPLICABLE: dict[ExecutorKind, dict[str, str]] = {
    ExecutorKind.IN_PROCESS_THREADS: {"interpreter_exit": _EXIT},
    ExecutorKind.PROCESS_POOL: {
        "interpreter_exit": _EXIT,
        "submit_waiting": _WAITS,
        "api:pool": _API_POOL,
        "api:module": _API_MODULE,
        "create:default_max_workers": "a process pool's max_workers=None means os.cpu_count() processes "
                                      "(os.process_cpu_count() from 3.13), not the thread pool's "
                                      "min(32, cpus + 4) (TPE-MAX-WORKERS-DEFAULT-*); create() asks for 2",
    },
    ExecutorKind.DISTRIBUTED: {
        "interpreter_exit": _EXIT,
        "submit_waiting": _WAITS,
        "api:pool": _API_POOL,
        "api:module": _API_MODULE,
        "api:executor": "the cases that need an executor of their own (submit's fn, map's buffersize) would "
                        "start a LocalCluster and Client of their own each time (the factory makes one per "
                        "executor, seconds apiece), inside an example whose calls are bounded by seconds",
        "create:default_max_workers": "ClientExecutor has no max_workers: the cluster's worker threads bound "
                                      "it (the factory's max_workers sizes the LocalCluster); create() asks for 2",
        "create:initializer": "ClientExecutor takes no initializer or initargs: dask's per-worker set-up is a "
                              "WorkerPlugin, run once per worker (not per thread), whose failure does not "
                              "break the executor (TPE-INITIALIZER-*); create() makes none",
    },
    ExecutorKind.SOURCE_ONLY: {},
}
NOT_APPLICABLE_SHIM: dict[str, str] = {}

#: exception names a kind uses for the model's: a process pool names its broken-pool exception
#: BrokenProcessPool, the thread pool's clauses (TPE-INITIALIZER-FAILS-*) BrokenThreadPool; both
#: are the documented BrokenExecutor subclass of their pool, so the one stands for the other
RENAMES: dict[ExecutorKind, dict[str, str]] = {
    ExecutorKind.PROCESS_POOL: {"BrokenProcessPool": "BrokenThreadPool"},
}
