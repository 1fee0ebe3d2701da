"""Scenario records by id, their names in the coordinator's language, and the BPS codes of an area."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from api.i18n import Lang
from scenarios.model import Area, Commodity, Group, Scenario, VehicleType, Warehouse

__all__ = ["Lookup", "kab_code", "kec_code", "name_in"]


def name_in(record: Commodity | Group | VehicleType | Warehouse | Area | None, lang: Lang) -> str:
    """The record's name in `lang` (`name_en` in English when given), "" for an unknown record."""
    if record is None:
        return ""
    english = getattr(record, "name_en", None)
    return english if lang == "en" and english else record.name


def kab_code(area: Area | None) -> str | None:
    """The kabupaten/kota code of an area: its `kab_code`, else the first two parts of its BPS code."""
    if area is None:
        return None
    if area.kab_code:
        return area.kab_code
    parts = (area.code or "").split(".")
    return ".".join(parts[:2]) if len(parts) >= 3 else None


def kec_code(area: Area | None) -> str | None:
    """The kecamatan code of an area with a 4-part BPS desa code ("64.72.05.1002" -> "64.72.05")."""
    parts = ((area.code if area else None) or "").split(".")
    return ".".join(parts[:3]) if len(parts) == 4 else None


@dataclass(frozen=True)
class Lookup:
    """A scenario's areas, warehouses, commodities, groups and vehicle types by id."""

    scenario: Scenario

    @cached_property
    def areas(self) -> dict[str, Area]:
        return {a.id: a for a in self.scenario.areas}

    @cached_property
    def warehouses(self) -> dict[str, Warehouse]:
        return {w.id: w for w in self.scenario.warehouses}

    @cached_property
    def commodities(self) -> dict[str, Commodity]:
        return {c.id: c for c in self.scenario.commodities}

    @cached_property
    def groups(self) -> dict[str, Group]:
        return {g.id: g for g in self.scenario.groups}

    @cached_property
    def vehicle_types(self) -> dict[str, VehicleType]:
        return {v.id: v for v in self.scenario.vehicle_types}

    def index(self, kind: str) -> dict[str, int]:
        """Position by id of the warehouses or areas (`kind` "warehouses" or "areas") in scenario order."""
        return self._indices[kind]

    @cached_property
    def _indices(self) -> dict[str, dict[str, int]]:
        return {
            kind: {x.id: i for i, x in enumerate(getattr(self.scenario, kind))}
            for kind in ("warehouses", "areas")
        }

    def kg_per_unit(self, commodity: str) -> float:
        """Mass of one unit (nan for an unknown commodity)."""
        c = self.commodities.get(commodity)
        return c.kg_per_unit if c else float("nan")

    def m3_per_unit(self, commodity: str) -> float:
        """Volume of one unit (nan for an unknown commodity)."""
        c = self.commodities.get(commodity)
        return c.m3_per_unit if c else float("nan")
