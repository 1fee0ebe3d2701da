"""Travel between a planning instance's warehouses and areas, per vehicle type, as arrays.

`time_h` and `distance_km` [W, A, V] hold every vehicle type's fastest path from each warehouse to each
area on the damaged network (inf: no path); `based_time_h` only where the type is based at the
warehouse. `lag_days` counts the whole days from dispatch to delivery when a vehicle drives at most its
duty hours a day. A round of the plan closes links (`closed`): a copy with those warehouse-area pairs
unreachable for every type; the instance itself never changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from network import ScenarioNetwork, TravelMatrix
from scenarios.model import Scenario

__all__ = ["TravelArrays", "lag_days", "travel_of"]


def lag_days(time_h: np.ndarray, duty_h: np.ndarray) -> np.ndarray:
    """Whole days between dispatch and delivery when a vehicle drives at most `duty_h` a day
    (-1 where it cannot reach)."""
    shift = np.broadcast_to(duty_h, time_h.shape)
    lag = np.full(time_h.shape, -1, np.int64)
    ok = np.isfinite(time_h)
    lag[ok] = np.maximum(np.ceil(time_h[ok] / shift[ok]) - 1, 0)
    return lag


@dataclass(frozen=True)
class TravelArrays:
    """[W, A, V] one-way hours and km from warehouses to areas per vehicle type; `based` [W, V];
    `duty_h` [V] the hours a vehicle of each type drives a day (`VehicleType.duty_h`). The lags and
    round trips of the based types derive from them (`lag_days`, `round_trip_h`): one formula for
    allocation and the baseline."""

    time_h: np.ndarray
    distance_km: np.ndarray
    based: np.ndarray
    duty_h: np.ndarray

    @cached_property
    def lag_days(self) -> np.ndarray:
        """[W, A, V] whole days from dispatch to delivery on each based type (-1: cannot reach)."""
        lag = lag_days(self.based_time_h, self.duty_h[None, None, :])
        lag.setflags(write=False)
        return lag

    def round_trip_h(self, handling_h: float) -> np.ndarray:
        """[W, A, V] hours of one round trip on each based type: there and back plus `handling_h`."""
        return 2 * self.based_time_h + handling_h

    @cached_property
    def based_time_h(self) -> np.ndarray:
        """Hours on the vehicle types based at each warehouse (inf elsewhere); computed once."""
        t = np.where(self.based[:, None, :], self.time_h, np.inf)
        t.setflags(write=False)
        return t

    @cached_property
    def based_distance_km(self) -> np.ndarray:
        """Km where a based vehicle type reaches the area (inf elsewhere); computed once."""
        d = np.where(np.isfinite(self.based_time_h), self.distance_km, np.inf)
        d.setflags(write=False)
        return d

    def closed(self, mask: np.ndarray | None) -> TravelArrays:
        """The same travel with the warehouse-area pairs of `mask` [W, A] unreachable by every type."""
        if mask is None or not mask.any():
            return self
        t, d = self.time_h.copy(), self.distance_km.copy()
        t[mask] = np.inf
        d[mask] = np.inf
        for a in (t, d):
            a.setflags(write=False)
        return replace(self, time_h=t, distance_km=d)


def travel_of(
    scenario: Scenario,
    based: np.ndarray,
    *,
    network: ScenarioNetwork | None,
    given: Mapping[str, TravelMatrix] | None = None,
    limit_h: float | None = None,
) -> TravelArrays:
    """Every vehicle type's warehouse-to-area matrix (`given`, else the network's; paths longer than
    `limit_h` left out, when given) as [W, A, V] arrays."""
    W, A, V = len(scenario.warehouses), len(scenario.areas), len(scenario.vehicle_types)
    time_h = np.full((W, A, V), np.inf)
    dist = np.full((W, A, V), np.inf)
    for k, vt in enumerate(scenario.vehicle_types):
        if given is not None:
            m = given[vt.id]
        elif network is not None:
            m = network.matrix(vt, "warehouses", "areas", limit_h)
        else:
            raise ValueError("travel_of needs a network or given matrices")
        time_h[:, :, k] = m.time_h
        dist[:, :, k] = m.distance_km
    for a in (time_h, dist):
        a.setflags(write=False)
    duty_h = np.array([v.duty_h for v in scenario.vehicle_types], float)
    duty_h.setflags(write=False)
    return TravelArrays(time_h, dist, based, duty_h)
