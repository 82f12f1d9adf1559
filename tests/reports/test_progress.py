"""Progress: the runners tell a listener when each step starts and ends (target, step, runs,
failures), the command draws it on stderr only when that is a terminal, and nothing is drawn
(or told) otherwise."""

from __future__ import annotations

import io

import pytest

from execspec.commands.progress_display import showing_progress
from execspec.conformance import progress
from execspec.conformance.run import Profile
from execspec.conformance.verdicts import machine_outcomes
from execspec.targets import Target


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def started(self, target: str, step: str) -> None:
        self.events.append(("started", target, step))

    def example(self) -> None:
        self.events.append(("example",))

    def finished(self, target: str, step: str, examples: int, seconds: float, failures: int) -> None:
        assert examples >= 0 and seconds >= 0
        self.events.append(("finished", target, step, str(failures)))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.timeout(120)
def test_the_machine_tells_each_mode_it_runs_and_what_it_found() -> None:
    tiny = Profile("tiny", shim_examples=2, thread_examples=2, steps=3, shrink=False)
    heard = Recorder()
    with progress.listening(heard):
        outcomes, _, runs = machine_outcomes(Target.parse("impl"), tiny)
    examples = [e for e in heard.events if e == ("example",)]
    assert len(examples) == sum(r.examples for r in runs)  # one session per example, each told
    heard.events = [e for e in heard.events if e != ("example",)]
    steps = [e[2] for e in heard.events]
    assert steps == ["machine (shim, tiny profile)"] * 2 + ["machine (threads, tiny profile)"] * 2
    assert [e[0] for e in heard.events] == ["started", "finished"] * 2
    assert [e[3] for e in heard.events if e[0] == "finished"] == ["0", "0"]  # impl conforms
    assert [r.examples > 0 for r in runs] == [True, True]
    assert progress._listeners == []


def test_nothing_is_drawn_or_told_when_stderr_is_not_a_terminal() -> None:
    pipe = io.StringIO()
    with showing_progress(pipe) as shown:
        assert shown is None and progress._listeners == []
        progress.started("impl", "clause checks (threads)")
    assert pipe.getvalue() == ""


def test_on_a_terminal_each_finished_step_leaves_a_line_with_its_rate_and_the_failures_so_far() -> None:
    tty = _Terminal()
    with showing_progress(tty) as shown:
        assert shown is not None
        progress.started("mine[x]", "machine (shim, smoke profile)")
        for _ in range(3):
            progress.example()
        assert "3 examples" in str(shown.bar.tasks[0].description)
        progress.finished("mine[x]", "machine (shim, smoke profile)", 600, 6.0, 1)
        progress.started("mine[x]", "clause checks (threads)")
        progress.finished("mine[x]", "clause checks (threads)", 26, 2.0, 2)
    text = tty.getvalue()
    assert "mine[x]: machine (shim, smoke profile): 600 runs in 6.0 s, 100/s; 1 failed (1 so far)" in text
    assert "clause checks (threads): 26 runs in 2.0 s, 13/s; 2 failed (3 so far)" in text
    assert progress._listeners == []
