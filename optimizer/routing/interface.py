"""What a routing engine is: a `RoutingEngine` has a `name`, says which problems it `accepts`, and
`solve`s a `RoutingProblem` within a `SearchBudget`, reporting improvements as `ProgressEvent`s
(stage "search"). An engine that ends its search without a feasible plan although one exists (every
job and shipment optional, so at least the empty plan is feasible) raises `EngineFailure` with its
best (infeasible) solution; `solve_routing` then runs the configured fallback engine, or returns the
failure when there is none (`RoutingOptions.fallback`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..progress import Progress
from .problem import RoutingProblem
from .solution import RoutingSolution

__all__ = ["EngineFailure", "RoutingEngine", "SearchBudget"]


@dataclass(frozen=True)
class SearchBudget:
    """How long one engine searches: `iterations` (reproducible on any machine) and/or a wall-clock
    `time_limit_s`, whichever ends first; `seed` for the engines that draw random numbers."""

    seed: int = 0
    time_limit_s: float | None = None
    iterations: int | None = None


class EngineFailure(RuntimeError):
    """The engine's search ended among infeasible plans; `solution` is its best one (`feasible` False)."""

    def __init__(self, reason: str, solution: RoutingSolution) -> None:
        super().__init__(reason)
        self.reason = reason
        self.solution = solution


class RoutingEngine(Protocol):
    """A routing engine, registered under its `name` in `engine.ENGINES`."""

    name: str

    def accepts(self, problem: RoutingProblem) -> bool:
        """Whether the engine handles this kind of problem at all (e.g. pickup-and-delivery shipments)."""
        ...

    def solve(self, problem: RoutingProblem, budget: SearchBudget, progress: Progress) -> RoutingSolution:
        """The best solution found within `budget`; raises `EngineFailure` as the module says."""
        ...
