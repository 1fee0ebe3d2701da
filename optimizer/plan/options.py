"""`PlanOptions`: the budgets and switches of one plan (see pipeline.py for how the rounds use them)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..allocation import AllocationOptions
from ..routing import RoutingOptions
from ..routing.dispatch import DEFAULT_SETTINGS, DispatchSettings

__all__ = ["FINAL_SHARE", "PlanOptions", "final_routing", "round_routing"]


@dataclass(frozen=True)
class PlanOptions:
    """`routing` is the final search's budget (time limit and/or iterations, seed, engine, workers);
    each round before it searches `round_share` of that budget. With `quick_first` (and an allocation
    with priced links, `max_rounds` > 1) an extra first round allocates without them (one LP): its
    plan comes sooner; the `max_rounds` rounds after it use the full allocation, without its transport
    cuts (those were measured on other loads)."""

    routing: RoutingOptions = field(default_factory=lambda: RoutingOptions(time_limit_s=30.0, workers=2))
    allocation: AllocationOptions = field(default_factory=AllocationOptions)
    dispatch: DispatchSettings = DEFAULT_SETTINGS
    max_rounds: int = 3
    round_share: float = 0.15
    whole_units: bool = True
    quick_first: bool = True  # round 1 allocates without column generation (a first plan sooner)

    def __post_init__(self) -> None:
        if self.max_rounds < 1:
            raise ValueError(f"max_rounds {self.max_rounds}: expected >= 1")
        if not 0 < self.round_share <= 1:
            raise ValueError(f"round_share {self.round_share}: expected in (0, 1]")

    @property
    def quick_allocation(self) -> bool:
        """Whether an extra first round allocates without priced links (see the class docstring)."""
        return self.quick_first and self.allocation.max_rounds > 1


FINAL_SHARE = 0.5  # the final search keeps at least this share of the routing time limit


def final_routing(o: PlanOptions, rounds_routing_s: float) -> RoutingOptions:
    """The final search's budget: the routing time limit less what the rounds' routing took, at least
    `FINAL_SHARE` of it (so `time_limit_s` bounds the plan's routing as a whole); an iteration budget
    as it is (reproducible)."""
    r = o.routing
    if r.time_limit_s is None:
        return r
    return replace(r, time_limit_s=max(FINAL_SHARE * r.time_limit_s, r.time_limit_s - rounds_routing_s))


def round_routing(o: PlanOptions) -> RoutingOptions:
    """The routing budget of one round before the final search: `round_share` of the final one."""
    r = o.routing
    limit = None if r.time_limit_s is None else max(0.5, r.time_limit_s * o.round_share)
    iters = None if r.iterations is None else max(20, round(r.iterations * o.round_share))
    return replace(r, time_limit_s=limit, iterations=iters)
