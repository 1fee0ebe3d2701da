"""A seeded generator of synthetic Kaltim disaster scenarios, for stockpile studies.

`kaltim_hazard_set(n, seed)` draws `n` scenarios on the bundled Kaltim library. Member `i` is drawn
from a generator seeded by `(seed, i)` alone, so it does not depend on `n`: a 200-member set is the
prefix of a 1,000-member one with the same seed. Each member:

- a hazard kind, drawn by weight (`DEFAULT_HAZARD_WEIGHTS`, an estimate, or the caller's);
- a set of affected desa/kelurahan of `scenarios/library/kaltim/admin/desa.csv` (whose populations
  are estimates) with affected people (split into groups by the catalogue shares, as a bare
  `affected` count is) and a displaced share;
- damage to edges of the bundled network near the affected desa: each candidate record has a
  probability (`DAMAGE_RULES`, estimates) and is realised by a seeded draw; the member keeps the
  realised records only, with probability 1 and the original probability in the note;
- everything else (catalogue, standards, warehouses, stock, fleet, vehicle types, network) from the
  bundled library, shared with a base scenario built once; policy: 3 days, `bnpb`
  (`bnpb-karhutla` for fires).

Severities are anchored on README-domain §5.4 (Samarinda floods of 2019 and 2020, the Mahakam Ulu
flood of May 2024, the karhutla hotspot counts); every spread around them is an estimate. Those
parameters (hazard kinds and weights, event sizes, damage rules, names, provenance) are in
`scenarios.hazard_params`. See docs/scenario-sets.md.
"""

from __future__ import annotations

import csv
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .bundled import LIBRARY_DIR
from .document import split_affected
from .hazard_params import (
    DAMAGE_RULES,
    DEFAULT_HAZARD_WEIGHTS,
    HAZARD_KINDS,
    HAZARD_NAMES,
    HORIZON_DAYS,
    KARHUTLA_HOTSPOTS,
    KAT_GROUP,
    KAT_KECAMATAN,
    KAT_SHARE,
    LONGSOR_WEIGHTS,
    SAMARINDA_CAP,
    SAMARINDA_FLOOD_KECAMATAN,
    SAMARINDA_MEDIAN,
    SAMARINDA_RANGE,
    SAMARINDA_SIGMA,
    SET_ID,
    SOURCE,
    DamageRule,
    hazard_kind,
    hazard_weights,
)
from .loaders import load_scenario
from .model import Area, Damage, Scenario
from .scenario_set import ScenarioSet, scenario_set_error

__all__ = [
    "DAMAGE_RULES",
    "DEFAULT_HAZARD_WEIGHTS",
    "HAZARD_KINDS",
    "DamageRule",
    "hazard_kind",
    "hazard_weights",
    "kaltim_hazard_set",
]


# ---------------------------------------------------------------------------------------------
# the bundled library, read once


@dataclass(frozen=True)
class _Library:
    base: Scenario
    shares: dict[str, float]
    code: np.ndarray  # desa code (str)
    name: np.ndarray
    kind: np.ndarray  # desa / kelurahan
    kab: np.ndarray
    kec: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    pop: np.ndarray  # estimated population (int)
    riverside: np.ndarray  # bool: the desa has a river connector (cdr_<code>)
    kab_names: dict[str, str]
    edge_ids: np.ndarray  # str
    edge_mode: np.ndarray  # str
    near_km: np.ndarray  # float32 [desa, edge]: km from the desa point to the edge's nearer end


@lru_cache(maxsize=1)
def _library() -> _Library:
    base = load_scenario("karhutla-2019")  # the library plus bnpb, sphere and bnpb-karhutla
    admin = LIBRARY_DIR / "kaltim" / "admin"
    with open(admin / "desa.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(admin / "kabupaten.csv", encoding="utf-8") as f:
        kab_names = {r["code"]: r["short_name"] for r in csv.DictReader(f)}
    lat = np.array([float(r["rep_lat"]) for r in rows])
    lon = np.array([float(r["rep_lon"]) for r in rows])
    edges = base.network.edges
    river = {e.id[len("cdr_") :] for e in edges if e.id.startswith("cdr_")}
    nodes = {n.id: (n.lat, n.lon) for n in base.network.nodes}
    missing = [r["code"] for r in rows if f"d_{r['code']}" not in nodes]
    if missing:
        raise RuntimeError(f"desa without a network node in the Kaltim library: {missing[:5]}")
    src = np.array([nodes[e.source] for e in edges])
    dst = np.array([nodes[e.target] for e in edges])
    near = np.minimum(_km(lat, lon, src), _km(lat, lon, dst)).astype(np.float32)
    return _Library(
        base=base,
        shares={g.id: g.share for g in base.groups if g.share is not None},
        code=np.array([r["code"] for r in rows]),
        name=np.array([r["name"] for r in rows]),
        kind=np.array([r["kind"] for r in rows]),
        kab=np.array([r["kab_code"] for r in rows]),
        kec=np.array([r["kec_code"] for r in rows]),
        lat=lat,
        lon=lon,
        pop=np.array([int(r["population"]) for r in rows]),
        riverside=np.array([r["code"] in river for r in rows]),
        kab_names=kab_names,
        edge_ids=np.array([e.id for e in edges]),
        edge_mode=np.array([e.mode for e in edges]),
        near_km=near,
    )


def _km(lat: np.ndarray, lon: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """[len(lat), len(ends)] distances in km (equirectangular: exact enough within Kaltim)."""
    dy = (ends[None, :, 0] - lat[:, None]) * 110.574
    dx = (ends[None, :, 1] - lon[:, None]) * 111.320 * np.cos(np.radians(lat))[:, None]
    return np.hypot(dx, dy)


# ---------------------------------------------------------------------------------------------
# events: which desa, how many people


@dataclass(frozen=True)
class _Event:
    idx: np.ndarray  # desa indices
    affected: np.ndarray  # whole people per area (KAT included)
    displaced: np.ndarray  # displaced share per area
    kat: np.ndarray  # Komunitas Adat Terpencil among the affected
    place: str  # Indonesian place words for the name


def _whole_people(x: np.ndarray, total: int) -> np.ndarray:
    """Round to whole people summing to `total` (largest remainder)."""
    low = np.floor(x).astype(np.int64)
    short = int(total - low.sum())
    if short > 0:
        order = np.argsort(-(x - low), kind="stable")[:short]
        low[order] += 1
    return low


def _split_capped(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """`total` split by `weights`, no part above its cap (water filling), in whole people."""
    total = min(total, int(np.floor(caps).sum()))
    alloc = np.zeros(len(weights))
    free = np.ones(len(weights), bool)
    for _ in range(len(weights)):
        idx = np.flatnonzero(free)
        x = (total - alloc[~free].sum()) * weights[idx] / weights[idx].sum()
        over = x > caps[idx]
        if not over.any():
            alloc[idx] = x
            break
        alloc[idx[over]] = caps[idx[over]]
        free[idx[over]] = False
    return _whole_people(alloc, total)


def _banjir_samarinda(lib: _Library, rng: np.random.Generator) -> _Event:
    pool = np.flatnonzero(lib.kab == "64.72")
    w = np.where(np.isin(lib.kec[pool], SAMARINDA_FLOOD_KECAMATAN), 3.0, 1.0)
    total = int(np.clip(rng.lognormal(np.log(SAMARINDA_MEDIAN), SAMARINDA_SIGMA), *SAMARINDA_RANGE))
    hit_share = rng.uniform(0.15, 0.45)  # mean share of an affected kelurahan's population (estimate)
    k = int(np.clip(round(total / (hit_share * lib.pop[pool].mean())), 4, len(pool)))
    idx = np.sort(rng.choice(pool, size=k, replace=False, p=w / w.sum()))
    affected = _split_capped(total, rng.dirichlet(np.full(k, 3.0)), SAMARINDA_CAP * lib.pop[idx])
    displaced = np.clip(rng.uniform(0.2, 0.4) * rng.uniform(0.75, 1.25, k), 0, 1)
    return _Event(idx, affected, displaced, np.zeros(k, np.int64), f"{k} kelurahan")


def _banjir_mahakam(lib: _Library, rng: np.random.Generator) -> _Event:
    pool = np.flatnonzero((lib.kab == "64.11") | ((lib.kab == "64.07") & lib.riverside))
    k = int(rng.integers(5, 38))  # May 2024: 28-37 of 50 kampung, the worst in history
    centre = rng.choice(pool)
    dist = np.hypot(lib.lat[pool] - lib.lat[centre], lib.lon[pool] - lib.lon[centre])
    idx = np.sort(pool[np.argsort(dist, kind="stable")[:k]])  # one stretch of the river
    affected = np.maximum(1, np.round(rng.uniform(0.3, 0.8, k) * lib.pop[idx])).astype(np.int64)
    kat = np.where(np.isin(lib.kec[idx], KAT_KECAMATAN), np.round(KAT_SHARE * affected), 0).astype(np.int64)
    displaced = rng.uniform(0.05, 0.4, k)
    kabs = " dan ".join(lib.kab_names[c] for c in sorted(set(lib.kab[idx]), reverse=True))
    return _Event(idx, affected, displaced, kat, f"{k} kampung di {kabs}")


def _karhutla(lib: _Library, rng: np.random.Generator) -> _Event:
    kabs = np.array(list(KARHUTLA_HOTSPOTS))
    w = np.array(list(KARHUTLA_HOTSPOTS.values()), float)
    chosen = rng.choice(kabs, size=int(rng.integers(1, 4)), replace=False, p=w / w.sum())
    pool = np.flatnonzero(np.isin(lib.kab, chosen) & (lib.kind == "desa"))
    k = min(int(rng.integers(5, 31)), len(pool))
    idx = np.sort(rng.choice(pool, size=k, replace=False))
    haze = np.clip(rng.uniform(0.1, 0.5) * rng.uniform(0.8, 1.2, k), 0, 1)  # bundled 2019: 30 %
    affected = np.maximum(1, np.round(haze * lib.pop[idx])).astype(np.int64)
    displaced = np.full(k, rng.uniform(0.02, 0.1))  # bundled 2019: 5 %
    names = ", ".join(lib.kab_names[c] for c in sorted(chosen))
    return _Event(idx, affected, displaced, np.zeros(k, np.int64), f"{k} desa di {names}")


def _longsor(lib: _Library, rng: np.random.Generator) -> _Event:
    kabs = np.array(list(LONGSOR_WEIGHTS))
    w = np.array(list(LONGSOR_WEIGHTS.values()))
    kab = rng.choice(kabs, p=w / w.sum())
    first = rng.choice(np.flatnonzero(lib.kab == kab))
    extra = int(rng.integers(0, 4))
    km = np.hypot((lib.lat - lib.lat[first]) * 110.574, (lib.lon - lib.lon[first]) * 111.320)
    near = np.flatnonzero((km <= 10.0) & (np.arange(len(km)) != first))
    near = near[np.argsort(km[near], kind="stable")][:extra]
    idx = np.sort(np.concatenate([[first], near]))
    k = len(idx)
    people = np.clip(rng.lognormal(np.log(150), 0.8, k), 10, np.maximum(10, 0.3 * lib.pop[idx]))
    affected = np.round(people).astype(np.int64)
    displaced = rng.uniform(0.3, 0.9, k)
    return _Event(
        idx, affected, displaced, np.zeros(k, np.int64), f"{k} desa/kelurahan di {lib.kab_names[kab]}"
    )


_DRAW: dict[str, Callable[[_Library, np.random.Generator], _Event]] = {
    "banjir_samarinda": _banjir_samarinda,
    "banjir_mahakam": _banjir_mahakam,
    "karhutla": _karhutla,
    "longsor": _longsor,
}


# ---------------------------------------------------------------------------------------------
# areas and damage of one member


def _areas(lib: _Library, kind: str, ev: _Event) -> tuple[Area, ...]:
    out = []
    for k, d in enumerate(ev.idx):
        n, kat, pop = int(ev.affected[k]), int(ev.kat[k]), int(lib.pop[d])
        people = split_affected(float(n - kat), lib.shares)
        note = (
            f"synthetic {kind}: affected {n:,} = {n / pop:.0%} of the estimated population {pop:,} "
            f"(estimate); displaced_share {ev.displaced[k]:.2f} (estimate)"
        )
        if kat:
            people[KAT_GROUP] = float(kat)
            note += f"; {kat:,} of them Komunitas Adat Terpencil ({KAT_SHARE:.0%}, estimate)"
        code = str(lib.code[d])
        out.append(
            Area(
                id=f"d_{code}",
                name=str(lib.name[d]),
                code=code,
                kind=str(lib.kind[d]),
                kab_code=str(lib.kab[d]),
                lat=float(lib.lat[d]),
                lon=float(lib.lon[d]),
                node=f"d_{code}",
                people=people,
                displaced_share=float(ev.displaced[k]),
                note=note,
            )
        )
    return tuple(out)


def _damage(lib: _Library, kind: str, ev: _Event, rng: np.random.Generator) -> tuple[Damage, ...]:
    near = lib.near_km[ev.idx].min(axis=0)
    cands: list[tuple[DamageRule, int]] = []
    for rule in DAMAGE_RULES[kind]:
        hit = np.flatnonzero(np.isin(lib.edge_mode, rule.modes) & (near <= rule.radius_km))
        cands += [(rule, int(e)) for e in hit]
    draws = rng.random(len(cands))
    out = []
    for (rule, e), u in zip(cands, draws, strict=True):
        if u < rule.probability:
            edge = str(lib.edge_ids[e])
            out.append(
                Damage(
                    id=f"{rule.name}-{edge}",
                    edge=edge,
                    effect=rule.effect,
                    speed_factor=rule.speed_factor,
                    note=f"{rule.note}; realised from probability {rule.probability} (estimate)",
                )
            )
    return tuple(out)


def _id_number(n: int) -> str:
    """A whole number the Indonesian way: 56.123."""
    return f"{n:,}".replace(",", ".")


def _member(lib: _Library, seed: int, i: int, kinds: list[str], p: np.ndarray) -> Scenario:
    rng = np.random.default_rng([seed, i])
    kind = kinds[int(rng.choice(len(kinds), p=p))]
    ev = _DRAW[kind](lib, rng)
    damage = _damage(lib, kind, ev, np.random.default_rng([seed, i, 1]))
    total = int(ev.affected.sum())
    name = f"{HAZARD_NAMES[kind]}: {ev.place}, {_id_number(total)} jiwa terdampak (skenario sintetis {i:04d})"
    standards = "bnpb-karhutla" if kind == "karhutla" else "bnpb"
    return lib.base.model_copy(
        update={
            "id": f"{SET_ID}-{seed}-{i:04d}",
            "name": name,
            "description": (
                f"{kind}: synthetic scenario {i} of the Kaltim hazard set (seed {seed}); "
                f"{total:,} affected in {len(ev.idx)} areas, {len(damage)} damaged links. "
                "Affected counts, displaced shares and damage are estimates (docs/scenario-sets.md)."
            ),
            "areas": _areas(lib, kind, ev),
            "damage": damage,
            "policy": lib.base.policy.model_copy(
                update={"horizon_days": HORIZON_DAYS, "standards": standards}
            ),
        }
    )


def kaltim_hazard_set(n: int, seed: int, hazards: Mapping[str, float] | None = None) -> ScenarioSet:
    """`n` synthetic Kaltim disaster scenarios, equally likely; member i depends on (seed, i) only."""
    for field, value, low in (("n", n, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise scenario_set_error(field, f"must be a whole number >= {low}", value)
    weights = hazard_weights(hazards)
    kinds = [k for k in HAZARD_KINDS if weights.get(k, 0.0) > 0]
    p = np.array([weights[k] for k in kinds])
    p = p / p.sum()
    lib = _library()
    members = tuple(_member(lib, int(seed), i, kinds, p) for i in range(int(n)))
    return ScenarioSet(
        id=SET_ID,
        name=f"Skenario bencana Kaltim (sintetis, {n} skenario, seed {seed}) / Synthetic Kaltim hazards",
        scenarios=members,
        probabilities=np.full(int(n), 1.0 / int(n)),
        source=SOURCE,
        seed=int(seed),
    )
