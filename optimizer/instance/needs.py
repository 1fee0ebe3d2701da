"""The needs of a planning instance: the needs table and the same need as integer rows and arrays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .index import Index

__all__ = ["NeedTable", "need_table"]


@dataclass(frozen=True, eq=False)
class NeedTable:
    """`frame` (area, commodity, group, day, units, kg, m3, persons, covers, priority), as
    `compute_needs` gives it; `rows` the (area, commodity, group) positions of its rows; `by_group`
    [A, C, G, H] units by need day; `pd_per_unit` [A, C, G] the person-days a unit of that need is worth
    (covers x persons / units of its first day) and `value` [A, C, G] the same times its priority: what
    a unit served is worth to the allocation's first stage."""

    frame: pd.DataFrame
    rows: tuple[np.ndarray, np.ndarray, np.ndarray]
    by_group: np.ndarray
    pd_per_unit: np.ndarray
    value: np.ndarray

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @cached_property
    def load_priority(self) -> dict[tuple[str, str, int], float]:
        """(area, commodity, day) -> the need-weighted mean priority of its rows (what a routing load of
        that need is worth per kg, relative to others)."""
        needs = self.frame
        if needs.empty:
            return {}
        wu = needs["units"].to_numpy() * needs["priority"].to_numpy()
        g = needs.assign(wu=wu).groupby(["area", "commodity", "day"])[["wu", "units"]].sum()
        g = g[g["units"] > 0]
        return {k: float(v) for k, v in (g["wu"] / g["units"]).items()}


def need_table(
    needs: pd.DataFrame,
    *,
    areas: Index,
    commodities: Index,
    groups: Index,
    days: int,
) -> NeedTable:
    """Index `needs` once: its rows' positions, the [A, C, G, days] array and the value of a unit."""
    rows = (
        areas.positions(needs["area"]),
        commodities.positions(needs["commodity"]),
        groups.positions(needs["group"]),
    )
    shape = (len(areas), len(commodities), len(groups))
    by_group = np.zeros((*shape, days))
    pd_unit, value = np.zeros(shape), np.zeros(shape)
    if len(needs):
        np.add.at(by_group, (*rows, needs["day"].to_numpy() - 1), needs["units"].to_numpy())
        order = np.argsort(needs["day"].to_numpy(), kind="stable")
        key = np.ravel_multi_index(tuple(r[order] for r in rows), shape)
        first = order[np.unique(key, return_index=True)[1]]  # each (a, c, g)'s first-day row
        units = needs["units"].to_numpy(float)[first]
        per = np.divide(
            needs["covers"].to_numpy(float)[first] * needs["persons"].to_numpy(float)[first],
            units,
            out=np.zeros(len(first)),
            where=units > 0,
        )
        at = tuple(r[first] for r in rows)
        pd_unit[at] = per
        value[at] = per * needs["priority"].to_numpy(float)[first]
    for a in (*rows, by_group, pd_unit, value):
        a.setflags(write=False)
    return NeedTable(needs, rows, by_group, pd_unit, value)
