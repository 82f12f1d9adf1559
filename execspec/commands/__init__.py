"""The subcommands of ``execspec``: one module per subcommand, each with a ``main(argv) -> int``.

What lives here: ``check`` (the conformance matrix), ``explore`` (the model explorer), ``spec``
(the clause catalogue), ``deadlocks`` and ``replay`` (the scheduler shim's reports). Each
module parses its arguments, calls a library (:mod:`execspec.conformance`, :mod:`execspec.model`,
:mod:`execspec.sched`, :mod:`execspec.spec`) and a renderer (:mod:`execspec.reports`), and
turns the result into an exit status; the libraries themselves have no argparse.

May import: anything of execspec (but :mod:`execspec.impl`, reached only as a target string).
``execspec.cli`` dispatches here by module name, so that a broken subcommand cannot break the
others and ``execspec --help`` stays fast.
"""
