"""The event catalogue of the synthetic Kaltim hazard sets: hazard kinds and their weights, event
sizes, damage rules, names and provenance; and the checks of caller-given hazard weights.

The generator that draws scenarios from these parameters is `scenarios.hazards`. Severities are
anchored on README-domain §5.4 (Samarinda floods of 2019 and 2020, the Mahakam Ulu flood of May 2024,
the karhutla hotspot counts); every spread around them is an estimate. See docs/scenario-sets.md.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np

from .model import Scenario
from .scenario_set import scenario_set_error

__all__ = [
    "DAMAGE_RULES",
    "DEFAULT_HAZARD_WEIGHTS",
    "HAZARD_KINDS",
    "HAZARD_NAMES",
    "DamageEffect",
    "DamageRule",
    "hazard_kind",
    "hazard_weights",
]

# the `effect` values of `scenarios.model.Damage`
DamageEffect: TypeAlias = Literal["closed", "degraded", "weight_limit"]

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
    effect: DamageEffect
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

HAZARD_NAMES = {
    "banjir_samarinda": "Banjir Samarinda",
    "banjir_mahakam": "Banjir Mahakam hulu",
    "karhutla": "Karhutla dan kabut asap",
    "longsor": "Tanah longsor",
}


def hazard_kind(scenario: Scenario) -> str | None:
    """The hazard kind of a member of a Kaltim hazard set (its description starts with it)."""
    head = (scenario.description or "").split(":", 1)[0]
    return head if head in HAZARD_KINDS else None


def hazard_weights(hazards: object) -> dict[str, float]:
    """Checked hazard weights (the defaults when None) from a mapping of hazard kind to weight >= 0,
    as a caller or a study file gives it (anything else raises); errors name `hazards.<kind>`."""
    if hazards is None:
        return dict(DEFAULT_HAZARD_WEIGHTS)
    if not isinstance(hazards, Mapping) or not hazards:
        raise scenario_set_error("hazards", "must be a mapping of hazard kind to weight", hazards)
    out: dict[str, float] = {}
    for k, w in hazards.items():
        if k not in HAZARD_KINDS:
            raise scenario_set_error(
                f"hazards.{k}", f"is not a hazard kind; expected one of: {', '.join(HAZARD_KINDS)}", k
            )
        weight = float(w) if isinstance(w, numbers.Real) and not isinstance(w, bool) else None
        if weight is None or not np.isfinite(weight) or weight < 0:
            raise scenario_set_error(f"hazards.{k}", "must be a number >= 0", w)
        out[k] = weight
    if sum(out.values()) <= 0:
        raise scenario_set_error("hazards", "needs at least one weight > 0", out)
    return out
