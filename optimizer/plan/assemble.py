"""A plan from the routes it keeps: shipments (what the trips unload), unmet need with one reason per
area and commodity, the KPIs and the status."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from network import ScenarioNetwork
from scenarios.model import Scenario

from ..allocation import AllocationResult
from ..routing import RoutingOptions
from .kpis import plan_kpis
from .records import (
    SHIPMENT_COLUMNS,
    UNMET_COLUMNS,
    WATER_SERVICE_COLUMNS,
    CommittedDelivery,
    RoundRecord,
    Shipment,
    Unmet,
    WaterDelivery,
)
from .requests import purchase_requests, stock_requests
from .result import Plan
from .rounds import Routed
from .served import Service, serve_groups

__all__ = ["Outcome", "assemble_plan"]

ROUTE_REASON = {"fleet_exhausted": "transport_capacity"}


@dataclass(frozen=True)
class Outcome:
    """What a plan is made of. `needs`: the whole need (deliveries committed before the plan
    included); `routed`: the kept routes, scored on the need planned for (the same as `needs` when
    nothing is committed); `alloc`: the allocation they carry (None for given shipments); `closed`:
    the links closed for routing reasons; `started`: the plan's start (perf_counter seconds)."""

    scenario: Scenario
    needs: pd.DataFrame
    water: pd.DataFrame  # (point, area, commodity, day, units) served by local water points
    routed: Routed
    alloc: AllocationResult | None
    closed: Mapping[tuple[str, str], str]
    committed: pd.DataFrame
    routing: RoutingOptions
    network: ScenarioNetwork
    rounds: tuple[RoundRecord, ...]
    timings: Mapping[str, float]
    started: float
    first_feasible_s: float | None


def assemble_plan(o: Outcome) -> Plan:
    """The plan of outcome `o`, its trips served once: the routes' own service when nothing was
    committed before the plan and no water point serves, else the whole need served by the trips,
    the committed goods and the water points."""
    s, routed = o.scenario, o.routed
    service = routed.service if o.committed.empty and o.water.empty else _service_with_committed(o)
    unassigned = routed.result.unassigned
    unmet = _with_reasons(service.unmet, o.alloc, unassigned, o.closed)
    if not unassigned.empty:
        status = "partial"
    else:
        status = "optimal" if o.alloc is not None and o.alloc.status == "optimal" else "feasible"
    r = o.routing
    return Plan(
        scenario=s.id,
        scenario_name=s.name,
        status=status,
        seed=r.seed,
        engine=r.engine,
        iterations=r.iterations,
        time_limit_s=r.time_limit_s,
        solve_seconds=round(time.perf_counter() - o.started, 3),
        first_feasible_s=round(o.first_feasible_s or 0.0, 3),
        kpis=plan_kpis(s, o.needs, routed.result.trips, service, o.water),
        shipments=tuple(Shipment(*row) for row in _columns(routed.shipments, SHIPMENT_COLUMNS)),
        trips=tuple(routed.result.trips),
        unmet=tuple(Unmet(*row) for row in _columns(unmet, UNMET_COLUMNS)),
        rounds=o.rounds,
        timings={k: round(v, 3) for k, v in o.timings.items()},
        committed=tuple(
            CommittedDelivery(str(a), str(c), float(u))
            for a, c, u in o.committed[["area", "commodity", "units"]].itertuples(index=False)
        ),
        water_service=tuple(WaterDelivery(*row) for row in _columns(o.water, WATER_SERVICE_COLUMNS)),
        network=o.network,
        start=None if s.policy.start is None else s.policy.start.isoformat(),
        carried_share=round(routed.result.kpis.kg_carried_share, 6),
        requests=stock_requests(s, routed.result.trips) + purchase_requests(s, routed.result.trips),
    )


def _columns(frame: pd.DataFrame, cols: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The rows of `frame[cols]` as Python values: `day` an int, `units` a float, the rest strings."""
    kinds = {"day": int, "units": float}
    lists = [frame[c].astype(kinds.get(c, str)).tolist() for c in cols]
    return zip(*lists, strict=True)


def _service_with_committed(o: Outcome) -> Service:
    """The whole need served by the trips' deliveries, the committed goods (counted on day 1) and the
    water points (on their days)."""
    delivered = o.routed.shipments.groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    water = o.water[["area", "commodity", "day", "units"]]
    delivered = pd.concat([delivered, o.committed.assign(day=1), water], ignore_index=True)
    return serve_groups(o.needs, delivered, o.scenario.policy.horizon_days)


def _with_reasons(
    unmet: pd.DataFrame,
    alloc: AllocationResult | None,
    uncarried: pd.DataFrame,
    closed: Mapping[tuple[str, str], str],
) -> pd.DataFrame:
    """One reason per area and commodity: the cause of most of its unmet units, between the
    allocation's (units it could not ship) and the routing's (units shipped but not carried); a link
    closed for routing reasons names that reason where the allocation says `unreachable`; what is left
    only by rounding to whole units is `whole_units` (`not_shipped` for given shipments: no allocation
    to say why)."""
    cols = UNMET_COLUMNS
    if unmet.empty:
        return pd.DataFrame(columns=cols)
    why_closed = {a: r for (_, a), r in sorted(closed.items())}
    cand: dict[tuple[str, str], dict[str, float]] = {}
    if alloc is not None and len(alloc.unmet):
        for (a, c, why), u in alloc.unmet.groupby(["area", "commodity", "reason"])["units"].sum().items():
            why = why_closed.get(a, why) if why == "unreachable" else why
            cand.setdefault((a, c), {})[why] = cand.get((a, c), {}).get(why, 0.0) + u
    if len(uncarried):
        for (a, c, why), u in uncarried.groupby(["area", "commodity", "reason"])["units"].sum().items():
            why = ROUTE_REASON.get(why, why)
            cand.setdefault((a, c), {})[why] = cand.get((a, c), {}).get(why, 0.0) + u
    reason = {k: max(sorted(v.items()), key=lambda kv: kv[1])[0] for k, v in cand.items()}
    keys = list(zip(unmet["area"], unmet["commodity"], strict=True))
    rest = "whole_units" if alloc is not None else "not_shipped"
    out = unmet.assign(reason=[reason.get(k, rest) for k in keys])
    return out[cols].reset_index(drop=True)
