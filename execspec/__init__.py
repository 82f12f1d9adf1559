"""execspec: a checked reference for Python's concurrent.futures thread pool.

The pieces (see DESIGN.md): ``execspec.spec`` loads the clause catalogue in ``specs/``;
``execspec.model`` is the executable model; ``execspec.impl`` is the reference executor;
``execspec.sched`` is the deterministic scheduler shim; ``execspec.cli`` is the command line.
"""

__version__ = "0.1.0"
