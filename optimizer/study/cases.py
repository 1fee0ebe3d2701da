"""One hazard scenario reduced to what a stockpile study needs: zones, needs by priority class, and
travel hours from every candidate site.

A study asks where stock should sit before a disaster, so the second stage is the first response
out of pre-positioned stock: every affected area takes what it needs over the scenario's horizon from
any site that reaches it within `max_response_h` (fastest vehicle type of the scenario on the damaged
network, or only the types based at the site with `transport="based"`). Vehicle capacity and days
are left to the allocation (`evaluation: allocation` in a study).

Areas that reach exactly the same sites form one zone (as in the allocation): the LP decides per
zone and priority class, which is exact for unmet need; arrival hours split a zone's shipments back
to its areas in proportion to need.

Need is counted in person-days: units of a commodity are divided by the standards' units per person
per day (one-off items spread over the horizon), so unmet water, rice and blankets add up.
Commodities without a per-person standard (needs given in units) count one per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from network import Network, ScenarioNetwork
from scenarios.model import Scenario, VehicleType

from ..instance import PlanningInstance, compile_instance

__all__ = ["StudyCase", "build_case", "case_instance", "person_days_per_unit"]


@dataclass(frozen=True)
class StudyCase:
    """Arrays of one scenario; `W` sites, `C` commodities, `K` priority classes, `G` groups."""

    scenario: str
    sites: tuple[str, ...]
    commodities: tuple[str, ...]
    groups: tuple[str, ...]
    group_class: np.ndarray  # [G] -> class
    class_weight: np.ndarray  # [K]
    value: np.ndarray  # [C] person-days per unit
    need: np.ndarray  # [Z, C, K] units over the horizon
    need_group: np.ndarray  # [Z, C, G] units over the horizon
    time_h: np.ndarray  # [W, Z] need-weighted mean one-way hours (inf: not within reach)
    area_zone: np.ndarray  # [A] zone of each affected area
    area_time_h: np.ndarray  # [W, A] one-way hours per affected area
    area_share: np.ndarray  # [A, C] the area's share of its zone's need of c
    kg: np.ndarray  # [C] per unit
    m3: np.ndarray  # [C] per unit
    throughput_kg: np.ndarray  # [W] kg the site can hand out over the horizon (inf: no limit)
    vt_time_h: np.ndarray  # [V, W, Z] one-way hours per vehicle type (inf: cannot)
    vt_count: np.ndarray  # [W, V] vehicles based at the site (inf: fleet not limited)
    vt_cap_kg: np.ndarray  # [V]
    vt_cap_m3: np.ndarray  # [V]
    vt_shift_h: np.ndarray  # [V] driving hours a day (`VehicleType.duty_h`: daylight-limited)
    horizon: int = 1
    handling_h: float = 1.0  # loading and unloading per trip

    @property
    def fleet_limited(self) -> bool:
        return bool(np.isfinite(self.vt_count).any())

    @property
    def n_zones(self) -> int:
        return self.need.shape[0]


def person_days_per_unit(scenario: Scenario, horizon: int) -> dict[str, float]:
    """Person-days one unit covers, from the policy's standards profile (items for everyone first,
    then group items; a household item's unit covers the household size in people); 1.0 for
    commodities with no per-person standard."""
    profile = scenario.standards_profile()
    general: dict[str, float] = {}
    special: dict[str, float] = {}
    for item in profile.items:
        if item.quantity <= 0 or item.share <= 0:
            continue
        kk = scenario.policy.kk_size if item.per == "household" else 1.0
        per_day = item.quantity / item.per_persons / kk / (item.per_days or horizon)
        target = special if item.groups else general
        target.setdefault(item.commodity, per_day)
    rates = special | general
    return {c.id: 1.0 / rates[c.id] if c.id in rates else 1.0 for c in scenario.commodities}


def build_case(
    problem: PlanningInstance | Scenario,
    sites: Sequence[str],
    commodities: Sequence[str],
    *,
    max_response_h: float = 72.0,
    transport: str = "any",
    network: Network | None = None,
) -> StudyCase:
    """The study arrays of a scenario for candidate `sites` (warehouse ids of the scenario) and
    `commodities` (ids; others are left out). `problem`: the scenario compiled with
    `travel_limit_h=max_response_h` (its needs, fleet and travel are read from it), or the scenario
    itself, compiled here (`network`: a prebuilt network.Network to share)."""
    inst = (
        problem
        if isinstance(problem, PlanningInstance)
        else case_instance(problem, max_response_h=max_response_h, network=network)
    )
    scenario = inst.scenario
    needs = inst.needs.frame
    c_ix = {c: i for i, c in enumerate(commodities)}
    needs = needs[needs["commodity"].isin(c_ix)]
    groups = tuple(g.id for g in scenario.groups)
    weights = np.array([g.priority_weight for g in scenario.groups], float)
    class_weight, group_class = np.unique(weights, return_inverse=True)
    g_ix = {g: i for i, g in enumerate(groups)}
    area_ids = list(dict.fromkeys(needs["area"]))
    a_ix = {a: i for i, a in enumerate(area_ids)}
    A, C, G = len(area_ids), len(commodities), len(groups)
    need_ag = np.zeros((A, C, G))
    np.add.at(
        need_ag,
        (
            needs["area"].map(a_ix).to_numpy(np.int64),
            needs["commodity"].map(c_ix).to_numpy(np.int64),
            needs["group"].map(g_ix).to_numpy(np.int64),
        ),
        needs["units"].to_numpy(float),
    )
    horizon = scenario.policy.horizon_days
    pdu = person_days_per_unit(scenario, horizon)
    value = np.array([pdu.get(c, 1.0) for c in commodities])
    vts, vt_time = _type_hours(inst, sites, area_ids, max_h=max_response_h, transport=transport)
    time_wa = vt_time.min(axis=0) if len(vts) else np.full((len(sites), A), np.inf)
    area_zone, n_zones = _zones(np.isfinite(vt_time).reshape(-1, A))
    case = _assemble(
        scenario.id,
        sites,
        commodities,
        groups,
        group_class,
        class_weight,
        value,
        need_ag,
        time_wa,
        area_zone,
        n_zones,
    )
    cat = {c.id: c for c in scenario.commodities}
    weight_a = (need_ag.sum(axis=2) * value[None, :]).sum(axis=1) + 1e-12
    return replace(
        case,
        kg=np.array([cat[c].kg_per_unit for c in commodities]),
        m3=np.array([cat[c].m3_per_unit for c in commodities]),
        throughput_kg=_throughput_kg(scenario, sites) * horizon,
        vt_time_h=np.stack([_zone_mean(t, area_zone, n_zones, weight_a) for t in vt_time])
        if len(vts)
        else np.zeros((0, len(sites), n_zones)),
        vt_count=_counts(inst, sites, vts)
        if transport == "based"
        else np.full((len(sites), len(vts)), np.inf),
        vt_cap_kg=np.array([v.capacity_kg for v in vts]),
        vt_cap_m3=np.array([v.capacity_m3 for v in vts]),
        vt_shift_h=np.array([v.duty_h for v in vts]),
        horizon=horizon,
    )


def _counts(inst: PlanningInstance, sites: Sequence[str], vts: Sequence[VehicleType]) -> np.ndarray:
    """[W, V] vehicles of each type based at each site (the instance's fleet rows, summed)."""
    rows = inst.warehouses.positions(list(sites))
    cols = inst.vehicle_types.positions([v.id for v in vts])
    return inst.fleet.count[np.ix_(rows, cols)].astype(float)


def _throughput_kg(scenario: Scenario, sites: Sequence[str]) -> np.ndarray:
    wh = {w.id: w for w in scenario.warehouses}
    t = [wh[s].throughput_t_per_day for s in sites]
    return np.array([np.inf if x is None else 1000.0 * x for x in t])


def _assemble(
    sid, sites, commodities, groups, group_class, class_weight, value, need_ag, time_wa, area_zone, n_zones
) -> StudyCase:
    C, G = need_ag.shape[1:]
    need_group = np.zeros((n_zones, C, G))
    np.add.at(need_group, area_zone, need_ag)
    K = len(class_weight)
    need = np.zeros((n_zones, C, K))
    for g in range(G):
        need[:, :, group_class[g]] += need_group[:, :, g]
    area_need = need_ag.sum(axis=2)  # [A, C]
    zone_need = need.sum(axis=2)  # [Z, C]
    share = np.divide(
        area_need, zone_need[area_zone], out=np.zeros_like(area_need), where=zone_need[area_zone] > 0
    )
    weight_a = (area_need * value[None, :]).sum(axis=1) + 1e-12
    time_wz = _zone_mean(time_wa, area_zone, n_zones, weight_a)
    return StudyCase(
        scenario=sid,
        sites=tuple(sites),
        commodities=tuple(commodities),
        groups=groups,
        group_class=np.asarray(group_class, np.int64),
        class_weight=np.asarray(class_weight, float),
        value=value,
        need=need,
        need_group=need_group,
        time_h=time_wz,
        area_zone=area_zone,
        area_time_h=time_wa,
        area_share=share,
        kg=np.ones(C),
        m3=np.zeros(C),
        throughput_kg=np.full(len(sites), np.inf),
        vt_time_h=np.zeros((0, len(sites), n_zones)),
        vt_count=np.zeros((len(sites), 0)),
        vt_cap_kg=np.zeros(0),
        vt_cap_m3=np.zeros(0),
        vt_shift_h=np.zeros(0),
    )


def _zone_mean(time_wa: np.ndarray, area_zone: np.ndarray, n_zones: int, weight_a: np.ndarray) -> np.ndarray:
    """[W, Z] need-weighted mean hours over each zone's areas (inf where the zone is not reached;
    areas of a zone reach the same sites)."""
    W, A = time_wa.shape
    if not A:
        return np.full((W, n_zones), np.inf)
    finite = np.where(np.isfinite(time_wa), time_wa, 0.0)
    num = np.zeros((W, n_zones))
    den = np.zeros(n_zones)
    np.add.at(num.T, area_zone, (finite * weight_a[None, :]).T)
    np.add.at(den, area_zone, weight_a)
    first = np.zeros(n_zones, np.int64)
    first[area_zone[::-1]] = np.arange(A)[::-1]
    return np.where(np.isfinite(time_wa[:, first]), num / np.maximum(den, 1e-300)[None, :], np.inf)


def case_instance(
    scenario: Scenario, *, max_response_h: float = 72.0, network: Network | None = None
) -> PlanningInstance:
    """`scenario` compiled for a study case: travel only within `max_response_h` (`network`: a
    prebuilt network.Network shared between scenarios on the same roads and rivers)."""
    sn = ScenarioNetwork(scenario, network=network)
    return compile_instance(scenario, network=sn, travel_limit_h=max_response_h)


def _type_hours(
    inst: PlanningInstance,
    sites: Sequence[str],
    area_ids: Sequence[str],
    *,
    max_h: float,
    transport: str,
) -> tuple[list[VehicleType], np.ndarray]:
    """Vehicle types and [V, W, A] one-way hours from each site to each affected area (inf beyond
    `max_h`; with `transport="based"` only types based at the site)."""
    scenario = inst.scenario
    rows = inst.warehouses.positions(list(sites))
    cols = inst.areas.positions(list(area_ids))
    based = _based(scenario) if transport == "based" else None
    vts = [v for v in scenario.vehicle_types if based is None or any((s, v.id) in based for s in sites)]
    out = np.full((len(vts), len(sites), len(area_ids)), np.inf)
    for k, vt in enumerate(vts):
        t = inst.travel.time_h[:, :, inst.vehicle_types[vt.id]][np.ix_(rows, cols)]
        if based is not None:
            ok = np.array([(s, vt.id) in based for s in sites])
            t = np.where(ok[:, None], t, np.inf)
        out[k] = np.where(t <= max_h, t, np.inf)
    return vts, out


def _based(scenario: Scenario) -> set[tuple[str, str]]:
    return {(f.warehouse, f.vehicle_type) for f in scenario.fleet if f.count > 0}


def _zones(reach: np.ndarray) -> tuple[np.ndarray, int]:
    """Zone per area: areas reaching the same set of sites share one (numbered in order of first
    appearance, so the numbering follows the scenario's area order)."""
    if reach.shape[1] == 0:
        return np.zeros(0, np.int64), 0
    keys = pd.Series([r.tobytes() for r in reach.T])
    codes, uniques = pd.factorize(keys)
    return codes.astype(np.int64), len(uniques)
