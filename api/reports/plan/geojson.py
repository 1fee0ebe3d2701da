"""A plan's trips as GeoJSON lines along the network, with the warehouses and served areas as points.

Each trip runs warehouse -> stop 1 -> ... -> warehouse on the fastest path of its vehicle type (the
damaged network the plan was routed on), with the straight access leg from a place's own lat/lon to the
node it is snapped to. A leg without a path (not expected) is drawn straight and counted in the trip's
`straight_legs`. Positions are [lon, lat], rounded to 6 decimals, without consecutive duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from network import ScenarioNetwork
from optimizer.plan import Plan
from optimizer.routing.trips import Trip
from scenarios.model import Area, Scenario, VehicleType, Warehouse

from .lookup import Lookup

__all__ = ["routes_geojson"]

DECIMALS = 6
Position = tuple[float, float]


@dataclass(frozen=True)
class _Place:
    own: Position | None  # the place's own lon/lat, when it has one
    node: int  # its node for the trip's vehicle type, -1: none


class _Paths:
    """Fastest node paths per vehicle type, each computed once."""

    def __init__(self, network: ScenarioNetwork):
        self.network = network
        self._cache: dict[tuple[str, int, int], list[int]] = {}

    def between(self, vt: VehicleType, source: int, target: int) -> list[int]:
        if source < 0 or target < 0:
            return []
        if source == target:
            return [source]
        key = (vt.id, source, target)
        if key not in self._cache:
            self._cache[key] = self.network.graph.path(vt, source, target)
        return self._cache[key]


def routes_geojson(scenario: Scenario, plan: Plan, network: ScenarioNetwork) -> dict:
    """A FeatureCollection: one LineString per trip (kind "trip"), one Point per warehouse and served area.

    `network` must be built on `scenario` (its placements follow the scenario's warehouse and area order).
    """
    _check_same_places(scenario, network.scenario)
    look, paths = Lookup(scenario), _Paths(network)
    features = [_trip_feature(look, network, paths, trip) for trip in plan.trips]
    features += _point_features(look, network, plan)
    return {"type": "FeatureCollection", "features": features}


def _check_same_places(scenario: Scenario, placed: Scenario) -> None:
    for kind in ("warehouses", "areas"):
        if [x.id for x in getattr(scenario, kind)] != [x.id for x in getattr(placed, kind)]:
            raise ValueError(f"the network was built on another scenario: its {kind} differ")


def _trip_feature(look: Lookup, network: ScenarioNetwork, paths: _Paths, trip: Trip) -> dict:
    vt = look.vehicle_types[trip.vehicle_type]
    base = _place(network, look, vt, "warehouses", trip.warehouse)
    places = [base, *(_place(network, look, vt, "areas", area) for area in trip.areas), base]
    coords: list[Position] = []
    straight = 0
    for a, b in pairwise(places):
        leg, ok = _leg(network, paths, vt, a, b)
        coords += leg
        straight += not ok
    properties = {
        "kind": "trip",
        "vehicle": trip.vehicle,
        "vehicle_type": trip.vehicle_type,
        "warehouse": trip.warehouse,
        "day": trip.day,
        "trip": trip.trip,
        "stops": [{"area": st.area, "arrive_h": st.arrive_h} for st in trip.stops],
        "distance_km": trip.distance_km,
        "load_kg": trip.load_kg,
    }
    if straight:
        properties["straight_legs"] = straight
    return _feature("LineString", _clean(coords), properties)


def _place(network: ScenarioNetwork, look: Lookup, vt: VehicleType, kind: str, item_id: str) -> _Place:
    """Where warehouse or area `item_id` (`kind` "warehouses" or "areas") is for `vt`."""
    i = look.index(kind)[item_id]
    item: Area | Warehouse = getattr(look.scenario, kind)[i]
    return _Place(_own_position(network, item), int(network.place(vt, kind).node[i]))


def _own_position(network: ScenarioNetwork, item: Area | Warehouse) -> Position | None:
    """The place's own lon/lat, else the position of the node it names."""
    if item.lat is not None and item.lon is not None:
        return (item.lon, item.lat)
    return _node_position(network, network.net.node(item.node)) if item.node else None


def _leg(
    network: ScenarioNetwork, paths: _Paths, vt: VehicleType, a: _Place, b: _Place
) -> tuple[list[Position], bool]:
    """Positions from `a` to `b` along the network, access legs included; False when drawn straight."""
    nodes = paths.between(vt, a.node, b.node)
    net = network.net
    middle = [(float(net.lon[k]), float(net.lat[k])) for k in nodes]
    if not middle:
        ends = [a.own or _node_position(network, a.node), b.own or _node_position(network, b.node)]
        return [p for p in ends if p is not None], False
    return [p for p in (a.own, *middle, b.own) if p is not None], True


def _node_position(network: ScenarioNetwork, node: int) -> Position | None:
    return (float(network.net.lon[node]), float(network.net.lat[node])) if node >= 0 else None


def _clean(coords: list[Position]) -> list[list[float]]:
    """Rounded [lon, lat] positions without consecutive duplicates (a lone position twice, so that a
    LineString keeps the two positions GeoJSON requires)."""
    out: list[list[float]] = []
    for lon, lat in coords:
        p = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != p:
            out.append(p)
    return out * 2 if len(out) == 1 else out


def _point_features(look: Lookup, network: ScenarioNetwork, plan: Plan) -> list[dict]:
    """The warehouses trips leave from and the areas they serve, at their own or their node's position."""
    warehouses = dict.fromkeys(t.warehouse for t in plan.trips)
    areas = dict.fromkeys(area for t in plan.trips for area in t.areas)
    features = [_point(network, look.warehouses[w], "warehouse") for w in warehouses]
    features += [_point(network, look.areas[a], "area") for a in areas]
    return [f for f in features if f is not None]


def _point(network: ScenarioNetwork, item: Area | Warehouse, kind: str) -> dict | None:
    position = _own_position(network, item)
    if position is None:
        return None
    properties: dict[str, str | None] = {"kind": kind, "id": item.id, "name": item.name}
    if isinstance(item, Area):
        properties["code"] = item.code
    return _feature("Point", [round(position[0], DECIMALS), round(position[1], DECIMALS)], properties)


def _feature(geometry_type: str, coordinates: list, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": geometry_type, "coordinates": coordinates},
        "properties": properties,
    }
