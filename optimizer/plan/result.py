"""The plan: what to ship, which vehicle carries it when, what stays unmet and why, and the KPIs.

`Plan.to_dict()` is the content of plan.json (docs/plan-format.md describes it field by field).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["FORMAT", "STATUSES", "UNMET_REASONS", "Plan"]

FORMAT = "siaga-plan/1"
STATUSES = ("optimal", "feasible", "partial")
UNMET_REASONS = (
    "no_stock",
    "unreachable",
    "horizon",
    "transport_capacity",
    "throughput",
    "time_window",
    "over_capacity",
    "whole_units",
    "not_shipped",
)


@dataclass(frozen=True)
class Plan:
    """shipments (warehouse, area, commodity, day, units): exactly what the trips unload; trips as
    dicts (see docs/plan-format.md); unmet (area, commodity, group, day, units, reason) by need day."""

    scenario: str
    scenario_name: str
    status: str
    seed: int
    engine: str
    iterations: int | None
    time_limit_s: float | None
    solve_seconds: float
    first_feasible_s: float
    kpis: dict
    shipments: pd.DataFrame
    trips: list[dict]
    unmet: pd.DataFrame
    rounds: tuple[dict, ...] = ()
    timings: dict = field(default_factory=dict)
    committed: pd.DataFrame | None = None  # (area, commodity, units) delivered before this plan

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "scenario": self.scenario,
            "scenario_name": self.scenario_name,
            "status": self.status,
            "seed": self.seed,
            "engine": self.engine,
            "iterations": self.iterations,
            "time_limit_s": self.time_limit_s,
            "solve_seconds": self.solve_seconds,
            "first_feasible_s": self.first_feasible_s,
            "kpis": self.kpis,
            "shipments": _records(self.shipments, ["warehouse", "area", "commodity", "day", "units"]),
            "trips": self.trips,
            "unmet": _records(self.unmet, ["area", "commodity", "group", "day", "units", "reason"]),
            "committed": [
                {"area": a, "commodity": c, "units": round(float(u), 6)}
                for a, c, u in (self.committed[["area", "commodity", "units"]].itertuples(index=False))
            ]
            if self.committed is not None
            else [],
            "rounds": list(self.rounds),
            "timings": self.timings,
        }


def _records(frame: pd.DataFrame, cols: list[str]) -> list[dict]:
    out = []
    for row in frame[cols].itertuples(index=False):
        rec = dict(zip(cols, row, strict=True))
        rec["day"] = int(rec["day"])
        rec["units"] = round(float(rec["units"]), 6)
        out.append(rec)
    return out
