"""Need counted in people: what a unit of each need row is worth in person-days, and the priority-
weighted person-days a plan leaves unmet (the score that picks between routes).

A row's person-days per unit is `covers x persons / units` (scenarios/needs.py): a unit short for a day
leaves that many people without their share of the need category for that day. It does not depend on
the unit a commodity is counted in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KEY", "row_values", "weighted_person_days"]

KEY = ["area", "commodity", "group"]


def row_values(needs: pd.DataFrame) -> pd.DataFrame:
    """Per (area, commodity, group): `persons` (the people its day-1 row is for), `per_person` (units
    one of them needs a day, or once), `pd_per_unit` (covers x persons / units) and `priority`."""
    first = needs.sort_values("day", kind="stable").drop_duplicates(KEY)
    units = first["units"].to_numpy(float)
    persons = first["persons"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person = np.where(persons > 0, units / persons, 0.0)
        pd_unit = np.where(units > 0, first["covers"].to_numpy(float) * persons / units, 0.0)
    out = first[KEY].assign(
        persons=persons,
        per_person=per_person,
        pd_per_unit=pd_unit,
        priority=first["priority"].to_numpy(float),
    )
    return out.set_index(KEY)


def weighted_person_days(frame: pd.DataFrame, values: pd.DataFrame) -> float:
    """sum of `frame`'s units (area, commodity, group, units) x priority x person-days per unit."""
    if frame.empty:
        return 0.0
    v = values.reindex(pd.MultiIndex.from_frame(frame[KEY]))
    w = (v["priority"] * v["pd_per_unit"]).fillna(0.0).to_numpy()
    return float(frame["units"].to_numpy(float) @ w)
