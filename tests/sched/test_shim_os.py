"""The os/atexit/_thread hooks: fixed CPU counts, fork hooks recorded (never registered for
real), atexit callbacks run at interpreter exit, the low-level thread API on the shim."""

from __future__ import annotations

import os
from typing import Any

from execspec.sched.kernel.execution import Outcome

from tests.sched._runtime_helpers import Newest, run


def test_cpu_counts_are_fixed_so_default_pool_sizes_replay_anywhere() -> None:
    def scenario(env: Any) -> tuple[int, int, int]:
        cf = env.load("concurrent.futures")
        ex = cf.ThreadPoolExecutor()
        workers = ex._max_workers
        ex.shutdown()
        return env.os.cpu_count(), env.os.process_cpu_count(), workers
    assert run(scenario, cpu_count=3).return_value == (3, 3, 7)  # min(32, cpus + 4)


def test_a_cpu_count_the_os_cannot_tell_is_none_as_on_a_real_os() -> None:
    def scenario(env: Any) -> tuple[int | None, int | None, int]:
        cf = env.load("concurrent.futures")
        ex = cf.ThreadPoolExecutor()
        workers = ex._max_workers
        ex.shutdown()
        return env.os.cpu_count(), env.os.process_cpu_count(), workers
    assert run(scenario, cpu_count=None).return_value == (None, None, 5)  # CPython: (None or 1) + 4


def test_env_cpus_sets_the_count_for_a_block_only() -> None:
    def scenario(env: Any) -> list[object]:
        cf = env.load("concurrent.futures")
        seen: list[object] = []
        with env.cpus(40):
            ex = cf.ThreadPoolExecutor()
            seen += [env.os.cpu_count(), ex._max_workers]  # min(32, 40 + 4)
            ex.shutdown()
            with env.cpus(None):
                seen.append(env.os.process_cpu_count())
            seen.append(env.os.cpu_count())
        seen.append(env.os.cpu_count())
        return seen
    assert run(scenario).return_value == [40, 32, None, 40, 2]


def test_os_is_a_proxy_of_the_real_module() -> None:
    def scenario(env: Any) -> tuple[bool, bool, bool]:
        return env.os.path is os.path, env.os.getpid() == os.getpid(), env.os.sep == os.sep
    assert run(scenario).return_value == (True, True, True)


def test_fork_hooks_are_recorded_not_registered() -> None:
    def scenario(env: Any) -> list[str]:
        env.load("concurrent.futures").ThreadPoolExecutor  # thread.py registers one at import
        return sorted(k for hook in env.fork_hooks for k, v in hook.items() if v is not None)
    assert run(scenario).return_value == ["after_in_child", "after_in_parent", "before"]


def test_atexit_callbacks_run_last_registered_first_at_exit() -> None:
    def scenario(env: Any) -> list[str]:
        atexit = env.shim("atexit")
        log: list[str] = []
        atexit.register(log.append, "first")
        atexit.register(log.append, "second")
        atexit.register(print)
        atexit.unregister(print)
        env.exit_interpreter()
        return log
    assert run(scenario).return_value == ["second", "first"]


def test_low_level_thread_api_runs_on_the_shim() -> None:
    def scenario(env: Any) -> tuple[list[int], bool]:
        _thread = env.shim("_thread")
        lock = _thread.allocate_lock()
        seen: list[int] = []
        done = env.threading.Event()

        def body(x: int) -> None:
            with lock:
                seen.append(x)
            done.set()
        ident = _thread.start_new_thread(body, (42,))
        done.wait()
        return seen, ident != _thread.get_ident()
    ex = run(scenario, Newest())
    assert ex.outcome is Outcome.OK and ex.return_value == ([42], True)
