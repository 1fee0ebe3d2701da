"""`ModelBuilder`: one allocation solve's links and zones so far, and the LPs built on them.

It holds what the solve's steps share: the scenario arrays (built once: `final` for the final model,
`coarse` for the pricing rounds), the links added beyond each area's candidates (`extra`: the flow
start, then each pricing round), the warehouses whose areas are zones of their own (`alone`: where
fleet hours bind), and the timings. The pricing rounds (rounds.py) and the fleet-zone splits
(fleet_zones.py) add to `extra` and `alone`; everything else is read only.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from scenarios.model import Policy

from ..instance import PlanningInstance
from ..lp import LpSolution
from .inputs import AllocationInputs, ScenarioArrays, link_inputs, scenario_arrays, with_classes
from .links import flow_links
from .model import AllocationModel, build_model
from .options import AllocationOptions, SolveSettings, solve_settings

__all__ = ["ModelBuilder", "Stage1", "cuts_h"]


class Stage1(NamedTuple):
    """The final model's inputs and LP, with its stage-1 solution (None: not solved yet)."""

    inp: AllocationInputs
    model: AllocationModel
    solution: LpSolution | None


@dataclass
class ModelBuilder:
    """See the module docstring. `fleet_exact` and `pricing_rounds` end up in the result's
    `model_size`."""

    final: ScenarioArrays
    coarse: ScenarioArrays
    opts: AllocationOptions
    policy: Policy
    timings: dict[str, float]
    extra: dict[int, set[int]] = field(default_factory=dict)
    alone: set[int] = field(default_factory=set)
    fleet_exact: bool = True
    pricing_rounds: int = 0

    @classmethod
    def start(
        cls,
        instance: PlanningInstance,
        closed: np.ndarray | None,
        opts: AllocationOptions,
        timings: dict[str, float],
    ) -> ModelBuilder:
        """The arrays of `instance` with the links of `closed` [W, A] unreachable. The pricing rounds
        run on coarse zones (the candidate key alone; with `pricing_classes="one"` one priority class),
        also for the per-area model (`aggregate=False`), so that it gets exactly the zone model's links:
        only then can their optima be compared."""
        t = time.perf_counter()
        final = scenario_arrays(instance, closed, aggregate=opts.aggregate, handling_h=opts.handling_h)
        coarse = with_classes(final, aggregate=True, one_class=opts.pricing_classes == "one")
        timings["build"] += time.perf_counter() - t
        return cls(final, coarse, opts, instance.scenario.policy, timings)

    @property
    def settings(self) -> SolveSettings:
        return solve_settings(self.opts, self.policy)

    @property
    def stage1(self) -> bool:
        """Whether the policy has a deprivation stage (the only one the links are priced for)."""
        return "deprivation" in self.policy.stages

    def add_links(self, more: Mapping[int, Iterable[int]]) -> None:
        """Link each area of `more` to its warehouses as well."""
        for a, ws in more.items():
            self.extra.setdefault(a, set()).update(ws)

    def add_flow_links(self) -> None:
        """The flow start: the links a min-cost max flow of stock to need uses (links.py)."""
        t = time.perf_counter()
        self.add_links(flow_links(link_inputs(self.coarse, self.opts.k_nearest, split_nearest=False)))
        self.timings["build"] += time.perf_counter() - t

    def inputs(self, fine: bool) -> AllocationInputs:
        """Links and zones so far: coarse zones for a pricing round, else the final model's (fine
        zones, or per area and group)."""
        t = time.perf_counter()
        alone = frozenset(self.alone) if fine else frozenset()
        base = self.final if fine else self.coarse
        inp = link_inputs(base, self.opts.k_nearest, self.extra, fine, alone)
        self.timings["build"] += time.perf_counter() - t
        return inp

    def build(
        self, fine: bool, inp: AllocationInputs | None = None
    ) -> tuple[AllocationInputs, AllocationModel]:
        """The LP on `inp` (by default the links and zones so far, see `inputs`)."""
        inp = self.inputs(fine) if inp is None else inp
        t = time.perf_counter()
        growth = self.policy.deprivation_growth_per_day
        equity = "equity" in self.policy.stages
        model = build_model(inp, growth, equity, cuts_h(inp, self.opts.transport_cuts))
        self.timings["build"] += time.perf_counter() - t
        return inp, model

    def solve_stage1(self, model: AllocationModel) -> LpSolution:
        """Stage 1 (deprivation) of `model`, timed."""
        t = time.perf_counter()
        sol = model.lp.solve(model.benefit, maximize=True, **self.settings)
        self.timings["solve"] += time.perf_counter() - t
        return sol


def cuts_h(inp: AllocationInputs, cuts: Iterable[tuple[str, int, float]]) -> np.ndarray | None:
    """[W, H] vehicle hours each warehouse may spend on the deliveries of a day (inf: no cut), from
    `(warehouse, delivery day, hours)` cuts (the smallest where several name one day)."""
    cuts = tuple(cuts)
    if not cuts:
        return None
    out = np.full((len(inp.warehouses), inp.horizon), np.inf)
    wi = {w: i for i, w in enumerate(inp.warehouses)}
    for w, day, hours in cuts:
        if w not in wi or not 1 <= day <= inp.horizon:
            raise ValueError(
                f"transport cut ({w!r}, day {day}): unknown warehouse or day outside the horizon"
            )
        out[wi[w], day - 1] = min(out[wi[w], day - 1], max(float(hours), 0.0))
    return out
