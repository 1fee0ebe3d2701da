"""Trips read out of a solved dispatch part: one `Trip` per departure of a vehicle from its warehouse,
its stops in visiting order (consecutive loads for one area make one stop), arrival hours on the
delivery day's clock, distance, duration, load and tonne-km, rounded once here (hours to 3 decimals,
units to 6, kg to 3, m3 and tonne-km to 4)."""

from __future__ import annotations

from . import units as u
from .parts import DispatchPart
from .solution import Route, RoutingSolution
from .trips import Stop, Trip

__all__ = ["read_trips"]


def read_trips(part: DispatchPart, sol: RoutingSolution) -> list[Trip]:
    """Every trip of every route of `sol`, route by route."""
    return [trip for r in sol.routes for trip in _route_trips(part, r)]


def _route_trips(part: DispatchPart, r: Route) -> list[Trip]:
    p, out = part.problem, []
    offset_h = 24 * part.lag_days
    v = part.vehicle_types[r.vehicle_type]
    vt = p.vehicle_types[r.vehicle_type]
    dist, dur = p.distances[vt.profile], p.durations[vt.profile]
    now = r.start
    for k, trip in enumerate(r.trips):
        here, metres, onboard = 0, 0, sum(part.loads[x.job].kg for x in trip.visits)
        stops: list[tuple[str, float, dict[str, float]]] = []  # area, arrive_h, deliver
        tkm, depart = 0.0, now
        for x in trip.visits:
            job, ld = p.jobs[x.job], part.loads[x.job]
            metres += int(dist[here, job.location])
            tkm += onboard / 1000 * int(dist[here, job.location]) / 1000
            onboard -= ld.kg
            if stops and stops[-1][0] == ld.area:
                deliver = stops[-1][2]
                for c, q in ld.units.items():
                    deliver[c] = deliver.get(c, 0.0) + q
            else:
                stops.append((ld.area, round(u.hours(x.arrival) - offset_h, 3), dict(ld.units)))
            now, here = x.start + job.service, job.location
        metres += int(dist[here, 0])
        now += int(dur[here, 0])
        kg = sum(part.loads[x.job].kg for x in trip.visits)
        m3 = sum(part.loads[x.job].m3 for x in trip.visits)
        out.append(
            Trip(
                vehicle=f"{part.warehouse}/{v}/{r.vehicle + 1}",
                vehicle_type=v,
                warehouse=part.warehouse,
                day=part.day,
                trip=k + 1,
                depart_h=round(u.hours(depart) - offset_h, 3),
                return_h=round(u.hours(now) - offset_h, 3),
                stops=tuple(
                    Stop(area, arrive_h, {c: round(q, 6) for c, q in deliver.items()})
                    for area, arrive_h, deliver in stops
                ),
                distance_km=round(metres / 1000, 3),
                duration_h=round(u.hours(now - depart), 3),
                load_kg=round(kg, 3),
                load_m3=round(m3, 4),
                tonne_km=round(tkm, 4),
            )
        )
    return out
