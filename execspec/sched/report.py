"""Failure reports (placeholder: replaced by the full analysis below)."""

from __future__ import annotations

import traceback
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from execspec.sched.runtime import CThread, Outcome, Runtime


class Report:
    """A failure report."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self) -> str:
        """The report as text."""
        return self.text


def has_wait_cycle(rt: Runtime) -> bool:
    """True when blocked threads wait on each other in a cycle."""
    return False


def build_report(rt: Runtime, outcome: Outcome, exc: BaseException | None,
                 thread: CThread | None) -> Report:
    """Build the report for a failed execution."""
    text = f"{outcome.name}\n"
    if exc is not None:
        text += "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Report(text)


def uncontrolled_report(rt: Runtime, frame: FrameType | None, stalled_for: float) -> Report:
    """Report a controlled thread blocked outside the shim."""
    return Report(f"UNCONTROLLED_BLOCK\n{''.join(traceback.format_stack(frame)) if frame else ''}")
