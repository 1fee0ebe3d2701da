"""A plan's shipments and unmet need as tables, with the names and codes a coordinator looks for."""

from __future__ import annotations

import pandas as pd

from api.i18n import Lang
from optimizer.plan import Plan
from optimizer.plan.records import UNITS_DECIMALS
from scenarios.model import Scenario

from .hxl import HXL_TAGS
from .lookup import Lookup, kab_code, name_in

__all__ = ["shipments_frame", "unmet_frame"]


def shipments_frame(scenario: Scenario, plan: Plan, lang: Lang = "id") -> pd.DataFrame:
    """One row per shipment (warehouse, area, commodity, delivery day) with names, BPS codes and kg
    (units as plan.json writes them)."""
    look = Lookup(scenario)
    frame = _with_area_and_item(look, _rounded(plan.shipments_frame), lang)
    frame["warehouse_name"] = [name_in(look.warehouses.get(w), lang) for w in frame["warehouse"]]
    return frame[list(HXL_TAGS["shipments"])]


def unmet_frame(scenario: Scenario, plan: Plan, lang: Lang = "id") -> pd.DataFrame:
    """One row per unmet need (area, commodity, group, day) with names, BPS codes, kg and the reason
    (units as plan.json writes them)."""
    look = Lookup(scenario)
    frame = _with_area_and_item(look, _rounded(plan.unmet_frame), lang)
    frame["group_name"] = [name_in(look.groups.get(g), lang) for g in frame["group"]]
    return frame[list(HXL_TAGS["unmet"])]


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its units rounded as plan.json writes them."""
    if frame.empty:
        return frame
    return frame.assign(units=[round(float(u), UNITS_DECIMALS) for u in frame["units"]])


def _with_area_and_item(look: Lookup, frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """`frame` plus the area's names and codes and the commodity's name, unit and kg."""
    frame = frame.copy()
    areas = [look.areas.get(a) for a in frame["area"]]
    commodities = [look.commodities.get(c) for c in frame["commodity"]]
    frame["area_name"] = [name_in(a, lang) for a in areas]
    frame["area_code"] = [a.code if a else None for a in areas]
    frame["kab_code"] = [kab_code(a) for a in areas]
    frame["commodity_name"] = [name_in(c, lang) for c in commodities]
    frame["unit"] = [c.unit if c else None for c in commodities]
    kg_per_unit = [c.kg_per_unit if c else float("nan") for c in commodities]
    frame["kg"] = frame["units"].astype(float) * pd.Series(kg_per_unit, index=frame.index, dtype=float)
    return frame
