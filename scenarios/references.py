"""Cross-reference checks of a scenario: ids unique, every reference resolves.

Each problem carries the path of the offending value in the JSON document, so loaders can map it
back to a file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["Problem", "ReferenceProblems", "reference_problems"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """`path` locates the value; `is_key` says the value is a mapping key (e.g. a commodity id)."""

    path: Path
    message: str
    value: Any
    is_key: bool = False


class ReferenceProblems(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} reference problem(s)")


def _expected(ids: Iterable[str], limit: int = 8) -> str:
    ids = list(ids)
    shown = ", ".join(ids[:limit]) + (", ..." if len(ids) > limit else "")
    return f"expected one of: {shown}" if ids else "none are defined"


def _duplicates(items: Iterable[Any], where: str) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items):
        if item.id in seen:
            out.append(Problem((where, i, "id"), "is a duplicate id", item.id))
        seen.add(item.id)
    return out


def _unknown(path: Path, value: str, known: dict[str, Any], what: str, is_key=False) -> list[Problem]:
    if value in known:
        return []
    return [Problem(path, f"is not a known {what}; {_expected(known)}", value, is_key)]


def reference_problems(s: Scenario) -> list[Problem]:
    """Every broken cross-reference and duplicate id in `s` (empty when all is well)."""
    out: list[Problem] = []
    for where in ("commodities", "groups", "standards", "areas", "warehouses", "vehicle_types"):
        out += _duplicates(getattr(s, where), where)
    out += _duplicates(s.water_points, "water_points")
    out += _duplicates(s.network.nodes, "network.nodes")
    out += _duplicates(s.network.edges, "network.edges")
    commodities = {c.id: c for c in s.commodities}
    groups = {g.id: g for g in s.groups}
    profiles = {p.id: p for p in s.standards}
    nodes = {n.id: n for n in s.network.nodes}
    edges = {e.id: e for e in s.network.edges}
    warehouses = {w.id: w for w in s.warehouses}
    vtypes = {v.id: v for v in s.vehicle_types}
    out += _check_standards(s, commodities, groups, profiles)
    for i, grp in enumerate(s.groups):
        if grp.kind == "household" and grp.share is not None:
            out.append(Problem(("groups", i, "share"), "must be empty for a household group", grp.share))
    out += _duplicates(s.kitchens, "kitchens")
    area_ids = {a.id: a for a in s.areas}
    for i, kit in enumerate(s.kitchens):
        out += _unknown(("kitchens", i, "area"), kit.area, area_ids, "area")
        if kit.to_day is not None and kit.to_day < kit.from_day:
            out.append(Problem(("kitchens", i, "to_day"), f"is before from_day {kit.from_day}", kit.to_day))
        if "beras" not in commodities or (kit.side_dish_per_meal > 0 and "lauk_pauk" not in commodities):
            out.append(Problem(("kitchens", i, "id"), "needs the commodities beras and lauk_pauk", kit.id))
    for i, wp in enumerate(s.water_points):
        out += _unknown(("water_points", i, "commodity"), wp.commodity, commodities, "commodity")
    out += _check_shares(s)
    for i, a in enumerate(s.areas):
        for g in a.people:
            out += _unknown(("areas", i, "people", g), g, groups, "group", is_key=True)
            if g in groups and groups[g].kind == "household":
                msg = "is a household group: it holds no people of its own (the needs fill it)"
                out.append(Problem(("areas", i, "people", g), msg, g, True))
        for c in a.needs:
            out += _unknown(("areas", i, "needs", c), c, commodities, "commodity", is_key=True)
        if a.needs and not groups:
            out.append(Problem(("areas", i, "needs"), "needs a group to carry them; none are defined", None))
        out += _check_place("areas", i, a, nodes)
    for i, w in enumerate(s.warehouses):
        for c in w.stock:
            out += _unknown(("warehouses", i, "stock", c), c, commodities, "commodity", True)
        for k, arr in enumerate(w.arrivals):
            out += _unknown(
                ("warehouses", i, "arrivals", k, "commodity"), arr.commodity, commodities, "commodity"
            )
        out += _check_place("warehouses", i, w, nodes)
    for i, f in enumerate(s.fleet):
        out += _unknown(("fleet", i, "warehouse"), f.warehouse, warehouses, "warehouse")
        out += _unknown(("fleet", i, "vehicle_type"), f.vehicle_type, vtypes, "vehicle type")
    for i, e in enumerate(s.network.edges):
        out += _unknown(("network", "edges", i, "source"), e.source, nodes, "node")
        out += _unknown(("network", "edges", i, "target"), e.target, nodes, "node")
        for field in ("vessels", "vessels_low", "vessels_flood"):
            for k, v in enumerate(getattr(e, field) or ()):
                out += _unknown(("network", "edges", i, field, k), v, vtypes, "vehicle type")
    out += _check_supply(s, commodities, warehouses, vtypes)
    for day in s.policy.water_level_by_day:
        if day > s.policy.horizon_days:
            msg = f"is after the horizon's last day {s.policy.horizon_days}"
            out.append(Problem(("policy", "water_level_by_day", day), msg, day, True))
    for i, d in enumerate(s.damage):
        if d.edge is not None:
            out += _unknown(("damage", i, "edge"), d.edge, edges, "edge")
    return out


def _check_supply(s, commodities, warehouses, vtypes) -> list[Problem]:
    """Suppliers, charters, hubs and released reserves name what the scenario has."""
    out: list[Problem] = []
    out += _duplicates(s.suppliers, "suppliers")
    out += _duplicates(s.charters, "charters")
    for i, sp in enumerate(s.suppliers):
        out += _unknown(("suppliers", i, "warehouse"), sp.warehouse, warehouses, "warehouse")
        out += _unknown(("suppliers", i, "commodity"), sp.commodity, commodities, "commodity")
    for i, ch in enumerate(s.charters):
        out += _unknown(("charters", i, "vehicle_type"), ch.vehicle_type, vtypes, "vehicle type")
        out += _unknown(("charters", i, "warehouse"), ch.warehouse, warehouses, "warehouse")
    out += _duplicates(s.hubs, "hubs")
    for i, hub in enumerate(s.hubs):
        out += _unknown(("hubs", i, "warehouse"), hub.warehouse, warehouses, "warehouse")
        for k, src in enumerate(hub.sources):
            out += _unknown(("hubs", i, "sources", k), src, warehouses, "warehouse")
    for k, w_id in enumerate(s.policy.released_reserves):
        out += _unknown(("policy", "released_reserves", k), w_id, warehouses, "warehouse")
    return out


def _check_standards(s, commodities, groups, profiles) -> list[Problem]:
    out = _unknown(("policy", "standards"), s.policy.standards, profiles, "standards profile")
    for p, profile in enumerate(s.standards):
        if profile.extends is not None:
            out += _unknown(("standards", p, "extends"), profile.extends, profiles, "profile")
        for i, item in enumerate(profile.items):
            path = ("standards", p, "items", i)
            out += _unknown((*path, "commodity"), item.commodity, commodities, "commodity")
            for k, g in enumerate(item.groups):
                out += _unknown((*path, "groups", k), g, groups, "group")
    return out


def _check_shares(s) -> list[Problem]:
    total = sum(g.share or 0.0 for g in s.groups)
    if total > 1 + 1e-9:
        return [Problem(("groups",), "group shares must sum to at most 1", round(total, 6))]
    return []


def _check_place(where: str, i: int, item, nodes) -> list[Problem]:
    if item.node is not None:
        return _unknown((where, i, "node"), item.node, nodes, "network node")
    if item.lat is None:
        return [Problem((where, i, "node"), "is on no network node and has no lat/lon to snap", None)]
    return []
