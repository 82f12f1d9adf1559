"""The stand-ins, named after the modules they replace: ``threading``, ``queue``, ``time``,
``os`` (with ``_thread`` and ``atexit``), and the primitives they are built of: ``sync``
(Lock, RLock, Condition), ``semaphore`` (Semaphore, BoundedSemaphore, Event), ``barrier``.
``modules`` builds the module objects a loaded module imports instead of the real ones.

Every operation on shared synchronisation state is a scheduling point (``Runtime.point``).

May import: ``execspec.sched.kernel`` (and each other). Not the loader, postmortem, runner or
explore: what they need of the environment comes through ``kernel.protocols.Host``.
"""
