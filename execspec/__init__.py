"""execspec: a checked reference for Python's concurrent.futures executors.

The pieces (the layers, the data flow from clause ID to matrix cell and where each kind of
change goes are in DESIGN.md at the repository root):

- ``execspec.spec`` loads the clause catalogue in ``specs/`` (installed as ``execspec.specs``);
- ``execspec.model`` is the executable model (pure; imports only ``execspec.spec``);
- ``execspec.impl`` is the reference executor (imports nothing of ours);
- ``execspec.sched`` is the deterministic scheduler shim;
- ``execspec.targets`` says what makes an executor and what kind it is;
- ``execspec.conformance`` runs executors against the spec and returns typed results;
- ``execspec.reports`` renders those results; ``execspec.commands`` are the subcommands;
- ``execspec.config`` reads every ``EXECSPEC_*`` setting; ``execspec.cli`` is the command line.

This package's ``__init__`` imports nothing, so importing any one piece loads only that piece.
"""

__version__ = "0.1.0"
