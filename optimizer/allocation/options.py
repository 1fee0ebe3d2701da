"""The allocation's solver knobs (`AllocationOptions`) and the LP settings every solve shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from scenarios.model import Policy

__all__ = ["AllocationOptions", "SolveSettings", "solve_settings"]


@dataclass(frozen=True)
class AllocationOptions:
    """Solver knobs. `aggregate` solves by zones and priority classes (the scalable model);
    `k_nearest` candidate warehouses per area, plus (`flow_start`) those a min-cost max flow of stock to
    need draws on (links.py); `max_rounds` of stage-1 solves on coarse zones whose duals price farther
    links from warehouses with stock left (column generation, rounds.py; the last round is the final
    model on fine zones), with the final model's priority classes or (`pricing_classes="one"`) a single
    class. The rounds run on coarse zones also with `aggregate=False`, so the per-area model solves over
    exactly the zone model's links. `overlap` solves the final model on a second thread beside the round
    that decides whether its links are the last (same result, less wall time; off where allocations
    already run on every core). `transport_cuts` bound the vehicle hours (round trips as this model
    counts them) a warehouse spends on deliveries of a day: from routing, the hours of what its vehicles
    could really carry."""

    aggregate: bool = True
    k_nearest: int = 3
    max_rounds: int = 8
    solver: str = "highs"
    threads: int = 1
    handling_h: float = 1.0
    time_limit_s: float | None = None
    algorithm: str = "barrier"
    transport_cuts: tuple[tuple[str, int, float], ...] = ()  # (warehouse, delivery day, vehicle hours)
    flow_start: bool = True  # start with the links a min-cost max flow of stock to need uses (links.py)
    overlap: bool = True  # solve the final model beside the last pricing round (a second thread)
    pricing_classes: str = "weights"  # the pricing rounds' classes: "weights" (as the final model), "one"
    exact_fleet: bool = True  # split zones where fleet hours bind, so stage 1 equals the per-area model's
    max_exact_zones: int = 600  # ... unless that would make more zones than this (then approximate)

    def __post_init__(self) -> None:
        if self.k_nearest < 1:
            raise ValueError("k_nearest must be >= 1")
        if self.pricing_classes not in ("weights", "one"):
            raise ValueError(f"pricing_classes {self.pricing_classes!r}: expected weights or one")
        if self.solver not in ("highs", "glop"):
            raise ValueError(f"solver {self.solver!r} not understood; expected highs or glop")


class SolveSettings(TypedDict):
    """Keyword arguments of `LinearProgram.solve` shared by every solve of one allocation."""

    solver: str
    time_limit_s: float | None
    threads: int
    seed: int
    algorithm: str


def solve_settings(opts: AllocationOptions, policy: Policy) -> SolveSettings:
    """Solver settings shared by every solve. HiGHS's interior point (with crossover) is used: the
    held objectives of later stages are dense rows, where it is far faster than the simplex."""
    limit = opts.time_limit_s if opts.time_limit_s is not None else policy.time_limit_s
    return {
        "solver": opts.solver,
        "time_limit_s": limit,
        "threads": opts.threads,
        "seed": policy.seed,
        "algorithm": opts.algorithm,
    }
