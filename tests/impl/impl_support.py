"""Helpers for impl's tests: gates and the bound on every wait.

Tests synchronise with events, never with sleeps; every wait is bounded and fails with a
message that says what never happened.
"""

from __future__ import annotations

import threading

BOUND = 10.0  # seconds: long enough never to fire on a healthy run, short enough to fail fast


class Gate:
    """A task body that reports it started, then blocks until opened."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.opened = threading.Event()

    def __call__(self, value: object = None) -> object:
        self.started.set()
        assert self.opened.wait(BOUND), "gate never opened"
        return value

    def open(self) -> None:
        self.opened.set()

    def wait_started(self) -> None:
        assert self.started.wait(BOUND), "the gated task never started"


