"""What a failed execution means: ``frames`` (reading suspended threads' frames as plain
data), ``waits`` (the wait-for graph over threads, futures, queues and locks), ``report``
(``FailureReport``: the headline and the explanation as data, its ``render()``; and
``Postmortem``, the kernel's ``Explainer``), ``trace`` (the trace table).

Frames are the shim's own when their file lies in the ``execspec.sched`` package (its
``examples`` excepted), by path, never by file-name prefix.

May import: ``execspec.sched.kernel``, ``execspec.sched.shims`` and ``execspec.sched.loader``.
"""
