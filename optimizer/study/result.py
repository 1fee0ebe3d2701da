"""A stockpile study's result: every option's stock, cost and measures over the scenarios, ranked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np

from scenarios.model import Commodity, Group, Warehouse

from .spec import StudySpec

__all__ = ["FitInfo", "OptimiserInfo", "OptionMetrics", "OptionResult", "PerScenario", "StudyResult"]


class OptionMetrics(TypedDict):
    """One option's measures over the scenarios (metrics.py says how each is computed)."""

    expected_weighted_unmet: float
    worst_decile_weighted_unmet: float
    fill_rate: float
    fill_rate_by_group: dict[str, float]
    fill_rate_by_commodity: dict[str, float]
    mean_arrival_h: float | None  # None: nothing delivered in any scenario
    p90_arrival_h: float | None
    unmet_person_days: float


class PerScenario(TypedDict):
    """One option's value on each scenario, in the set's order."""

    scenario: list[str]
    weighted_unmet: list[float]
    fill_rate: list[float]


class FitInfo(TypedDict):
    """One fit of the pre-positioning optimum: on all folds but `fold` (None: on every scenario)."""

    budget: float
    fold: int | None
    status: str
    seconds: float
    columns: int
    rows: int
    in_sample_weighted_unmet: float


class OptimiserInfo(TypedDict, total=False):
    """The optimiser's folds and fits (empty when the study optimises nothing)."""

    folds: int
    fits: list[FitInfo]


@dataclass(frozen=True)
class OptionResult:
    """One option: its stock [W, C], costs, measures and rank (1: best)."""

    id: str
    name: str
    kind: str  # "given" or "optimised"
    stock: np.ndarray  # [W, C]
    cost_opening: float
    cost_stock: float
    budget: float | None
    metrics: OptionMetrics
    per_scenario: PerScenario
    rank: int = 0
    in_sample_weighted_unmet: float | None = None
    name_en: str | None = None

    @property
    def cost(self) -> float:
        return self.cost_opening + self.cost_stock


@dataclass(frozen=True)
class StudyResult:
    """A study's options measured on every scenario of its set, with timings and the optimiser's fits."""

    spec: StudySpec
    set_id: str
    set_name: str
    set_source: str
    scenario_ids: tuple[str, ...]
    probabilities: np.ndarray
    sites: tuple[Warehouse, ...]
    commodities: tuple[Commodity, ...]
    groups: tuple[Group, ...]
    options: tuple[OptionResult, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    optimiser: OptimiserInfo = field(default_factory=lambda: OptimiserInfo())
    unmet_unit: str = "person-days"  # or "units" when no studied commodity has a per-person standard
