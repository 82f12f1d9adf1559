"""``--schedule-dir DIR``: where the commands that explore schedules write the failing ones.

The option overrides the setting (``$EXECSPEC_SCHEDULE_DIR``, :func:`execspec.config.schedule_dir`,
default ``execspec-schedules`` in the working directory). A directory that cannot be written is
not an error: the report is whole, and one line says the files were not saved and why
(:func:`unsaved_line`, from the explorations' typed ``unsaved`` reasons).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Iterable

from execspec import config

__all__ = ["add_schedule_dir", "schedule_dir", "unsaved_line"]


def add_schedule_dir(p: argparse.ArgumentParser, none_allowed: bool = False) -> None:
    """Add ``--schedule-dir DIR`` to a command's parser (``''`` writes none when ``none_allowed``)."""
    p.add_argument("--schedule-dir", default=None, metavar="DIR", type=str if none_allowed else _directory,
                   help=f"where failing schedules are written (default: ${config.SCHEDULE_DIR}, else "
                        f"{config.DEFAULT_SCHEDULE_DIR}/)" + ("; '' writes none" if none_allowed else ""))


def _directory(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a directory (it is created when a schedule is written)")
    return text


def schedule_dir(args: argparse.Namespace) -> Path | None:
    """The directory the option or the setting names (None: the option said ``''``, write none)."""
    given: str | None = args.schedule_dir
    if given is None:
        return config.schedule_dir()
    return Path(given) if given else None


def unsaved_line(reasons: Iterable[str | None], prog: str) -> str | None:
    """One line saying the schedule files were not saved and why, or None when nothing was lost.

    >>> unsaved_line([None, "cannot write x: Read-only file system"], "execspec check")  # doctest: +ELLIPSIS
    'execspec check: schedule files were not saved (cannot write x: Read-only file system); ...'
    """
    found = sorted({r for r in reasons if r})
    if not found:
        return None
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return (f"{prog}: schedule files were not saved ({found[0]}{more}); the report above is whole, "
            f"but to replay a failure choose a writable directory with --schedule-dir DIR or "
            f"${config.SCHEDULE_DIR}")
