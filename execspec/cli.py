"""The ``execspec`` command line.

Subcommands::

    execspec check [TARGET ...]   the main job: check targets (default: impl, stdlib)
    execspec explore              walk the model's state space and check its invariants
    execspec spec [CLAUSE]        print the catalogue's index, or one clause
    execspec deadlocks            run the docs' two deadlock examples under the shim
    execspec replay FILE          replay a recorded schedule and print its report
    execspec faults [TARGET ...]  interrupt each scheduling point in turn; report stranded work
    execspec table                the README's conformance table: every installed CPython, foreign executors

Each subcommand is a module of :mod:`execspec.commands`; this file only dispatches to it by
name, so that ``execspec --help`` stays fast and a broken piece cannot break the others.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Callable, NoReturn, Sequence

# name -> (module, function, one-line help). The function takes argv and returns an exit code.
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("execspec.commands.check", "main", "check targets against the spec (default: impl, stdlib)"),
    "explore": ("execspec.commands.explore", "main", "explore the model's states; check invariants"),
    "spec": ("execspec.commands.spec", "main", "print the clause index or one clause"),
    "deadlocks": ("execspec.commands.deadlocks", "main", "report the docs' two deadlocks"),
    "replay": ("execspec.commands.replay", "main", "replay a schedule file"),
    "coverage": ("execspec.commands.coverage", "main", "clauses nothing exercises, and why"),
    "faults": ("execspec.commands.faults", "main", "interrupt every point; report stranded work"),
    "table": ("execspec.commands.table", "main", "write the README's conformance table (every CPython, foreign executors)"),
}


def _usage() -> str:
    lines = ["usage: execspec COMMAND [ARGS ...]", "", "commands:"]
    lines += [f"  {name:<10} {help_}" for name, (_, _, help_) in _COMMANDS.items()]
    lines += ["", "Run 'execspec COMMAND --help' for a command's options."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``execspec`` console script.

    >>> main(["--help"])  # doctest: +ELLIPSIS
    usage: execspec COMMAND ...
    0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else 2
    if args[0] == "--version":
        from execspec import __version__

        print(f"execspec {__version__}")
        return 0
    name, rest = args[0], args[1:]
    if name not in _COMMANDS:
        print(f"execspec: unknown command {name!r}.\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, func_name, _ = _COMMANDS[name]
    func: Callable[[list[str]], int] = getattr(importlib.import_module(module_name), func_name)
    if argv is not None:
        return func(rest)
    # The console script: the process is ours, and it ends when the command does, whatever a
    # target left running (conformance.ending); a library caller's process is never ended.
    from execspec.conformance import ending

    ending.console()
    before = ending.baseline()
    try:
        status = func(rest)
    except BrokenPipeError:
        # Whoever read our output has gone (`execspec check | head`): stop, as the writer of
        # a pipeline does, with no traceback; what the run started is ended all the same.
        _silence_stdout()
        ending.end_children(before)
        status = BROKEN_PIPE
    return ending.leave(status)


#: exit status when the reader of the output went away: what a shell reports for SIGPIPE
BROKEN_PIPE = 128 + 13


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush has nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (a replaced sys.stdout)
        pass
    finally:
        os.close(devnull)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (what is wrong, and where the help is), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    """An ``argparse`` parser with the project's conventions, for subcommand modules: a bad
    option or value is one line on stderr and exit status 2 (``SystemExit(2)``)."""
    return _Parser(prog=f"execspec {prog}", description=description)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
