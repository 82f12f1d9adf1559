"""The loader: module code runs unmodified in fresh module objects bound to the shim, and
nothing process-wide changes -- real threads keep working while executions run."""

from __future__ import annotations

import glob
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from execspec.sched.kernel.execution import Outcome

from tests.sched._runtime_helpers import Newest, Seeded, run


def _pyenv_futures_dirs() -> dict[str, str]:
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        root = os.path.expanduser("~/.pyenv")
    found = {}
    for minor in range(8, 15):
        hits = sorted(glob.glob(f"{root}/versions/3.{minor}.*/lib/python3.{minor}/concurrent/futures"))
        if hits:
            found[f"3.{minor}"] = hits[-1]
    return found


FUTURES_DIRS = _pyenv_futures_dirs()


def test_loaded_modules_are_fresh_copies_bound_to_the_shim() -> None:
    import concurrent.futures as real_cf
    import concurrent.futures.thread as real_thread

    def scenario(env: Any) -> tuple[Any, ...]:
        cf = env.load("concurrent.futures")
        tpe = cf.ThreadPoolExecutor
        thread_mod = sys.modules[tpe.__module__] if False else cf.thread
        return (cf is not real_cf, tpe is not real_cf.ThreadPoolExecutor,
                thread_mod.threading is env.threading, thread_mod.queue is env.queue,
                cf._base.time is env.time, thread_mod.os is not os)
    assert run(scenario).return_value == (True,) * 6
    assert sys.modules["concurrent.futures"] is real_cf
    assert real_thread.threading is threading
    assert not any(type(t).__module__.startswith("execspec") for t in real_thread._threads_queues)
    assert "futures" not in vars(sys.modules["concurrent"]) or \
        sys.modules["concurrent"].futures is real_cf


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "reused"])
def test_module_state_does_not_leak_between_executions(fresh: bool) -> None:
    def scenario(env: Any) -> tuple[str, str]:
        cf = env.load("concurrent.futures")
        ex = cf.ThreadPoolExecutor(max_workers=1)
        name = ex.submit(lambda: env.threading.current_thread().name).result()
        env.exit_interpreter()  # sets the module's _shutdown flag: must not outlive us
        try:
            ex.submit(pow, 2, 2)
            after = "accepted"
        except RuntimeError as e:
            after = str(e)
        return name, after
    for _ in range(3):
        ex = run(scenario, fresh_modules=fresh)
        assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
        assert ex.return_value == ("ThreadPoolExecutor-0_0", "cannot schedule new futures after shutdown") \
            or ex.return_value[1].startswith("cannot schedule new futures after")  # type: ignore[index]
        assert ex.return_value[0] == "ThreadPoolExecutor-0_0"  # type: ignore[index]


def test_reset_restores_class_and_module_state() -> None:
    def scenario(env: Any) -> tuple[bool, bool]:
        cf = env.load("concurrent.futures")
        had = "ThreadPoolExecutor" in vars(cf)  # cached by the lazy __getattr__ of a run before
        cf.Future.marker = "set by a scenario"
        return had, hasattr(cf.Future, "marker")
    first = run(scenario).return_value
    second = run(scenario).return_value
    assert first == second == (False, True)


def test_impl_package_loads_with_relative_imports() -> None:
    def scenario(env: Any) -> tuple[int, bool]:
        impl = env.load("execspec.impl")
        with impl.ThreadPoolExecutor(max_workers=2) as ex:
            got = sum(ex.map(abs, [-1, -2, 3]))
        mods = [m for n, m in env.table.current.items() if n.startswith("execspec.impl")]
        return got, all(getattr(m, "threading", env.threading) is env.threading for m in mods)
    for seed in range(10):
        ex = run(scenario, Seeded(seed))
        assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
        assert ex.return_value == (6, True)


def test_any_source_directory_loads(tmp_path: Any) -> None:
    (tmp_path / "counter.py").write_text(
        "import threading, time\n"
        "lock = threading.Lock()\n"
        "def stamp():\n"
        "    with lock:\n"
        "        time.sleep(2)\n"
        "        return time.monotonic()\n")

    def scenario(env: Any) -> tuple[float, str]:
        mod = env.load_source(str(tmp_path), "counter")
        return mod.stamp(), type(mod.lock).__module__
    assert run(scenario).return_value == (1002.0, "execspec.sched.shims.sync")


def test_exec_source_resolves_imports_through_the_shim() -> None:
    def scenario(env: Any) -> bool:
        mod = env.exec_source("import time, threading\nT, TH = time, threading\n")
        return mod.T is env.time and mod.TH is env.threading
    assert run(scenario).return_value is True


@pytest.mark.parametrize("version", sorted(FUTURES_DIRS) or ["none"])
def test_other_cpythons_concurrent_futures_load_from_source(version: str) -> None:
    if version not in FUTURES_DIRS:
        pytest.skip("no other CPython installed under pyenv")
    path = FUTURES_DIRS[version]

    def pool(env: Any) -> list[int]:
        cf = env.load_source(path, "concurrent.futures")
        assert cf.__file__.startswith(path)
        with cf.ThreadPoolExecutor(max_workers=2) as ex:
            return [f.result() for f in [ex.submit(pow, 3, i) for i in range(4)]]
    for seed in range(5):
        ex = run(pool, Seeded(seed), modules=())
        assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
        assert ex.return_value == [1, 3, 9, 27]

    def deadlock(env: Any) -> None:
        cf = env.load_source(path, "concurrent.futures")
        ex = cf.ThreadPoolExecutor(max_workers=1)
        inner = []
        ex.submit(lambda: inner.append(ex.submit(pow, 5, 2)) or inner[0].result())
    ex = run(deadlock, Newest(), modules=())
    assert ex.outcome is Outcome.DEADLOCK, ex.report and ex.report.render()


def test_real_threads_keep_working_while_executions_run() -> None:
    before = {n: sys.modules[n] for n in ("threading", "queue", "time", "os", "concurrent.futures")}
    stop = threading.Event()
    q: queue.Queue[int] = queue.Queue()
    lock = threading.Lock()
    laps = [0]

    def real_worker() -> None:
        while not stop.is_set():
            with lock:
                laps[0] += 1
            q.put(laps[0])
            q.get(timeout=1)
    t = threading.Thread(target=real_worker, daemon=True)
    t.start()
    try:
        def scenario(env: Any) -> int:
            cf = env.load("concurrent.futures")
            with cf.ThreadPoolExecutor(max_workers=2) as ex:
                return sum(f.result() for f in [ex.submit(pow, 2, i) for i in range(6)])
        start = laps[0]
        deadline = time.monotonic() + 20
        runs = 0
        while (laps[0] - start < 50 or runs < 20) and time.monotonic() < deadline:
            assert run(scenario, Seeded(runs)).return_value == 63
            runs += 1
        assert laps[0] - start >= 50, "the real thread made no progress while executions ran"
    finally:
        stop.set()
        t.join(5)
    assert not t.is_alive()
    assert {n: sys.modules[n] for n in before} == before
    assert threading.Lock is __import__("_thread").allocate_lock and time.sleep.__module__ == "time"
