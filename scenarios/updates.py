"""Incident updates: what changed during an incident, applied to its scenario in order.

Kinds and payloads (ids are the scenario's):
- `road_closed` `{"edge"}`: the network link is closed;
- `road_reopened` `{"edge"}`: every damage record on the link is lifted;
- `road_degraded` `{"edge", "speed_factor"?, "max_weight_t"?}`: slower (0 < factor <= 1) and/or
  a weight limit;
- `people_changed` `{"area", "people": {group: count}}`: the area's counts for those groups;
- `stock_received` `{"warehouse", "commodity", "units"}`: stock arrived at a warehouse;
- `stock_dispatched` `{"warehouse", "commodity", "units"}`: stock left a warehouse outside the plan;
- `delivery_confirmed` `{"area", "commodity", "units", "warehouse"?}`: goods arrived at an area; they
  stay delivered: the need they cover is met, and when `warehouse` is given they left its stock.

`check_fields` refuses a field a kind does not take (the API checks each new update with it).
`apply_updates` returns the updated scenario and the confirmed deliveries; an update that names
something the scenario lacks, takes more stock than a warehouse holds, holds a number that is not
finite anywhere in its payload (NaN, Infinity: Python's json reads them) or a count above the model's
bound (`MAX_PEOPLE` people, `MAX_UNITS` units, `MAX_WEIGHT_T` t: scenarios/fields.py) raises
`UpdateError` with the update's index and field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from .fields import MAX_PEOPLE, MAX_UNITS, MAX_WEIGHT_T
from .jsontypes import JSONValue
from .jsonwalk import json_pointer, non_finite
from .model import Damage, Scenario

__all__ = [
    "PAYLOAD_FIELDS",
    "UPDATE_KINDS",
    "Delivered",
    "UpdateError",
    "UpdatePayload",
    "apply_updates",
    "check_fields",
]

# an update's payload as received (parsed JSON); `apply_updates` checks every field it reads
UpdatePayload: TypeAlias = Mapping[str, JSONValue]

UPDATE_KINDS = (
    "road_closed",
    "road_reopened",
    "road_degraded",
    "people_changed",
    "stock_received",
    "stock_dispatched",
    "delivery_confirmed",
)


# the fields each kind's payload may hold (docs/api.md); any other is refused, not kept in the log
PAYLOAD_FIELDS: dict[str, frozenset[str]] = {
    "road_closed": frozenset({"edge"}),
    "road_reopened": frozenset({"edge"}),
    "road_degraded": frozenset({"edge", "speed_factor", "max_weight_t"}),
    "people_changed": frozenset({"area", "people"}),
    "stock_received": frozenset({"warehouse", "commodity", "units"}),
    "stock_dispatched": frozenset({"warehouse", "commodity", "units"}),
    "delivery_confirmed": frozenset({"area", "commodity", "units", "warehouse"}),
}


class UpdateError(ValueError):
    """An update that cannot apply: `index` of the update, `field` (a JSON pointer into its payload)."""

    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(f"update {index}: {field}: {message}")
        self.index, self.field, self.message = index, field, message


@dataclass(frozen=True)
class Delivered:
    area: str
    commodity: str
    units: float
    warehouse: str | None = None


def apply_updates(
    scenario: Scenario, updates: Sequence[tuple[str, UpdatePayload]]
) -> tuple[Scenario, list[Delivered]]:
    """The scenario after `updates` ((kind, payload) in order), and the confirmed deliveries."""
    damage = list(scenario.damage)
    people = {a.id: dict(a.people) for a in scenario.areas}
    stock = {w.id: dict(w.stock) for w in scenario.warehouses}
    delivered: list[Delivered] = []
    ids = _Ids(scenario)
    for i, (kind, p) in enumerate(updates):
        if kind not in UPDATE_KINDS:
            raise UpdateError(i, "/kind", f"{kind!r} is not one of {', '.join(UPDATE_KINDS)}")
        if not isinstance(p, Mapping):  # a stored payload written around the API
            raise UpdateError(i, "", f"{type(p).__name__}: expected an object")
        _check_finite(i, p)
        if kind.startswith("road_"):
            edge = ids.check(i, p, "edge", ids.edges)
            if kind == "road_closed":
                damage.append(Damage(id=f"update-{i}", edge=edge, effect="closed"))
            elif kind == "road_reopened":
                damage = [d for d in damage if d.edge != edge]
            else:
                damage += _degraded(i, edge, p)
        elif kind == "people_changed":
            area = ids.check(i, p, "area", ids.areas)
            counts = p.get("people")
            if not isinstance(counts, dict) or not counts:
                raise UpdateError(i, "/people", "expected {group: count, ...}")
            for g, n in counts.items():
                if g not in ids.groups:
                    raise UpdateError(i, json_pointer(("people", g)), "not a group of the scenario")
                people[area][g] = _units(i, {"n": n}, "n", json_pointer(("people", g)), MAX_PEOPLE)
        elif kind in ("stock_received", "stock_dispatched"):
            w = ids.check(i, p, "warehouse", ids.warehouses)
            c = ids.check(i, p, "commodity", ids.commodities)
            u = _units(i, p, "units")
            have = stock[w].get(c, 0.0)
            if kind == "stock_dispatched" and u > have + 1e-9:
                raise UpdateError(i, "/units", f"{u:g} dispatched but {w} holds {have:g} of {c}")
            stock[w][c] = have + u if kind == "stock_received" else max(have - u, 0.0)
        else:
            a = ids.check(i, p, "area", ids.areas)
            c = ids.check(i, p, "commodity", ids.commodities)
            u = _units(i, p, "units")
            source: str | None = None
            if p.get("warehouse") is not None:
                source = ids.check(i, p, "warehouse", ids.warehouses)
                stock[source][c] = max(stock[source].get(c, 0.0) - u, 0.0)
            delivered.append(Delivered(a, c, u, source))
    areas = tuple(a.model_copy(update={"people": people[a.id]}) for a in scenario.areas)
    warehouses = tuple(w.model_copy(update={"stock": stock[w.id]}) for w in scenario.warehouses)
    updated = scenario.model_copy(update={"damage": tuple(damage), "areas": areas, "warehouses": warehouses})
    return updated, delivered


def check_fields(kind: str, p: UpdatePayload, i: int = 0) -> None:
    """`UpdateError` at the first field a new update's payload holds that its kind does not take (the
    edge refuses them, so the append-only log keeps none; stored updates are applied as they are)."""
    if kind not in PAYLOAD_FIELDS or not isinstance(p, Mapping):
        return  # apply_updates reports these
    for k in p:
        if k not in PAYLOAD_FIELDS[kind]:
            expected = ", ".join(sorted(PAYLOAD_FIELDS[kind]))
            raise UpdateError(i, json_pointer((k,)), f"is not a field of {kind}; expected: {expected}")


class _Ids:
    def __init__(self, s: Scenario):
        self.edges = {e.id for e in s.network.edges}
        self.areas = {a.id for a in s.areas}
        self.groups = {g.id for g in s.groups}
        self.warehouses = {w.id for w in s.warehouses}
        self.commodities = {c.id for c in s.commodities}

    def check(self, i: int, p: UpdatePayload, field: str, known: set[str]) -> str:
        """The id `p[field]` when it is one of `known`; else `UpdateError` for update `i`."""
        value = p.get(field)
        if not isinstance(value, str) or value not in known:
            raise UpdateError(i, f"/{field}", f"{value!r} is not a {field} of the scenario")
        return value


def _check_finite(i: int, payload: UpdatePayload) -> None:
    """`UpdateError` at a number of `payload` (at any depth) that is NaN or +/-Infinity: JSON
    has no such values, PostgreSQL refuses them and no response could show them."""
    for path, v in non_finite(dict(payload)):
        raise UpdateError(i, json_pointer(path), f"{v!r}: expected a finite number")


def _number(v: JSONValue, low: float, high: float, low_open: bool = False) -> float | None:
    """`v` as a float when it is a number (not a bool) in [low, high] ((low, high] with `low_open`);
    else None. Integers are compared before conversion: 10**400 is too large, not an OverflowError."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    if not (low < v if low_open else low <= v) or not v <= high:  # NaN fails both
        return None
    return float(v)


def _units(i: int, p: UpdatePayload, field: str, pointer: str | None = None, most: int = MAX_UNITS) -> float:
    """`p[field]`, a finite number from 0 to `most` (people or units); else `UpdateError`."""
    v = p.get(field)
    out = _number(v, 0, most)
    if out is None:
        raise UpdateError(i, pointer or f"/{field}", f"{v!r}: expected a number >= 0 and <= {most}")
    return out


def _degraded(i: int, edge: str, p: UpdatePayload) -> list[Damage]:
    out = []
    if "speed_factor" in p:
        f = _number(p["speed_factor"], 0, 1, low_open=True)
        if f is None:
            raise UpdateError(i, "/speed_factor", f"{p['speed_factor']!r}: expected 0 < factor <= 1")
        out.append(Damage(id=f"update-{i}", edge=edge, effect="degraded", speed_factor=f))
    if "max_weight_t" in p:
        t = _number(p["max_weight_t"], 0, MAX_WEIGHT_T, low_open=True)
        if t is None:
            raise UpdateError(
                i, "/max_weight_t", f"{p['max_weight_t']!r}: expected tonnes > 0 and <= {MAX_WEIGHT_T}"
            )
        out.append(Damage(id=f"update-{i}-w", edge=edge, effect="weight_limit", max_weight_t=t))
    if not out:
        raise UpdateError(i, "/speed_factor", "give speed_factor and/or max_weight_t")
    return out
