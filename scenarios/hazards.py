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
flood of May 2024, the karhutla hotspot counts); every spread around them is an estimate.
See docs/scenario-sets.md.
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
from .errors import Issue, ScenarioError
from .model import Area, Damage, Scenario
from .sets import ScenarioSet

__all__ = [
    "DAMAGE_RULES",
    "DEFAULT_HAZARD_WEIGHTS",
    "HAZARD_KINDS",
    "DamageRule",
    "hazard_kind",
    "kaltim_hazard_set",
]

HAZARD_KINDS = ("banjir_samarinda", "banjir_mahakam", "karhutla", "longsor")

# Estimate: relative frequency of relief-relevant events of each kind in Kaltim. README-domain §5.4
# names floods, landslides and forest/land fires as the main hazards but gives no counts: Samarinda
# floods are near-yearly (2019, 2020), a Mahakam Ulu flood of the 2024 size is rare ("worst in
# history"), fires come each dry season, landslides are frequent but small.
DEFAULT_HAZARD_WEIGHTS: dict[str, float] = {
    "banjir_samarinda": 0.35,
    "banjir_mahakam": 0.15,
    "karhutla": 0.30,
    "longsor": 0.20,
}

HORIZON_DAYS = 3
SET_ID = "kaltim-hazards"
SOURCE = (
    "SIAGA synthetic Kaltim hazard scenarios (scenarios/hazards.py). Desa, kelurahan and their "
    "populations (estimates), network, warehouses, stock, fleet and vehicle types: the bundled Kaltim "
    "library (scenarios/library/kaltim; sources and licences in its README: cahyadsn/wilayah and "
    "cahyadsn/wilayah_boundaries (MIT), VMap0 roads, Natural Earth, OurAirports). Event sizes anchored "
    "on BNPB via Republika (Samarinda flood, June 2019: 56,123 affected), Republika 2020 (30,894), "
    "Kompas/Tempo/kaltimkece/mediakaltim (Mahakam Ulu flood, May 2024) and Antara Kaltara (karhutla "
    "hotspots by kabupaten). Hazard weights, severities, displaced shares and damage probabilities are "
    "estimates."
)

# README-domain §5.4 hotspot counts of one fire season (year unverified): Kukar, Kutim, Kubar,
# Berau, Paser, PPU.
KARHUTLA_HOTSPOTS = {"64.02": 392, "64.08": 299, "64.07": 240, "64.03": 213, "64.01": 153, "64.09": 39}
# Estimate: where landslides hit (hilly cities with cut slopes, the interior uplands).
LONGSOR_WEIGHTS = {
    "64.72": 3.0,
    "64.71": 3.0,
    "64.07": 2.0,
    "64.11": 2.0,
    "64.03": 1.0,
    "64.08": 1.0,
    "64.02": 1.0,
    "64.01": 1.0,
    "64.09": 1.0,
    "64.74": 1.0,
}
# The six kecamatan of the bundled June 2019 scenario (Samarinda Ulu, Ilir, Utara, Sambutan,
# Sungai Pinang, Samarinda Kota): three times as likely to flood (estimate).
SAMARINDA_FLOOD_KECAMATAN = ("64.72.03", "64.72.04", "64.72.05", "64.72.07", "64.72.08", "64.72.09")
# Interior Mahakam Ulu kecamatan (Laham, Long Apari, Long Pahangai): 30 % of the affected counted
# as Komunitas Adat Terpencil, as in the bundled banjir-mahakam-ulu-2024 (estimate).
KAT_KECAMATAN = ("64.11.03", "64.11.04", "64.11.05")
KAT_SHARE = 0.3
KAT_GROUP = "komunitas_adat_terpencil"

# Samarinda: geometric mean of the 2020 (30,894) and 2019 (56,123) totals; sigma puts them near
# the 20th and 80th percentiles (estimate).
SAMARINDA_MEDIAN = float(np.sqrt(30_894 * 56_123))
SAMARINDA_SIGMA = 0.3
SAMARINDA_RANGE = (15_000, 100_000)
SAMARINDA_CAP = 0.9  # at most 90 % of a kelurahan's estimated population affected


@dataclass(frozen=True)
class DamageRule:
    """Every edge of `modes` with an end point within `radius_km` of an affected area is damaged
    with `probability` (all numbers are estimates)."""

    name: str
    modes: tuple[str, ...]
    radius_km: float
    effect: str
    speed_factor: float | None
    probability: float
    note: str


DAMAGE_RULES: dict[str, tuple[DamageRule, ...]] = {
    "banjir_samarinda": (
        DamageRule("genangan", ("road",), 1.5, "degraded", 0.5, 0.6, "estimate: flooded street, speed x0.5"),
        DamageRule(
            "banjir_dalam", ("road",), 0.3, "closed", None, 0.15, "estimate: deep water closes the access"
        ),
    ),
    "banjir_mahakam": (
        DamageRule("jalan_terendam", ("road",), 5.0, "closed", None, 0.7, "estimate: road under deep water"),
        DamageRule("arus_deras", ("river",), 5.0, "degraded", 0.7, 0.7, "estimate: flood current and debris"),
    ),
    "karhutla": (
        DamageRule("asap_jalan", ("road",), 3.0, "degraded", 0.7, 0.5, "estimate: smoke reduces visibility"),
        DamageRule("asap_udara", ("air",), 40.0, "closed", None, 0.5, "estimate: haze grounds flights"),
    ),
    "longsor": (
        DamageRule(
            "longsor_akses", ("road",), 0.3, "closed", None, 0.8, "estimate: landslide cuts the access"
        ),
        DamageRule("longsor_jalan", ("road",), 3.0, "closed", None, 0.4, "estimate: landslide on the road"),
    ),
}

_NAMES = {
    "banjir_samarinda": "Banjir Samarinda",
    "banjir_mahakam": "Banjir Mahakam hulu",
    "karhutla": "Karhutla dan kabut asap",
    "longsor": "Tanah longsor",
}


def _error(field: str, message: str, value: object = None) -> ScenarioError:
    return ScenarioError([Issue("scenario_set", None, field, message, value)])


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
    from .loaders import load_scenario

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
    name = f"{_NAMES[kind]}: {ev.place}, {_id_number(total)} jiwa terdampak (skenario sintetis {i:04d})"
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


def hazard_kind(scenario: Scenario) -> str | None:
    """The hazard kind of a member of a Kaltim hazard set (its description starts with it)."""
    head = (scenario.description or "").split(":", 1)[0]
    return head if head in HAZARD_KINDS else None


def hazard_weights(hazards: Mapping[str, float] | None) -> dict[str, float]:
    """Checked hazard weights (the defaults when None); errors name `hazards.<kind>`."""
    if hazards is None:
        return dict(DEFAULT_HAZARD_WEIGHTS)
    if not isinstance(hazards, Mapping) or not hazards:
        raise _error("hazards", "must be a mapping of hazard kind to weight", hazards)
    out: dict[str, float] = {}
    for k, w in hazards.items():
        if k not in HAZARD_KINDS:
            raise _error(
                f"hazards.{k}", f"is not a hazard kind; expected one of: {', '.join(HAZARD_KINDS)}", k
            )
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not np.isfinite(w) or w < 0:
            raise _error(f"hazards.{k}", "must be a number >= 0", w)
        out[k] = float(w)
    if sum(out.values()) <= 0:
        raise _error("hazards", "needs at least one weight > 0", out)
    return out


def kaltim_hazard_set(n: int, seed: int, hazards: Mapping[str, float] | None = None) -> ScenarioSet:
    """`n` synthetic Kaltim disaster scenarios, equally likely; member i depends on (seed, i) only."""
    for field, value, low in (("n", n, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise _error(field, f"must be a whole number >= {low}", value)
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
