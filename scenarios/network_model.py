"""The network part of a scenario: nodes, edges (with their vessel rules) and damage."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .fields import Hours, Id, Km, Lat, Lon, Share, Speed, Text, Tonnes, _Frozen
from .policy import WaterLevel

__all__ = ["MODES", "Damage", "Edge", "Mode", "Network", "Node"]

MODES = ("road", "river", "ferry", "sea", "air")
Mode = Literal["road", "river", "ferry", "sea", "air"]


class Node(_Frozen):
    id: Id
    name: Text | None = None
    lat: Lat
    lon: Lon
    kind: Annotated[str, StringConstraints(max_length=40)] | None = None
    note: Text | None = None


class Edge(_Frozen):
    """A link of the network. Speed or duration, when given, bound every vehicle on it.

    `vessels`: the vehicle types that may use it (None: every type of its mode), e.g. only longboats
    and speedboats through rapids; `vessels_low` and `vessels_flood` replace that list at low water and
    in flood (None: `vessels` holds at that level too)."""

    id: Id
    source: Id
    target: Id
    mode: Mode
    road_class: Id | None = None
    length_km: Km
    speed_kmh: Speed | None = None
    duration_h: Hours | None = None
    max_weight_t: Tonnes | None = None
    oneway: bool = False
    daylight_only: bool = False
    vessels: tuple[Id, ...] | None = None
    vessels_low: tuple[Id, ...] | None = None
    vessels_flood: tuple[Id, ...] | None = None
    note: Text | None = None

    def vessels_at(self, level: WaterLevel) -> tuple[str, ...] | None:
        """The vehicle types allowed at water `level` (None: no rule)."""
        by_level = {"low": self.vessels_low, "flood": self.vessels_flood}.get(level)
        return by_level if by_level is not None else self.vessels


class Network(_Frozen):
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()


class Damage(_Frozen):
    """Damage to one edge or to every edge inside a polygon ([lon, lat] rings, GeoJSON order)."""

    id: Id | None = None
    edge: Id | None = None
    polygon: tuple[tuple[tuple[Lon, Lat], ...], ...] | None = None
    effect: Literal["closed", "degraded", "weight_limit"]
    speed_factor: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = None
    max_weight_t: Tonnes | None = None
    probability: Share = 1.0
    note: Text | None = None

    @model_validator(mode="after")
    def _check(self) -> Damage:
        if (self.edge is None) == (self.polygon is None):
            raise ValueError("give exactly one of edge or polygon")
        if self.effect == "degraded" and self.speed_factor is None:
            raise ValueError("a degraded link needs speed_factor (0 < f <= 1)")
        if self.effect == "weight_limit" and self.max_weight_t is None:
            raise ValueError("a weight limit needs max_weight_t")
        if self.polygon is not None and any(len(ring) < 4 for ring in self.polygon):
            raise ValueError("a polygon ring needs at least 4 positions (closed)")
        return self
