"""The os/atexit/_thread hooks: fixed CPU counts, fork hooks recorded (never registered for
real) and run by a simulated fork (``Env.fork``: the scenario goes on as the child), atexit
callbacks run at interpreter exit, the low-level thread API on the shim."""

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


def test_a_fork_leaves_only_the_forking_thread_and_the_locks_the_others_held() -> None:
    def scenario(env: Any) -> tuple[object, ...]:
        threading = env.threading
        held, go = threading.Lock(), threading.Event()

        def holds() -> None:
            with held:
                go.set()
                threading.Event().wait()  # never set: it would hold the lock for ever

        t = threading.Thread(target=holds)
        t.start()
        go.wait()
        env.fork()
        t.join()  # gone in the child: returns at once
        return t.is_alive(), threading.active_count(), held.acquire(timeout=1), held.locked()
    ex = run(scenario)
    assert ex.outcome is Outcome.OK, ex.report and ex.report.render()
    assert ex.return_value == (False, 1, False, True)  # the lock stays held by a thread that is gone


def test_fork_hooks_run_before_last_first_and_after_in_child_first_first() -> None:
    def scenario(env: Any) -> list[str]:
        log: list[str] = []
        for name in ("a", "b"):
            env.os.register_at_fork(before=lambda n=name: log.append(f"before {n}"),
                                    after_in_parent=lambda n=name: log.append(f"parent {n}"),
                                    after_in_child=lambda n=name: log.append(f"child {n}"))
        env.fork()
        return log
    assert run(scenario).return_value == ["before b", "before a", "child a", "child b"]


def test_a_before_hook_that_takes_the_lock_makes_the_child_safe() -> None:
    """The TPE-FORK fix in miniature: the before hook waits for the lock another thread holds,
    the child re-creates it; without the hooks the child finds it held for ever."""
    def scenario(env: Any, hooks: bool) -> object:
        threading = env.threading
        state = {"lock": threading.Lock()}
        go, done = threading.Event(), threading.Event()

        def reinit() -> None:
            state["lock"] = threading.Lock()

        if hooks:
            env.os.register_at_fork(before=lambda: state["lock"].acquire(), after_in_child=reinit)

        def holds() -> None:
            with state["lock"]:
                go.set()
                done.wait(1)  # holds it for one virtual second

        threading.Thread(target=holds).start()
        go.wait()
        env.fork()
        return state["lock"].acquire(timeout=5)
    assert run(lambda env: scenario(env, True)).return_value is True
    assert run(lambda env: scenario(env, False)).return_value is False


def test_a_fork_from_another_thread_keeps_it_and_the_scenario_s_main_thread() -> None:
    def scenario(env: Any) -> tuple[object, ...]:
        threading = env.threading
        seen: list[object] = []
        idle = threading.Thread(target=threading.Event().wait)  # waits for ever: gone in the child
        idle.start()

        def forks() -> None:
            env.fork()
            seen.extend([threading.active_count(), idle.is_alive()])

        t = threading.Thread(target=forks)
        t.start()
        t.join()  # the main thread stays: the scenario's harness
        return tuple(seen)
    ex = run(scenario)
    assert ex.outcome is Outcome.OK and ex.return_value == (2, False), ex.report and ex.report.render()


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
