"""Scenarios with known answers: the docs' deadlocks, classic bugs, and a passing baseline.

Each scenario is a module-level function ``scenario(env, **params)`` (importable by name, so
exploration can fan out over processes and schedule files can name it). ``executor`` names
the module the executor comes from (``"concurrent.futures"`` or ``"execspec.impl"``).

========================================  =========================================  ==========
scenario                                  what it shows                              expected
========================================  =========================================  ==========
``docs:wait_on_each_other``               the docs' first deadlock (sleeps kept)     deadlock
``docs:wait_on_future``                   the docs' second deadlock                  deadlock
``docs:wait_on_future`` (max_workers=2)   the same with a spare worker               passes
``lock_order:lock_order_inversion``       two tasks take two locks in either order   deadlock
``forgetful_cancel:cancel_while_waiting``  cancel() that forgets to wake waiters      hangs
``lost_update:lost_update``               read and write locked, not the update      lost update
``pool:submit_result_shutdown``           2 workers, 4 tasks, results, shutdown      passes
========================================  =========================================  ==========

May import: nothing of ``execspec`` -- a scenario is user code and sees the shim only through
the ``env`` it is handed (reports show its frames as the user's).
"""
