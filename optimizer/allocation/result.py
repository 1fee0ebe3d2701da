"""The allocation's result: shipments, unmet need with reasons, KPIs, solver facts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .kpis import AllocationKpis

__all__ = ["REASONS", "AllocationResult"]

REASONS = ("no_stock", "unreachable", "transport_capacity", "throughput", "horizon", "reserve_floor")


@dataclass(frozen=True)
class AllocationResult:
    """Shipments (warehouse, area, commodity, day, units, kg, m3), unmet (area, commodity, group, day,
    units, reason), vehicle loads per link and day, KPIs, status ("optimal", "feasible", "infeasible"),
    the objective of each stage, and timings in seconds."""

    shipments: pd.DataFrame
    unmet: pd.DataFrame
    vehicle_loads: pd.DataFrame
    kpis: AllocationKpis
    status: str
    stage_objectives: dict[str, float]
    solve_seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    model_size: dict[str, int | bool] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: status, fill rates, deprivation, unmet units, shipments and solve time."""
        k = self.kpis
        return (
            f"{self.status}: fill rate {k['fill_rate']:.1%}, worst area {k['min_area_fill_rate']:.1%}, "
            f"deprivation {k['deprivation']:.4g}, unmet {self.unmet['units'].sum():.4g} units, "
            f"{len(self.shipments)} shipments in {self.solve_seconds:.2f} s"
        )
