"""What a conformance run is doing, told to whoever listens: the command line's progress display.

The library draws nothing. A listener (a :class:`Listener`) is installed for the length of a
run with :func:`listening`; the runners call :func:`started` when a step begins (a target's
machine in one mode, its clause checks), :func:`example` each time the machine starts an
example (a fresh session on the target), and :func:`finished` when the step ends, with how many
examples it ran and how many failures it found. With no listener these calls do nothing, so a
library caller pays nothing for them.

>>> seen = []
>>> class Say:
...     def started(self, target, step): seen.append(("start", target, step))
...     def example(self): seen.append(("example",))
...     def finished(self, target, step, examples, seconds, failures): seen.append(("end", step, failures))
>>> with listening(Say()):
...     started("impl", "machine (shim)")
...     example()
...     finished("impl", "machine (shim)", 10, 0.5, 0)
>>> started("impl", "ignored: nobody listens")
>>> seen
[('start', 'impl', 'machine (shim)'), ('example',), ('end', 'machine (shim)', 0)]
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Protocol

__all__ = ["Listener", "example", "finished", "listening", "started"]


class Listener(Protocol):
    """Told when each step of a run starts and ends."""

    def started(self, target: str, step: str) -> None: ...

    def example(self) -> None: ...

    def finished(self, target: str, step: str, examples: int, seconds: float, failures: int) -> None: ...


#: the listener of the run under way (one run at a time: the command line's)
_listeners: list[Listener] = []


@contextmanager
def listening(listener: Listener) -> Iterator[Listener]:
    """Tell ``listener`` about every step until the block ends."""
    _listeners.append(listener)
    try:
        yield listener
    finally:
        _listeners.remove(listener)


def started(target: str, step: str) -> None:
    """A step of ``target``'s run begins, e.g. ``machine (shim)`` or ``clause checks``."""
    for listener in _listeners:
        listener.started(target, step)


def example() -> None:
    """The machine starts one more example of the step under way."""
    for listener in _listeners:
        listener.example()


def finished(target: str, step: str, examples: int, seconds: float, failures: int) -> None:
    """The step ended after ``examples`` examples (or check runs) and ``seconds``, with
    ``failures`` failed outcomes."""
    for listener in _listeners:
        listener.finished(target, step, examples, seconds, failures)
