"""One progress event type for every solver stage.

Solvers never print; they call `progress(event)` with a `ProgressEvent`. The fields a stage does not
know stay `None`. Stages and what they fill in:

- `allocation`: `fraction` (0..1 of the LP stages done) and `step` (the stage's name);
- `routing`: `done`/`total` routing parts solved, `round` of the allocation-routing loop (0: final);
- `search`: one engine's improving solutions: `engine`, `iteration`, `best_cost`, `seconds`;
- `fallback`: the configured fallback engine took over a part (`engine` names it, `step` says why);
- `study`: `step` (the study stage), `done`/`total`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Progress", "ProgressEvent", "no_progress"]


@dataclass(frozen=True)
class ProgressEvent:
    """What a solver reports while it runs; see the module docstring for which stage fills what."""

    stage: str
    fraction: float | None = None
    round: int | None = None
    step: str | None = None
    done: int | None = None
    total: int | None = None
    seconds: float | None = None
    engine: str | None = None
    iteration: int | None = None
    best_cost: float | None = None
    seed: int | None = None


Progress = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """The default callback: ignores every event."""
