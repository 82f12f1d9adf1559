"""Fresh module copies bound to the shim: ``table`` (``ModuleTable``: the private
``__import__``, checkout/checkin of tables between executions), ``sources`` (finding and
compiling a module's code once), ``deps`` (the modules a module's code imports: one that
imports a managed module is loaded fresh too, so managed code never meets two copies), ``snapshot`` (resetting a module's state so later
executions reuse it without running it again), ``hashes`` (address-free ``hash``/``id``, so
``sorted(futures, key=id)`` replays), and ``env`` (``Env``: the shim world a scenario is
handed, binding the shim modules and a table; the kernel's ``Host``).

May import: ``execspec.sched.kernel`` and ``execspec.sched.shims``.
"""
