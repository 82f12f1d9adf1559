"""Progress of ``execspec check`` on stderr, drawn by ``rich`` when stderr is a terminal.

While a step runs, one live line says which target, which step (the machine in a mode with its
profile, or the clause checks in a mode), how many examples so far and per second (when the
runner reports them, :func:`execspec.conformance.progress.example`) and for how long; when it
ends, a line stays: how many
examples or check runs it made, per second, and the failures found so far over the run. When
stderr is not a terminal (CI logs, a pipe) nothing is drawn.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from execspec.conformance import progress

__all__ = ["RichProgress", "showing_progress"]


class RichProgress:
    """A :class:`execspec.conformance.progress.Listener` that draws on a rich console."""

    def __init__(self, console: Console) -> None:
        self.failures = 0
        self._label = ""
        self._examples = 0
        self._began = time.monotonic()
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                            console=console, transient=True)
        self._task: TaskID | None = None

    def started(self, target: str, step: str) -> None:
        self._label = f"[bold]{_escape(target)}[/]: {_escape(step)}"
        self._examples, self._began = 0, time.monotonic()
        description = f"{self._label}; failures so far: {self.failures}"
        if self._task is None:
            self._task = self.bar.add_task(description, total=None)
        else:
            self.bar.reset(self._task, description=description)

    def example(self) -> None:
        self._examples += 1
        if self._task is not None:
            took = time.monotonic() - self._began
            rate = f" ({self._examples / took:.0f}/s)" if took > 0 else ""
            self.bar.update(self._task, description=f"{self._label}; {self._examples} examples{rate}; "
                                                    f"failures so far: {self.failures}")

    def finished(self, target: str, step: str, examples: int, seconds: float, failures: int) -> None:
        self.failures += failures
        rate = f", {examples / seconds:.0f}/s" if seconds > 0 else ""
        found = f"{failures} failed" if failures else "no failure"
        self.bar.console.print(f"{_escape(target)}: {_escape(step)}: {examples} runs in {seconds:.1f} s"
                               f"{rate}; {found} ({self.failures} so far)", highlight=False, soft_wrap=True)


def _escape(text: str) -> str:
    return text.replace("[", "\\[")  # a target name is not rich markup


@contextmanager
def showing_progress(stream: TextIO | None = None) -> Iterator[RichProgress | None]:
    """Draw the run's progress on ``stream`` (default stderr) while the block runs, if it is a
    terminal; otherwise do nothing."""
    out = sys.stderr if stream is None else stream
    if not out.isatty():
        yield None
        return
    shown = RichProgress(Console(file=out))
    with shown.bar, progress.listening(shown):
        yield shown
