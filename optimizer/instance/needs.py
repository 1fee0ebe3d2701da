"""The needs of a planning instance: the needs table and the same need as integer rows and arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .index import Index

__all__ = ["NeedTable", "need_table"]


@dataclass(frozen=True, eq=False)
class NeedTable:
    """`frame` (area, commodity, group, day, units, kg, m3), as `compute_needs` gives it; `rows` the
    (area, commodity, group) positions of its rows; `by_group` [A, C, G, H] units by need day."""

    frame: pd.DataFrame
    rows: tuple[np.ndarray, np.ndarray, np.ndarray]
    by_group: np.ndarray
    group_weight: np.ndarray = field(repr=False)

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @cached_property
    def load_priority(self) -> dict[tuple[str, str, int], float]:
        """(area, commodity, day) -> the need-weighted mean priority weight of its groups (what a
        routing load of that need is worth per unit)."""
        needs = self.frame
        if needs.empty:
            return {}
        wu = needs["units"].to_numpy() * self.group_weight[self.rows[2]]
        g = needs.assign(wu=wu).groupby(["area", "commodity", "day"])[["wu", "units"]].sum()
        g = g[g["units"] > 0]
        return {k: float(v) for k, v in (g["wu"] / g["units"]).items()}


def need_table(
    needs: pd.DataFrame,
    *,
    areas: Index,
    commodities: Index,
    groups: Index,
    group_weight: np.ndarray,
    days: int,
) -> NeedTable:
    """Index `needs` once: its rows' positions and the [A, C, G, days] array."""
    rows = (
        areas.positions(needs["area"]),
        commodities.positions(needs["commodity"]),
        groups.positions(needs["group"]),
    )
    by_group = np.zeros((len(areas), len(commodities), len(groups), days))
    if len(needs):
        np.add.at(by_group, (*rows, needs["day"].to_numpy() - 1), needs["units"].to_numpy())
    for a in (*rows, by_group):
        a.setflags(write=False)
    return NeedTable(needs, rows, by_group, group_weight)
