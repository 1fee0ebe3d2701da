#!/usr/bin/env python3
"""Build SIAGA's bundled Kaltim data library (scenarios/library/kaltim/).

Usage:  .venv/bin/python tools/build_kaltim_library.py [SOURCE_DIR] [--out OUT_DIR]

SOURCE_DIR defaults to ../shared/data/kaltim relative to the repository root (the source data
described in that directory's README). OUT_DIR defaults to scenarios/library/kaltim/ in the repository.

Standard library only, except the network (tools/build_kaltim_network.py: numpy + scipy). The output is
deterministic: the same input gives byte-identical files.
Every hand-authored number below carries a note that says where it comes from or that it is an estimate.
The library README (scenarios/library/kaltim/README.md) is hand-written and is not touched by this script.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SRC = REPO.parent / "shared" / "data" / "kaltim"
DEFAULT_OUT = REPO / "scenarios" / "library" / "kaltim"

KELURAHAN_WEIGHT = 3  # assumption: an urban kelurahan has on average ~3x the population of a rural desa
DESA_WEIGHT = 1


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return s if s not in ("-0", "") else "0"
    return str(v)


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            unknown = set(r) - set(header)
            if unknown:
                raise ValueError(f"{path.name}: unknown columns {sorted(unknown)}")
            w.writerow([fmt(r.get(h)) for h in header])


def bool_text(s: str) -> str:
    return {"True": "true", "False": "false"}.get(s, s)


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split integer `total` proportionally to `weights`; the parts sum exactly to `total`.
    Ties in the remainder are broken by position (deterministic)."""
    wsum = sum(weights)
    if total == 0 or wsum == 0:
        return [0] * len(weights)
    exact = [total * w / wsum for w in weights]
    base = [math.floor(x) for x in exact]
    left = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:left]:
        base[i] += 1
    return base


def slug(name: str) -> str:
    out = []
    for ch in name.lower():
        out.append(ch if ch.isalnum() else "_")
    s = "".join(out)
    while "__" in s:
        s = s.replace("__", "_")
    return s.strip("_")


# ----------------------------------------------------------------------------------------------
# 1. admin units and population estimates
# ----------------------------------------------------------------------------------------------


def build_admin(src: Path, out: Path):
    kab = read_csv(src / "kabupaten.csv")
    kec = read_csv(src / "kecamatan.csv")
    desa = read_csv(src / "desa.csv")

    kab_pop = {k["code"]: int(k["population"]) for k in kab}
    desa_pop: dict[str, int] = {}
    for kcode in sorted(kab_pop):
        units = [d for d in desa if d["kab_code"] == kcode]
        units.sort(key=lambda d: d["code"])
        weights = [KELURAHAN_WEIGHT if d["kind"] == "kelurahan" else DESA_WEIGHT for d in units]
        for d, p in zip(units, largest_remainder(kab_pop[kcode], weights), strict=False):
            desa_pop[d["code"]] = p
    kec_pop: dict[str, int] = {}
    for d in desa:
        kec_pop[d["kec_code"]] = kec_pop.get(d["kec_code"], 0) + desa_pop[d["code"]]

    def dump(name, rows, popfn, estimated):
        header = list(rows[0].keys())
        i = header.index("population")
        header = [*header[: i + 1], "population_estimated", *header[i + 1 :]]
        out_rows = []
        for r in rows:
            r2 = {k: bool_text(v) for k, v in r.items()}
            r2["population"] = popfn(r)
            r2["population_estimated"] = estimated
            out_rows.append(r2)
        write_csv(out / "admin" / f"{name}.csv", header, out_rows)

    dump("kabupaten", kab, lambda r: int(r["population"]), False)
    dump("kecamatan", kec, lambda r: kec_pop[r["code"]], True)
    dump("desa", desa, lambda r: desa_pop[r["code"]], True)

    # GeoJSON: fill the population property, add population_estimated, keep geometry untouched.
    pops = {"kabupaten": (kab_pop, False), "kecamatan": (kec_pop, True), "desa": (desa_pop, True)}
    for name, (table, est) in pops.items():
        with open(src / f"{name}.geojson", encoding="utf-8") as f:
            g = json.load(f)
        for feat in g["features"]:
            props = feat["properties"]
            new = {}
            for k, v in props.items():
                new[k] = v
                if k == "population":
                    new[k] = table[props["code"]]
                    new["population_estimated"] = est
            feat["properties"] = new
        with open(out / "admin" / f"{name}.geojson", "w", encoding="utf-8") as f:
            json.dump(g, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")

    assert sum(desa_pop.values()) == sum(kab_pop.values()) == sum(kec_pop.values())
    desa_by_code = {d["code"]: dict(d, population=desa_pop[d["code"]]) for d in desa}
    return {k["code"]: k for k in kab}, kab_pop, desa_by_code


# ----------------------------------------------------------------------------------------------
# 2. the Mahakam line (for river landings and along-river distances)
# ----------------------------------------------------------------------------------------------


class River:
    """The Mahakam main stem (Natural Earth 10m, ordered upstream -> delta)."""

    def __init__(self, path: Path):
        with open(path, encoding="utf-8") as f:
            g = json.load(f)
        self.coords = g["features"][0]["geometry"]["coordinates"]  # [lon, lat]
        self.cum = [0.0]
        for (x1, y1), (x2, y2) in zip(self.coords, self.coords[1:], strict=False):
            self.cum.append(self.cum[-1] + haversine_km(y1, x1, y2, x2))

    def snap(self, lat: float, lon: float):
        """Nearest point on the line: (lat, lon, chainage_km, distance_km)."""
        best = None
        kx = math.cos(math.radians(lat))
        for i, ((x1, y1), (x2, y2)) in enumerate(zip(self.coords, self.coords[1:], strict=False)):
            ax, ay = (x1 - lon) * kx, y1 - lat
            bx, by = (x2 - lon) * kx, y2 - lat
            dx, dy = bx - ax, by - ay
            L = dx * dx + dy * dy
            t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
            px, py = ax + t * dx, ay + t * dy
            d2 = px * px + py * py
            if best is None or d2 < best[0]:
                best = (d2, i, t)
        _, i, t = best
        (x1, y1), (x2, y2) = self.coords[i], self.coords[i + 1]
        plon, plat = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
        chain = self.cum[i] + t * (self.cum[i + 1] - self.cum[i])
        return plat, plon, chain, haversine_km(lat, lon, plat, plon)


# Natural Earth 10m is a 1:10M generalisation and cuts the meanders; along-line km are multiplied by this.
RIVER_MEANDER_FACTOR = 1.25


# ----------------------------------------------------------------------------------------------
# 3. nodes
# ----------------------------------------------------------------------------------------------
# (id, name, kind, coordinate source). Source is ("xy", lat, lon, note) or ("desa", code) = the rep point
# (point inside the polygon) of that desa/kelurahan in desa.csv.

TOWNS = [
    (
        "samarinda",
        "Samarinda",
        "city",
        (
            "xy",
            -0.5022,
            117.1536,
            "capital of Kaltim; README-domain 5.1 (id.wikipedia Kota Samarinda)",
        ),
    ),
    (
        "balikpapan",
        "Balikpapan",
        "city",
        ("xy", -1.2379, 116.8529, "README-domain 5.1 (common city value)"),
    ),
    (
        "tenggarong",
        "Tenggarong",
        "town",
        ("xy", -0.4337, 116.9887, "capital of Kutai Kartanegara; README-domain 5.1 (id.wikipedia)"),
    ),
    (
        "tanah_grogot",
        "Tanah Grogot",
        "town",
        ("xy", -1.9023, 116.1892, "capital of Paser; README-domain 5.1 (id.wikipedia)"),
    ),
    (
        "tanjung_redeb",
        "Tanjung Redeb",
        "town",
        ("xy", 2.15, 117.48, "capital of Berau; README-domain 5.1 (approximate)"),
    ),
    (
        "sendawar",
        "Sendawar (Barong Tongkok)",
        "town",
        (
            "xy",
            -0.2307,
            115.6901,
            "capital of Kutai Barat; README-domain 5.1 (id.wikipedia Barong Tongkok)",
        ),
    ),
    (
        "sangatta",
        "Sangatta",
        "town",
        (
            "xy",
            0.5049,
            117.5463,
            "capital of Kutai Timur; README-domain 5.1 (id.wikipedia Sangatta Utara)",
        ),
    ),
    (
        "penajam",
        "Penajam",
        "town",
        (
            "xy",
            -1.3020,
            116.7352,
            "capital of Penajam Paser Utara; README-domain 5.1 (id.wikipedia)",
        ),
    ),
    ("ujoh_bilang", "Ujoh Bilang", "town", ("river", "64.11.01.2006")),
    (
        "bontang",
        "Bontang",
        "city",
        ("xy", 0.1324, 117.4900, "README-domain 5.1 (common city value)"),
    ),
    ("palaran", "Palaran", "town", ("desa", "64.72.01.1001")),
    ("samboja", "Samboja", "town", ("desa", "64.02.13.1010")),
    (
        "sepaku_ikn",
        "Sepaku / IKN Nusantara",
        "town",
        ("xy", -0.97306, 116.70861, "IKN at Sepaku; README-domain 5.1 (wikimili Nusantara)"),
    ),
    ("kariangau", "Kariangau (ferry terminal)", "ferry_terminal", ("desa", "64.71.02.1004")),
    ("muara_wahau", "Muara Wahau", "town", ("desa", "64.08.02.2003")),
    ("kota_bangun", "Kota Bangun", "town", ("desa", "64.02.08.2006")),
    ("muara_muntai", "Muara Muntai", "town", ("desa", "64.02.01.2008")),
    ("melak", "Melak", "town", ("desa", "64.07.06.1006")),
    ("long_iram", "Long Iram", "town", ("desa", "64.07.05.2016")),
    ("long_hubung", "Long Hubung", "town", ("river", "64.11.02.2001")),
    ("long_bagun", "Long Bagun", "town", ("river", "64.11.01.2008")),
    ("long_pahangai", "Long Pahangai", "town", ("river", "64.11.05.2008")),
    ("long_lunuk", "Long Lunuk", "town", ("river", "64.11.05.2003")),
    ("tiong_ohang", "Tiong Ohang (Long Apari)", "town", ("river", "64.11.04.2004")),
]

AIRPORTS = [
    # id, name, lat, lon, town (connector), connector road class
    ("apt_bpn", "Sepinggan airport (BPN/WALL)", -1.2683, 116.8945, "balikpapan", "national"),
    ("apt_aap", "APT Pranoto airport (AAP/WALS)", -0.3745, 117.2501, "samarinda", "national"),
    ("apt_bej", "Kalimarau airport (BEJ/WAQT)", 2.1478, 117.4307, "tanjung_redeb", "national"),
    ("apt_bxt", "LNG Badak airport (BXT/WALC)", 0.1217, 117.4766, "bontang", "local"),
    ("apt_ghs", "Melalan airport (GHS/WALE)", -0.2036, 115.7600, "melak", "provincial"),
    ("apt_dtd", "Datah Dawai airport (DTD/WALJ)", 0.8070, 114.5291, "long_lunuk", "trail"),
    ("apt_walk", "Nusantara VVIP airport (WALK)", -1.1605, 116.7119, "sepaku_ikn", "national"),
]

# River landings (ldg_<town>): the town's point snapped onto the Mahakam line, joined to the town by a road connector.
# Kampung of Mahakam Ulu whose source is ("river", code) are placed on the river line themselves (the settlements sit
# on the bank, while the rep point of their large desa polygon can be 5-10 km inland); their node is the landing.
LANDINGS = ["samarinda", "tenggarong", "kota_bangun", "muara_muntai", "melak", "long_iram"]
RIVER_CHAIN = [
    "samarinda",
    "tenggarong",
    "kota_bangun",
    "muara_muntai",
    "melak",
    "long_iram",
    "long_hubung",
    "ujoh_bilang",
    "long_bagun",
    "long_pahangai",
    "long_lunuk",
    "tiong_ohang",
]

# ----------------------------------------------------------------------------------------------
# 4. warehouses
# ----------------------------------------------------------------------------------------------
# id, name, operator, kind, kab_code, town, capacity_m3, throughput_t_per_day, note
LOC_NOTE = "location approximated at the town point (street address not in the sources)"
WAREHOUSES = [
    (
        "gudang_dinsos_prov",
        "Gudang penyangga Dinas Sosial Provinsi Kaltim",
        "Dinas Sosial Provinsi Kalimantan Timur",
        "dinsos_provinsi",
        "64.72",
        "samarinda",
        1500,
        60,
        "provincial buffer warehouse in Samarinda (README-domain 5.5: natmed.id, insitekaltim, prokal, presisi.co Dec 2025); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_paser",
        "Gudang Dinas Sosial Kabupaten Paser",
        "Dinas Sosial Kabupaten Paser",
        "dinsos_kabkota",
        "64.01",
        "tanah_grogot",
        400,
        20,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_kukar",
        "Gudang Dinas Sosial Kabupaten Kutai Kartanegara",
        "Dinas Sosial Kabupaten Kutai Kartanegara",
        "dinsos_kabkota",
        "64.02",
        "tenggarong",
        600,
        30,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_berau",
        "Gudang Dinas Sosial Kabupaten Berau",
        "Dinas Sosial Kabupaten Berau",
        "dinsos_kabkota",
        "64.03",
        "tanjung_redeb",
        400,
        20,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_kubar",
        "Gudang Dinas Sosial Kabupaten Kutai Barat",
        "Dinas Sosial Kabupaten Kutai Barat",
        "dinsos_kabkota",
        "64.07",
        "sendawar",
        300,
        15,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_kutim",
        "Gudang Dinas Sosial Kabupaten Kutai Timur",
        "Dinas Sosial Kabupaten Kutai Timur",
        "dinsos_kabkota",
        "64.08",
        "sangatta",
        400,
        20,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_ppu",
        "Gudang Dinas Sosial Kabupaten Penajam Paser Utara",
        "Dinas Sosial Kabupaten Penajam Paser Utara",
        "dinsos_kabkota",
        "64.09",
        "penajam",
        300,
        15,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_mahulu",
        "Gudang Dinas Sosial Kabupaten Mahakam Ulu",
        "Dinas Sosial Kabupaten Mahakam Ulu",
        "dinsos_kabkota",
        "64.11",
        "ujoh_bilang",
        150,
        8,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); located at the Ujoh Bilang node (riverside point of desa Ujoh Bilang, 64.11.01.2006; the README-domain 5.1 coordinate 0.73,115.31 is unverified and falls in desa Batu Majang); capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_balikpapan",
        "Gudang Dinas Sosial Kota Balikpapan",
        "Dinas Sosial Kota Balikpapan",
        "dinsos_kabkota",
        "64.71",
        "balikpapan",
        500,
        25,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_samarinda",
        "Gudang Dinas Sosial Kota Samarinda",
        "Dinas Sosial Kota Samarinda",
        "dinsos_kabkota",
        "64.72",
        "samarinda",
        500,
        25,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_dinsos_bontang",
        "Gudang Dinas Sosial Kota Bontang",
        "Dinas Sosial Kota Bontang",
        "dinsos_kabkota",
        "64.74",
        "bontang",
        300,
        15,
        "kab/kota Dinsos receives the provincial pre-distribution (README-domain 5.5); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "gudang_bpbd_prov",
        "Gudang logistik BPBD Provinsi Kaltim",
        "BPBD Provinsi Kalimantan Timur",
        "bpbd",
        "64.72",
        "samarinda",
        800,
        40,
        "BPBD Kaltim logistics warehouse in Samarinda (existence assumed; BPBD Kaltim handles karhutla, Tribun 2019); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "bulog_samarinda",
        "Gudang Bulog Samarinda",
        "Perum Bulog Kanwil Kaltim-Kaltara",
        "bulog",
        "64.72",
        "samarinda",
        8000,
        200,
        "Bulog depot serving Samarinda (existence assumed, not in the sources); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "bulog_balikpapan",
        "Gudang Bulog Balikpapan",
        "Perum Bulog Kancab Balikpapan",
        "bulog",
        "64.71",
        "balikpapan",
        8000,
        200,
        "Bulog depot serving Balikpapan/PPU/Paser (existence assumed, not in the sources); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
    (
        "bulog_berau",
        "Gudang Bulog Tanjung Redeb",
        "Perum Bulog Kancab Berau",
        "bulog",
        "64.03",
        "tanjung_redeb",
        4000,
        100,
        "Bulog depot serving Berau (existence assumed, not in the sources); "
        + LOC_NOTE
        + "; capacity and throughput are estimates",
    ),
]
# Transshipment hubs (hubs.csv) and the warehouses that stand for them at existing network nodes (no stock of their
# own). (hub id, warehouse id or None for an existing warehouse, name, operator, node, kab, handling h, t a day,
# reach h, note). All numbers are estimates.
HUBS = [
    (
        "hub_ujoh_bilang",
        None,
        "Ujoh Bilang (dermaga dan gudang Dinsos Mahakam Ulu)",
        "Dinas Sosial Kabupaten Mahakam Ulu",
        "gudang_dinsos_mahulu",
        "64.11",
        3,
        30,
        12,
        "the district town: river taxis from Melak and Samarinda land here and longboats go on upriver "
        "(README-domain 5.3); handling 3 h and 30 t a day are estimates",
    ),
    (
        "hub_long_bagun",
        "dermaga_long_bagun",
        "Dermaga Long Bagun",
        "BPBD Kabupaten Mahakam Ulu",
        "long_bagun",
        "64.11",
        3,
        20,
        12,
        "the landing below the riam: the last one the river cargo boat reaches; above it only longboats and "
        "speedboats pass (kaltim.antaranews.com/berita/55618; where the rapids lie is an estimate); handling 3 h "
        "and 20 t a day are estimates",
    ),
    (
        "hub_datah_dawai",
        "dermaga_long_lunuk",
        "Dermaga Long Lunuk (Bandara Datah Dawai)",
        "UPBU Datah Dawai",
        "long_lunuk",
        "64.11",
        2,
        5,
        12,
        "the airstrip of the upper Mahakam (perintis flights from Samarinda and Melak, README-domain 5.2) and the "
        "Long Lunuk landing by it: goods flown in go on by longboat; handling 2 h and 5 t a day are estimates",
    ),
]
# Boats the kampung near a hub can put at its service (fleet rows of the hub's warehouse): all estimates.
HUB_FLEET = [
    (
        "dermaga_long_lunuk",
        "longboat",
        2,
        "estimate: kampung longboats of Long Pahangai and Long Apari at the airstrip",
    ),
]

# Warehouses that keep boats: they get a river connector to the landing of their town.
RIVER_WAREHOUSES = {
    "gudang_bpbd_prov": "samarinda",
    "gudang_dinsos_kukar": "tenggarong",
    "gudang_dinsos_kubar": "melak",
    "gudang_dinsos_mahulu": "ujoh_bilang",
}
# Warehouses that keep a helicopter: they get an air connector to an airport.
AIR_WAREHOUSES = {"gudang_bpbd_prov": "apt_aap"}

# ----------------------------------------------------------------------------------------------
# 5. edges (README-domain 5.3 links table; km where the sources give it, else estimate)
# ----------------------------------------------------------------------------------------------
# (id, source, target, mode, road_class, length_km | ("gc", factor), speed_kmh, duration_h, max_weight_t,
#  daylight_only, note)

SMD_SDW_KM = 350.0  # Samarinda - Melak/Sendawar road, ~350 km, 7-8 h (kosim.web.id via README-domain 5.3)
SMD_TGR_FACTOR = 1.3

ROAD_SPEED = {"toll": 80, "national": 50, "provincial": 40, "local": 30, "trail": 15}

EDGES = [
    # --- Balikpapan - Samarinda toll road, 99.35 km in 5 sections (CNBC Indonesia 2019; Suara 2019)
    (
        "r_toll_bpn_samboja",
        "balikpapan",
        "samboja",
        "road",
        "toll",
        33.525,
        80,
        None,
        None,
        False,
        "Balikpapan-Samarinda toll road sections V (Km13-Sepinggan 11.5 km) + I (Km13-Samboja 22.025 km) (CNBC Indonesia 2019; Suara 2019); speed estimate; the Samboja node is Samboja Kuala, the toll exit lies inland",
    ),
    (
        "r_toll_samboja_palaran",
        "samboja",
        "palaran",
        "road",
        "toll",
        48.275,
        80,
        None,
        None,
        False,
        "toll sections II (Samboja-Muara Jawa 30.975 km) + III (Muara Jawa-Palaran 17.3 km) (CNBC Indonesia 2019; Suara 2019); speed estimate",
    ),
    (
        "r_toll_palaran_smd",
        "palaran",
        "samarinda",
        "road",
        "toll",
        17.55,
        80,
        None,
        None,
        False,
        "toll section IV Palaran-Samarinda 17.55 km (CNBC Indonesia 2019; Suara 2019); speed estimate",
    ),
    (
        "r_bpn_smd_old",
        "balikpapan",
        "samarinda",
        "road",
        "national",
        115.0,
        None,
        2.75,
        None,
        False,
        "old national road via Samboja/Loa Janan ~115 km, 2.5-3 h (yiskandar.wordpress.com; detik 2019)",
    ),
    (
        "r_smd_tgr",
        "samarinda",
        "tenggarong",
        "road",
        "national",
        ("gc", SMD_TGR_FACTOR),
        40,
        None,
        None,
        False,
        "estimate: km not in the sources (great circle x 1.3 detour); speed estimate",
    ),
    (
        "r_tgr_kbg",
        "tenggarong",
        "kota_bangun",
        "road",
        "national",
        ("smd_sdw", 0),
        None,
        None,
        None,
        False,
        "estimate: part of Samarinda-Melak/Sendawar ~350 km, 7-8 h (kosim.web.id); route via Kota Bangun assumed; split of the remainder after Samarinda-Tenggarong by great-circle share",
    ),
    (
        "r_kbg_sdw",
        "kota_bangun",
        "sendawar",
        "road",
        "national",
        ("smd_sdw", 1),
        None,
        None,
        None,
        False,
        "estimate: part of Samarinda-Melak/Sendawar ~350 km, 7-8 h (kosim.web.id); route via Kota Bangun assumed; split of the remainder after Samarinda-Tenggarong by great-circle share",
    ),
    (
        "r_sdw_mlk",
        "sendawar",
        "melak",
        "road",
        "provincial",
        ("gc", 1.3),
        40,
        None,
        None,
        False,
        "estimate: great circle x 1.3 detour; speed estimate",
    ),
    (
        "r_sdw_ujb",
        "sendawar",
        "ujoh_bilang",
        "road",
        "local",
        ("gc", 1.8),
        None,
        7.0,
        8,
        False,
        "Kubar-Mahakam Ulu road; time: Samarinda-Ujoh Bilang 14-15 h by road via Sendawar (nusantarainfo.com 2021) minus Samarinda-Sendawar 7-8 h; km estimate (great circle x 1.8); weight limit estimate; the Long Bagun vehicle ferry crossing (~10 min, mediaindonesia) is not modelled",
    ),
    (
        "r_smd_bontang",
        "samarinda",
        "bontang",
        "road",
        "national",
        120.0,
        None,
        3.5,
        None,
        False,
        "Samarinda-Bontang ~120 km, 3-4 h (iNews)",
    ),
    (
        "r_bontang_sgt",
        "bontang",
        "sangatta",
        "road",
        "national",
        58.0,
        None,
        1.25,
        None,
        False,
        "Bontang-Sangatta ~58 km, 1 h 15 (Antara Kaltim)",
    ),
    (
        "r_sgt_tjr",
        "sangatta",
        "tanjung_redeb",
        "road",
        "national",
        364.0,
        45,
        None,
        None,
        False,
        "Trans-Kalimantan: Samarinda-Tanjung Redeb 542 km, ~11.5 h (vivaborneo 2017) minus Samarinda-Bontang-Sangatta 178 km; speed estimate",
    ),
    (
        "r_sgt_mwh",
        "sangatta",
        "muara_wahau",
        "road",
        "provincial",
        ("gc", 1.4),
        35,
        None,
        None,
        False,
        "estimate: great circle x 1.4 detour; speed estimate",
    ),
    (
        "r_bpn_kariangau",
        "balikpapan",
        "kariangau",
        "road",
        "national",
        ("gc", 1.3),
        40,
        None,
        None,
        False,
        "estimate: great circle x 1.3 detour to the Kariangau ferry terminal; speed estimate",
    ),
    (
        "f_kariangau_penajam",
        "kariangau",
        "penajam",
        "ferry",
        "",
        ("gc", 1.1),
        None,
        1.5,
        None,
        False,
        "Balikpapan (Kariangau)-Penajam vehicle ferry ~1.5 h (PUPR; Tribun says 2-3 h incl. waiting); km estimate (great circle x 1.1)",
    ),
    (
        "r_pulau_balang",
        "balikpapan",
        "penajam",
        "road",
        "national",
        30.0,
        None,
        1.0,
        None,
        False,
        "Balikpapan-Penajam via the Pulau Balang bridge (opened 2021), ~30 km, ~1 h (PUPR; Kompas)",
    ),
    (
        "r_bpn_ikn",
        "balikpapan",
        "sepaku_ikn",
        "road",
        "national",
        82.62,
        None,
        2.0,
        None,
        False,
        "Balikpapan-IKN (KIPP) regular road 82.62 km, 2 h (kanalnusantara; okezone 2024)",
    ),
    (
        "r_bpn_ikn_toll",
        "balikpapan",
        "sepaku_ikn",
        "road",
        "toll",
        57.0,
        None,
        0.75,
        None,
        False,
        "Balikpapan-IKN functional toll, 57 km / 45 min (kanalnusantara; okezone 2024)",
    ),
    (
        "r_ikn_ppu",
        "sepaku_ikn",
        "penajam",
        "road",
        "provincial",
        ("gc", 1.4),
        40,
        None,
        None,
        False,
        "estimate: great circle x 1.4 detour; speed estimate",
    ),
    (
        "r_ppu_tgt",
        "penajam",
        "tanah_grogot",
        "road",
        "national",
        ("gc", 1.5),
        45,
        None,
        None,
        False,
        "estimate: great circle x 1.5 detour (Samarinda-Tanah Grogot is ~308 km incl. ferry, ~7 h, resensiriri); speed estimate",
    ),
    # --- air links between airports (great-circle distance; helicopter only in the default fleet)
    (
        "a_bpn_aap",
        "apt_bpn",
        "apt_aap",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "great-circle distance; scheduled route exists; daylight VFR assumed (estimate)",
    ),
    (
        "a_bpn_ghs",
        "apt_bpn",
        "apt_ghs",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "Balikpapan-Melak flown, ~40 min (README-domain 5.2); great-circle distance",
    ),
    (
        "a_aap_ghs",
        "apt_aap",
        "apt_ghs",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "estimate: great-circle distance; no scheduled route documented",
    ),
    (
        "a_aap_dtd",
        "apt_aap",
        "apt_dtd",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "Samarinda-Datah Dawai pioneer (perintis) route (README-domain 5.2); great-circle distance",
    ),
    (
        "a_ghs_dtd",
        "apt_ghs",
        "apt_dtd",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "Datah Dawai-Melak flown (README-domain 5.2); great-circle distance",
    ),
    (
        "a_aap_bej",
        "apt_aap",
        "apt_bej",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "estimate: great-circle distance",
    ),
    (
        "a_bpn_bej",
        "apt_bpn",
        "apt_bej",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "estimate: great-circle distance",
    ),
    (
        "a_bpn_bxt",
        "apt_bpn",
        "apt_bxt",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "estimate: great-circle distance",
    ),
    (
        "a_bpn_walk",
        "apt_bpn",
        "apt_walk",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "estimate: great-circle distance; relief use of the IKN VVIP airport assumed",
    ),
    (
        "a_ghs_ujb",
        "apt_ghs",
        "ujoh_bilang",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "assumption: helicopter landing site at Ujoh Bilang (no airport); great-circle distance",
    ),
    (
        "a_dtd_tioh",
        "apt_dtd",
        "tiong_ohang",
        "air",
        "",
        ("gc", 1.0),
        None,
        None,
        None,
        True,
        "assumption: helicopter landing site at Tiong Ohang (no airport); great-circle distance",
    ),
]

# Mahakam river legs, downstream -> upstream. (id, from town, to town, daylight_only, speed cap, note)
RIVER_LEGS = [
    ("rv_smd_tgr", "samarinda", "tenggarong", False, None, ""),
    ("rv_tgr_kbg", "tenggarong", "kota_bangun", False, None, ""),
    ("rv_kbg_mmt", "kota_bangun", "muara_muntai", False, None, ""),
    (
        "rv_mmt_mlk",
        "muara_muntai",
        "melak",
        False,
        None,
        "Samarinda-Melak by kapal taksi 18-20 h (id.wikipedia Sendawar; Kompasiana)",
    ),
    (
        "rv_mlk_lir",
        "melak",
        "long_iram",
        False,
        None,
        "Melak-Ujoh Bilang 3-4 h by speedboat (beritatrans 2018)",
    ),
    (
        "rv_lir_lhb",
        "long_iram",
        "long_hubung",
        False,
        None,
        "Melak-Ujoh Bilang 3-4 h by speedboat (beritatrans 2018)",
    ),
    (
        "rv_lhb_ujb",
        "long_hubung",
        "ujoh_bilang",
        False,
        None,
        "Melak-Ujoh Bilang 3-4 h by speedboat (beritatrans 2018)",
    ),
    (
        "rv_ujb_lbg",
        "ujoh_bilang",
        "long_bagun",
        True,
        None,
        "upstream of Ujoh Bilang: no night travel (Antara)",
    ),
    (
        "rv_lbg_lph",
        "long_bagun",
        "long_pahangai",
        True,
        25,
        "rapids reach (Riam Udang/Riam Panjang), no night travel (kaltim.antaranews.com 55618); speed cap 25 km/h is an estimate",
    ),
    (
        "rv_lph_llk",
        "long_pahangai",
        "long_lunuk",
        True,
        None,
        "upper Mahakam, no night travel (Antara)",
    ),
    (
        "rv_llk_tioh",
        "long_lunuk",
        "tiong_ohang",
        True,
        25,
        "upper Mahakam with rapids, no night travel; Ujoh Bilang-Tiong Ohang 6-7 h (kaltim.antaranews.com 55618); speed cap estimate",
    ),
]

# ----------------------------------------------------------------------------------------------
# 6. vehicle types and fleet (all estimates)
# ----------------------------------------------------------------------------------------------
VEHICLE_HEADER = [
    "id",
    "name",
    "name_en",
    "modes",
    "road_classes",
    "speed_kmh",
    "speed_kmh_toll",
    "speed_kmh_national",
    "speed_kmh_provincial",
    "speed_kmh_local",
    "speed_kmh_trail",
    "capacity_kg",
    "capacity_m3",
    "weight_t",
    "cost_per_km",
    "cost_per_h",
    "fixed_cost",
    "shift_h",
    "daylight_only",
    "note",
]
VEHICLES = [
    {
        "id": "truk",
        "name": "Truk sedang (engkel/colt diesel)",
        "name_en": "Medium truck",
        "modes": "road;ferry",
        "road_classes": "toll;national;provincial;local",
        "speed_kmh": 45,
        "speed_kmh_toll": 70,
        "speed_kmh_national": 45,
        "speed_kmh_provincial": 35,
        "speed_kmh_local": 25,
        "capacity_kg": 4000,
        "capacity_m3": 16,
        "weight_t": 8.5,
        "cost_per_km": 4500,
        "cost_per_h": 60000,
        "fixed_cost": 400000,
        "shift_h": 10,
        "daylight_only": False,
        "note": "estimate: 4 t / 16 m3 box truck (colt diesel double); gross weight 8.5 t; IDR costs = fuel ~0.2 L/km diesel plus tyres/maintenance, driver and helper per hour, daily rental/loading as fixed cost",
    },
    {
        "id": "truk_besar",
        "name": "Truk besar (fuso)",
        "name_en": "Large truck",
        "modes": "road;ferry",
        "road_classes": "toll;national;provincial",
        "speed_kmh": 40,
        "speed_kmh_toll": 65,
        "speed_kmh_national": 40,
        "speed_kmh_provincial": 30,
        "capacity_kg": 8000,
        "capacity_m3": 30,
        "weight_t": 16,
        "cost_per_km": 7000,
        "cost_per_h": 75000,
        "fixed_cost": 700000,
        "shift_h": 10,
        "daylight_only": False,
        "note": "estimate: 8 t / 30 m3 fuso truck, gross 16 t; not allowed on local roads and trails (estimate); IDR costs estimated",
    },
    {
        "id": "pickup_4x4",
        "name": "Pikap gardan ganda (4x4)",
        "name_en": "4x4 pickup",
        "modes": "road;ferry",
        "road_classes": "toll;national;provincial;local;trail",
        "speed_kmh": 50,
        "speed_kmh_toll": 80,
        "speed_kmh_national": 55,
        "speed_kmh_provincial": 45,
        "speed_kmh_local": 35,
        "speed_kmh_trail": 20,
        "capacity_kg": 1000,
        "capacity_m3": 3,
        "weight_t": 2.8,
        "cost_per_km": 2500,
        "cost_per_h": 40000,
        "fixed_cost": 250000,
        "shift_h": 10,
        "daylight_only": False,
        "note": "estimate: 1 t / 3 m3 double-cabin 4x4 pickup; IDR costs estimated",
    },
    {
        "id": "longboat",
        "name": "Longboat (perahu panjang bermesin)",
        "name_en": "Longboat",
        "modes": "river",
        "speed_kmh": 20,
        "capacity_kg": 1500,
        "capacity_m3": 6,
        "weight_t": 1.0,
        "cost_per_km": 12000,
        "cost_per_h": 80000,
        "fixed_cost": 400000,
        "shift_h": 10,
        "daylight_only": False,
        "note": "estimate: ~1.5 t wooden longboat with outboard, as used on the upper Mahakam (nusantarainfo.com 2021 names the boat types); speed and IDR costs estimated; night travel is barred by daylight_only river legs upstream of Ujoh Bilang",
    },
    {
        "id": "speedboat",
        "name": "Speedboat",
        "name_en": "River speedboat",
        "modes": "river",
        "speed_kmh": 55,
        "capacity_kg": 800,
        "capacity_m3": 3,
        "weight_t": 1.5,
        "cost_per_km": 30000,
        "cost_per_h": 120000,
        "fixed_cost": 750000,
        "shift_h": 10,
        "daylight_only": True,
        "note": "estimate: ~0.8 t passenger/light-cargo speedboat; 55 km/h fits Melak-Ujoh Bilang 3-4 h (beritatrans 2018) on the network's river km; daylight only; IDR costs estimated (twin outboards, high fuel use)",
    },
    {
        "id": "kapal_sungai",
        "name": "Kapal sungai / kapal taksi",
        "name_en": "River cargo boat (river taxi)",
        "modes": "river",
        "speed_kmh": 15,
        "capacity_kg": 10000,
        "capacity_m3": 40,
        "weight_t": 30,
        "cost_per_km": 20000,
        "cost_per_h": 150000,
        "fixed_cost": 1500000,
        "shift_h": 20,
        "daylight_only": False,
        "note": "estimate: Mahakam kapal taksi carrying several tonnes of cargo plus passengers; slow (Samarinda-Melak 18-20 h, id.wikipedia Sendawar, Kompasiana); runs overnight; capacity, speed and IDR costs estimated",
    },
    {
        "id": "helikopter",
        "name": "Helikopter (BNPB/BPBD, on call)",
        "name_en": "Helicopter",
        "modes": "air",
        "speed_kmh": 200,
        "capacity_kg": 1500,
        "capacity_m3": 6,
        "weight_t": 5,
        "cost_per_km": 0,
        "cost_per_h": 45000000,
        "fixed_cost": 10000000,
        "shift_h": 8,
        "daylight_only": True,
        "note": "estimate: medium utility helicopter (BNPB charter class), ~1.5 t payload; charter cost per flight hour and positioning fee in IDR are estimates",
    },
]

FLEET = [
    ("gudang_dinsos_prov", "truk", 2),
    ("gudang_dinsos_prov", "truk_besar", 1),
    ("gudang_dinsos_prov", "pickup_4x4", 2),
    ("gudang_bpbd_prov", "truk", 2),
    ("gudang_bpbd_prov", "pickup_4x4", 3),
    ("gudang_bpbd_prov", "speedboat", 2),
    ("gudang_bpbd_prov", "longboat", 1),
    ("gudang_bpbd_prov", "kapal_sungai", 1),
    ("gudang_bpbd_prov", "helikopter", 1),
    ("gudang_dinsos_samarinda", "truk", 1),
    ("gudang_dinsos_samarinda", "pickup_4x4", 2),
    ("gudang_dinsos_balikpapan", "truk", 1),
    ("gudang_dinsos_balikpapan", "pickup_4x4", 2),
    ("gudang_dinsos_bontang", "truk", 1),
    ("gudang_dinsos_bontang", "pickup_4x4", 1),
    ("gudang_dinsos_kukar", "truk", 1),
    ("gudang_dinsos_kukar", "pickup_4x4", 2),
    ("gudang_dinsos_kukar", "longboat", 2),
    ("gudang_dinsos_kukar", "speedboat", 1),
    ("gudang_dinsos_kubar", "truk", 1),
    ("gudang_dinsos_kubar", "pickup_4x4", 2),
    ("gudang_dinsos_kubar", "longboat", 2),
    ("gudang_dinsos_kubar", "speedboat", 1),
    ("gudang_dinsos_mahulu", "pickup_4x4", 1),
    ("gudang_dinsos_mahulu", "longboat", 3),
    ("gudang_dinsos_mahulu", "speedboat", 2),
    ("gudang_dinsos_kutim", "truk", 1),
    ("gudang_dinsos_kutim", "pickup_4x4", 2),
    ("gudang_dinsos_berau", "truk", 1),
    ("gudang_dinsos_berau", "pickup_4x4", 2),
    ("gudang_dinsos_paser", "truk", 1),
    ("gudang_dinsos_paser", "pickup_4x4", 1),
    ("gudang_dinsos_ppu", "truk", 1),
    ("gudang_dinsos_ppu", "pickup_4x4", 1),
    ("bulog_samarinda", "truk_besar", 2),
    ("bulog_balikpapan", "truk_besar", 2),
    ("bulog_berau", "truk", 1),
]


def fleet_note(wh: str, vt: str) -> str:
    if vt == "helikopter":
        return "estimate: one BNPB/BPBD helicopter on call, staged at APT Pranoto (Samarinda)"
    if wh.startswith("bulog"):
        return "estimate: Bulog contracted haulage available for a relief release"
    if vt in ("longboat", "speedboat", "kapal_sungai"):
        return "estimate: boats owned or chartered locally (river access; README-domain 5.3)"
    return "estimate: operator's own or borrowed vehicles (no public fleet list found)"


# ----------------------------------------------------------------------------------------------
# 7. stock (all estimates, deliberately thin)
# ----------------------------------------------------------------------------------------------
# commodity: (provincial buffer, kab/kota total spread by population, BPBD Provinsi, note)
STOCK_DINSOS = {
    "paket_sembako": (
        4000,
        4000,
        0,
        "paket sembako (food parcels per KK) left from the provincial pre-distribution (Dinsos Kaltim buys "
        "~17,000 'paket logistik' a year, README-domain 5.5); ~30% of the ~13,000 distributed assumed still unused",
    ),
    "paket_keluarga": (0, 0, 1000, "BNPB family kits (hygiene)"),
    "jamban_darurat": (0, 0, 100, "emergency toilets (latrine kits)"),
    "pembalut": (2000, 3000, 0, "packs of sanitary pads"),
    "kit_martabat": (1000, 1000, 0, "dignity kits"),
    "kit_dapur": (1000, 1000, 0, "kitchen and eating sets"),
    "pakaian": (2000, 3000, 0, "clothing sets"),
    "kasur": (500, 1000, 500, "folding mattresses"),
    "beras": (10000, 20000, 0, "kg of rice held by Dinsos for emergencies"),
    "lauk_pauk": (3000, 6000, 0, "side-dish packages (one person-day each)"),
    "makanan_siap_saji": (3000, 5000, 1000, "ready-to-eat meals"),
    "air_minum": (6000, 12000, 20000, "litres of bottled drinking water"),
    "air_bersih": (0, 0, 30000, "litres of clean water in BPBD tanks/bladders"),
    "kit_kebersihan": (1500, 3000, 0, "hygiene kits"),
    "selimut": (3000, 6000, 0, "blankets"),
    "tikar": (2000, 5000, 0, "sleeping mats"),
    "terpal": (1000, 2500, 1500, "tarpaulins"),
    "tenda_keluarga": (100, 150, 60, "family tents"),
    "kit_bayi": (500, 1000, 0, "infant kits"),
    "makanan_bayi": (400, 800, 0, "kg of infant complementary food (MP-ASI)"),
    "kit_lansia": (300, 600, 0, "elderly kits"),
    "alat_bantu": (40, 60, 0, "assistive devices"),
    "masker": (10000, 20000, 50000, "face masks"),
    "kit_kesehatan": (300, 500, 500, "health kits"),
}
# Bulog: relief-releasable government rice reserve (CBP), kg
STOCK_BULOG = {
    "bulog_samarinda": 200000,
    "bulog_balikpapan": 100000,
    "bulog_berau": 100000,
}
BULOG_NOTE = (
    "estimate: rice (kg) that can be released for relief from the government rice reserve (CBP) without central "
    "approval, taken as the commonly cited yearly release limits (governor up to 200 t, bupati/walikota up to 100 t; "
    "limits from memory, not verified in the sources); the physical depot stock is larger"
)
KAB_WAREHOUSE = {
    "64.01": "gudang_dinsos_paser",
    "64.02": "gudang_dinsos_kukar",
    "64.03": "gudang_dinsos_berau",
    "64.07": "gudang_dinsos_kubar",
    "64.08": "gudang_dinsos_kutim",
    "64.09": "gudang_dinsos_ppu",
    "64.11": "gudang_dinsos_mahulu",
    "64.71": "gudang_dinsos_balikpapan",
    "64.72": "gudang_dinsos_samarinda",
    "64.74": "gudang_dinsos_bontang",
}


# ----------------------------------------------------------------------------------------------
# build steps
# ----------------------------------------------------------------------------------------------


def build_network(desa: dict, river: River):
    nodes: list[dict] = []
    pos: dict[str, tuple[float, float]] = {}

    def add_node(nid, name, lat, lon, kind, note):
        assert nid not in pos, nid
        lat, lon = round(lat, 6), round(lon, 6)
        pos[nid] = (lat, lon)
        nodes.append({"id": nid, "name": name, "lat": lat, "lon": lon, "kind": kind, "note": note})

    for nid, name, kind, src in TOWNS:
        if src[0] == "xy":
            add_node(nid, name, src[1], src[2], kind, src[3])
        elif src[0] == "river":
            d = desa[src[1]]
            plat, plon, _ch, dist = river.snap(float(d["rep_lat"]), float(d["rep_lon"]))
            add_node(
                nid,
                name,
                plat,
                plon,
                kind,
                f"estimate: riverside settlement placed on the Mahakam line (Natural Earth 10m) at the point nearest to "
                f"the rep point of desa {d['name']} ({d['code']}), {dist:.1f} km away; also the river landing",
            )
        else:
            d = desa[src[1]]
            add_node(
                nid,
                name,
                float(d["rep_lat"]),
                float(d["rep_lon"]),
                kind,
                f"point inside {d['kind']} {d['name']} ({d['code']}), desa.csv rep_lat/rep_lon; town location approximated",
            )
    for aid, name, lat, lon, _town, _cls in AIRPORTS:
        add_node(aid, name, lat, lon, "airport", "OurAirports (public domain) via README-domain 5.2")
    chain = {}
    landing = {}
    for town in RIVER_CHAIN:
        lat, lon = pos[town]
        plat, plon, ch, dist = river.snap(lat, lon)
        chain[town] = ch
        landing[town] = town
        if town not in LANDINGS:
            continue
        landing[town] = f"ldg_{town}"
        add_node(
            f"ldg_{town}",
            f"Dermaga { {t[0]: t[1] for t in TOWNS}[town] }",
            plat,
            plon,
            "river_landing",
            f"estimate: nearest point of the Mahakam line (Natural Earth 10m) to the town point, {dist:.1f} km away",
        )
    for w in WAREHOUSES:
        wid, town = w[0], w[5]
        lat, lon = pos[town]
        add_node(
            wid,
            w[1],
            lat,
            lon,
            "warehouse",
            "warehouse location approximated at the town point (estimate)",
        )

    edges: list[dict] = []

    def gc(a, b):
        return haversine_km(*pos[a], *pos[b])

    def add_edge(eid, s, t, mode, cls, length, speed, dur, maxw, daylight, note):
        assert s in pos and t in pos, (eid, s, t)
        edges.append(
            {
                "id": eid,
                "source": s,
                "target": t,
                "mode": mode,
                "road_class": cls or None,
                "length_km": round(length, 2),
                "speed_kmh": speed,
                "duration_h": dur,
                "max_weight_t": maxw,
                "oneway": False,
                "daylight_only": daylight,
                "note": note,
            }
        )

    # Samarinda - Sendawar chain scaled to ~350 km
    smd_tgr = gc("samarinda", "tenggarong") * SMD_TGR_FACTOR
    rest = SMD_SDW_KM - smd_tgr
    g1, g2 = gc("tenggarong", "kota_bangun"), gc("kota_bangun", "sendawar")
    chain_km = [rest * g1 / (g1 + g2), rest * g2 / (g1 + g2)]
    chain_h = [7.5 * k / SMD_SDW_KM for k in chain_km]

    for eid, s, t, mode, cls, length, speed, dur, maxw, daylight, note in EDGES:
        if isinstance(length, tuple) and length[0] == "gc":
            base = gc(s, t)
            length = base * length[1]
            note = note.replace("great circle x", f"great circle {base:.1f} km x")
        elif isinstance(length, tuple) and length[0] == "smd_sdw":
            i = length[1]
            length, dur = chain_km[i], round(chain_h[i], 2)
        if mode == "road" and speed is None and dur is None:
            speed = ROAD_SPEED[cls]
        add_edge(eid, s, t, mode, cls, length, speed, dur, maxw, daylight, note)

    # river legs: along the Mahakam line x meander factor
    for eid, a, b, daylight, cap, extra in RIVER_LEGS:
        km = abs(chain[a] - chain[b]) * RIVER_MEANDER_FACTOR
        note = (
            f"estimate: {abs(chain[a] - chain[b]):.1f} km along the Natural Earth 10m Mahakam line x {RIVER_MEANDER_FACTOR} "
            "meander factor; boat speed from the vehicle type"
        )
        if extra:
            note += "; " + extra
        add_edge(eid, landing[a], landing[b], "river", "", km, cap, None, None, daylight, note)

    # connectors
    for town in LANDINGS:
        d = gc(town, f"ldg_{town}")
        add_edge(
            f"c_ldg_{town}",
            town,
            f"ldg_{town}",
            "road",
            "local",
            max(1.0, d * 1.3),
            ROAD_SPEED["local"],
            None,
            None,
            False,
            f"estimate: connector town-landing, great circle {d:.1f} km x 1.3 (minimum 1 km)",
        )
    for aid, _name, _lat, _lon, town, cls in AIRPORTS:
        d = gc(aid, town)
        add_edge(
            f"c_{aid}",
            aid,
            town,
            "road",
            cls,
            max(1.0, d * 1.3),
            ROAD_SPEED[cls],
            None,
            None,
            False,
            f"estimate: airport access road, great circle {d:.1f} km x 1.3",
        )
    for w in WAREHOUSES:
        wid, town = w[0], w[5]
        add_edge(
            f"c_{wid}",
            wid,
            town,
            "road",
            "local",
            1.0,
            ROAD_SPEED["local"],
            None,
            None,
            False,
            "estimate: nominal 1 km urban connector (warehouse street address not in the sources)",
        )
    for wid, town in sorted(RIVER_WAREHOUSES.items()):
        d = gc(wid, landing[town])
        add_edge(
            f"rv_c_{wid}",
            wid,
            landing[town],
            "river",
            "",
            max(1.0, d * 1.3),
            None,
            None,
            None,
            False,
            f"modelling device (estimate): loading link that lets the warehouse's boats start at the {town} landing; "
            f"great circle {d:.1f} km x 1.3; it stands for trucking or carrying cargo to the boats, not for sailing",
        )
    for wid, apt in sorted(AIR_WAREHOUSES.items()):
        d = gc(wid, apt)
        add_edge(
            f"a_c_{wid}",
            wid,
            apt,
            "air",
            "",
            max(1.0, d),
            None,
            None,
            None,
            True,
            f"modelling device (estimate): helicopter positioning between the warehouse yard and {apt}, great circle {d:.1f} km",
        )
    return nodes, edges, pos


MAHULU_TOWNS = {t[0] for t in TOWNS if t[3][0] == "river"}


def build_full_network(src: Path, desa: dict, skel_nodes, skel_edges, river):
    """The bundled network: the skeleton's documented links (its river legs replaced by the full Mahakam chain) plus
    the VMap0 roads, the river, and a connector for every kecamatan and desa (tools/build_kaltim_network.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import build_kaltim_network as bkn

    leg_ids = {leg[0] for leg in RIVER_LEGS}
    landing = {t: (f"ldg_{t}" if t in LANDINGS else t) for t in RIVER_CHAIN}
    return bkn.build(
        src,
        desa,
        skel_nodes,
        [e for e in skel_edges if e["id"] not in leg_ids],
        river,
        road_speed=ROAD_SPEED,
        river_chain=RIVER_CHAIN,
        landing=landing,
        river_legs=RIVER_LEGS,
        meander=RIVER_MEANDER_FACTOR,
        mahulu_towns=MAHULU_TOWNS,
        town_ids=[t[0] for t in TOWNS],
    )


# Vessel rules on the Mahakam (edges.csv vessels, vessels_low): the river legs above Long Bagun, through the riam
# that only longboats and speedboats pass, and the legs between Ujoh Bilang and Long Bagun, closed to the river
# cargo boat at low water. Every river connector that joins the river at one of their inner points takes the
# same rule.
RIAM_LEGS = ("rv_lbg_lph", "rv_lph_llk", "rv_llk_tioh", "rv_upper")
RIAM_RULE = {
    "vessels": "longboat;speedboat",
    "vessels_low": "longboat",
    "note": "vessels: only longboats and speedboats pass the riam above Long Bagun: two dangerous rapids "
    "(incl. Riam 611) lie between Ujoh Bilang and Tiong Ohang and the link is speedboat/longboat only "
    "(kaltim.antaranews.com/berita/55618); that they lie above Long Bagun, and longboats only at low water, are "
    "estimates (river levels make the links seasonal: nusantarainfo.com 2021)",
}
SHALLOWS_LEGS = ("rv_ujb_lbg",)
SHALLOWS_RULE = {
    "vessels_low": "longboat;speedboat",
    "note": "vessels_low: estimate, at low water the river cargo boat does not reach Long Bagun from Ujoh Bilang "
    "(river levels make the links seasonal: nusantarainfo.com 2021)",
}


# Whose stock each kind of warehouse holds, and the reserve floor a kab/kota keeps for its own people
OWNER_OF_KIND = {
    "dinsos_provinsi": "province",
    "bpbd": "province",
    "dinsos_kabkota": "kabkota",
    "bulog": "bulog",
}
RESERVE_SHARE = {"dinsos_kabkota": 0.3}
OWNER_NOTE = {
    "dinsos_provinsi": "owner: the province (APBD Provinsi buffer stock)",
    "bpbd": "owner: the province (BPBD Provinsi)",
    "dinsos_kabkota": "owner: the kab/kota; reserve_share 0.3 is an estimate (a policy example: keep 30% for "
    "its own kab/kota unless the province releases it)",
    "bulog": "owner: Perum Bulog (government rice reserve, released on request)",
}


# Helicopter landing zones added after the network is built (they must not change how its road pieces join):
# (id, from node, to node, note); the flight is the great-circle distance.
HELI_LANDINGS = [
    (
        "a_dtd_llk",
        "apt_dtd",
        "long_lunuk",
        "assumption: helicopter landing zone at the Long Lunuk landing, by the Datah Dawai airstrip, so that goods "
        "flown in change to longboats there (hub_datah_dawai); great-circle distance",
    ),
    (
        "a_ghs_lbg",
        "apt_ghs",
        "long_bagun",
        "assumption: helicopter landing zone at Long Bagun (no airport; a field by the landing); great-circle "
        "distance",
    ),
]


def add_heli_landings(nodes: list[dict], edges: list[dict]) -> None:
    """Append the HELI_LANDINGS air edges (daylight only, as the library's other flights)."""
    pos = {n["id"]: (n["lat"], n["lon"]) for n in nodes}
    for eid, a, b, note in HELI_LANDINGS:
        km = haversine_km(*pos[a], *pos[b])
        edges.append(
            {
                "id": eid,
                "source": a,
                "target": b,
                "mode": "air",
                "road_class": None,
                "length_km": round(km, 2),
                "speed_kmh": None,
                "duration_h": None,
                "max_weight_t": None,
                "oneway": False,
                "daylight_only": True,
                "note": note,
            }
        )


def apply_vessel_rules(edges: list[dict]) -> None:
    """Set the vessel columns of the river legs in RIAM_LEGS and SHALLOWS_LEGS and of the river connectors
    that join them between their end landings (in place)."""
    for legs, rule, ends in (
        (RIAM_LEGS, RIAM_RULE, {"long_bagun"}),
        (SHALLOWS_LEGS, SHALLOWS_RULE, {"long_bagun"}),
    ):
        on_leg = [e for e in edges if e["mode"] == "river" and e["id"].rsplit("_", 1)[0] in legs]
        inner = {n for e in on_leg for n in (e["source"], e["target"])} - ends - {"ujoh_bilang"}
        joined = [
            e
            for e in edges
            if e["mode"] == "river" and e not in on_leg and (e["source"] in inner or e["target"] in inner)
        ]
        for e in on_leg + joined:
            e.update({k: v for k, v in rule.items() if k != "note"})
            e["note"] = "; ".join(x for x in (e.get("note"), rule["note"]) if x)


def build_stock(kab_pop: dict) -> list[dict]:
    rows = []
    kabs = sorted(kab_pop)
    for com, (prov, kab_total, bpbd, what) in STOCK_DINSOS.items():
        if prov:
            n = f"estimate: {what} at the provincial buffer"
            if com == "paket_sembako":
                n = "4,000 paket sembako (the 'paket logistik' of Dinsos, food per KK) left end Nov 2025 (README-domain 5.5: natmed.id, insitekaltim, prokal, presisi.co)"
            rows.append({"warehouse": "gudang_dinsos_prov", "commodity": com, "units": prov, "note": n})
        if bpbd:
            rows.append(
                {
                    "warehouse": "gudang_bpbd_prov",
                    "commodity": com,
                    "units": bpbd,
                    "note": f"estimate: {what} held by BPBD Provinsi",
                }
            )
        if kab_total:
            parts = largest_remainder(kab_total, [kab_pop[k] for k in kabs])
            for k, u in zip(kabs, parts, strict=False):
                if u:
                    rows.append(
                        {
                            "warehouse": KAB_WAREHOUSE[k],
                            "commodity": com,
                            "units": u,
                            "note": f"estimate: {what}; kab/kota total {kab_total:,} spread by Dukcapil 2024 population",
                        }
                    )
    for wh, kg in STOCK_BULOG.items():
        rows.append({"warehouse": wh, "commodity": "beras", "units": kg, "note": BULOG_NOTE})
    rows.sort(key=lambda r: (r["warehouse"], list(STOCK_DINSOS).index(r["commodity"])))
    return rows


# ----------------------------------------------------------------------------------------------
# scenarios
# ----------------------------------------------------------------------------------------------
AREA_HEADER_BASE = ["id", "name", "code", "kind", "kab_code", "lat", "lon", "node", "affected"]
AREA_HEADER_TAIL = ["displaced_share", "access_open_h", "access_close_h", "modes", "note"]

SMD_2019_TOTAL = 56123
# kelurahan of Samarinda hit in June 2019 and relative weights of their affected population (estimate)
SMD_2019_AREAS = [
    ("64.72.05.1002", 10),
    ("64.72.05.1010", 6),
    ("64.72.05.1013", 6),
    ("64.72.05.1003", 7),
    ("64.72.05.1012", 3),
    ("64.72.08.1001", 8),
    ("64.72.08.1002", 9),
    ("64.72.08.1003", 6),
    ("64.72.08.1004", 4),
    ("64.72.08.1005", 5),
    ("64.72.03.1005", 5),
    ("64.72.03.1006", 3),
    ("64.72.03.1008", 3),
    ("64.72.03.1007", 3),
    ("64.72.07.1002", 3),
    ("64.72.07.1001", 3),
    ("64.72.07.1005", 2),
    ("64.72.04.1014", 3),
    ("64.72.09.1005", 3),
]

# the flood-hit kecamatan of Samarinda (their VMap0 roads are degraded)
SMD_2019_KECAMATAN = [
    ("64.72.05", "Samarinda Utara"),
    ("64.72.08", "Sungai Pinang"),
    ("64.72.03", "Samarinda Ulu"),
    ("64.72.07", "Sambutan"),
    ("64.72.04", "Samarinda Ilir"),
    ("64.72.09", "Samarinda Kota"),
]


def write_damage(sd: Path, dmg: list[dict], edge_ids: set) -> None:
    seen = set()
    rows = []
    for r in dmg:
        assert r["edge"] in edge_ids, r["edge"]
        if r["edge"] in seen:  # an edge is damaged once (the first, more specific row wins)
            continue
        seen.add(r["edge"])
        rows.append(r)
    write_csv(sd / "damage.csv", DAMAGE_HEADER, rows)


# Mahakam Ulu 2024: (code, on the main stem?, KAT community?)
MAHULU_2024_AREAS = [
    # Long Bagun
    ("64.11.01.2001", True, False),
    ("64.11.01.2002", True, False),
    ("64.11.01.2003", True, False),
    ("64.11.01.2004", True, False),
    ("64.11.01.2005", True, False),
    ("64.11.01.2006", True, False),
    ("64.11.01.2007", True, False),
    ("64.11.01.2008", True, False),
    ("64.11.01.2010", False, False),
    ("64.11.01.2011", True, False),
    # Long Hubung
    ("64.11.02.2001", True, False),
    ("64.11.02.2003", True, False),
    ("64.11.02.2004", False, False),
    ("64.11.02.2005", True, False),
    ("64.11.02.2006", True, False),
    ("64.11.02.2007", False, False),
    ("64.11.02.2008", False, False),
    ("64.11.02.2009", True, False),
    ("64.11.02.2010", False, False),
    ("64.11.02.2011", True, False),
    # Laham (64.11.03.2001, 64.11.03.2004) is left out: the police report of May 2024 lists it as not flooded
    # Long Pahangai
    ("64.11.05.2008", True, False),
    ("64.11.05.2009", True, False),
    ("64.11.05.2003", True, True),
    ("64.11.05.2013", True, True),
    ("64.11.05.2006", True, True),
    ("64.11.05.2007", True, True),
    # Long Apari
    ("64.11.04.2004", True, True),
    ("64.11.04.2006", True, True),
    ("64.11.04.2002", True, True),
    ("64.11.04.2009", True, True),
]
# river legs degraded by the 2024 flood: (leg id, speed factor, probability, note); every piece of the leg is degraded
MAHULU_2024_RIVER_DAMAGE = [
    ("rv_lhb_ujb", 0.7, 0.7, "estimate: flood current and debris"),
    (
        "rv_ujb_lbg",
        0.6,
        0.8,
        "estimate: flood current and debris, water 4-5 m above normal (Kompas, Tempo May 2024)",
    ),
    ("rv_lbg_lph", 0.5, 0.9, "estimate: rapids dangerous at flood stage"),
    ("rv_llk_tioh", 0.5, 0.9, "estimate: rapids dangerous at flood stage"),
]
MAHULU_SHARE_MAIN, MAHULU_SHARE_OTHER = 0.7, 0.4
MAHULU_KAT_SHARE = 0.3
MAHULU_DISPLACED_UJB_PEOPLE = 200
MAHULU_DISPLACED_OTHER = 0.15

# The September 2019 haze fell on Balikpapan, Samarinda and Penajam Paser Utara: every kelurahan of the two
# cities and the kelurahan and desa of Kecamatan Penajam are modelled, everyone in them breathing the haze
KARHUTLA_KAB = ("64.71", "64.72")
KARHUTLA_KEC = ("64.09.01",)


def area_row(d: dict, affected: int, displaced: float, note: str, **extra) -> dict:
    r = {
        "id": slug(d["name"]),
        "name": d["name"],
        "code": d["code"],
        "kind": d["kind"],
        "kab_code": d["kab_code"],
        "lat": float(d["rep_lat"]),
        "lon": float(d["rep_lon"]),
        "node": f"d_{d['code']}",
        "affected": affected,
        "displaced_share": displaced,
        "access_open_h": None,
        "access_close_h": None,
        "modes": None,
        "note": note,
    }
    r.update(extra)
    return r


WATER_POINT_HEADER = [
    "id",
    "name",
    "kind",
    "operator",
    "lat",
    "lon",
    "commodity",
    "litres_per_day",
    "reach_km",
    "from_day",
    "note",
]
# local water supply per scenario: (id, name, kind, operator, where, litres a day, reach km, note), `where` a
# network node or `desa:<code>` (the desa's rep point); all estimates
WATER_POINTS = {
    "banjir-samarinda-2019": [
        (
            "pdam_samarinda_tangki",
            "Tangki air bersih PDAM Tirta Kencana",
            "pdam_tanker",
            "Perumda Air Minum Tirta Kencana Samarinda",
            "samarinda",
            150000,
            15,
            "estimate: PDAM tanker trucks delivering clean water to flooded kelurahan (15 trucks x 5,000 L x 2 "
            "trips a day), within 15 km of the city centre; the PDAM's real fleet is not public",
        ),
    ],
    "banjir-mahakam-ulu-2024": [
        (
            "ipa_mobile_ujoh_bilang",
            "Unit pengolahan air bergerak Ujoh Bilang",
            "treatment_unit",
            "BPBD / PDAM Mahakam Ulu",
            "desa:64.11.01.2006",
            20000,
            5,
            "estimate: a mobile water treatment unit at the Ujoh Bilang posko (4,000 L an hour for 5 hours), "
            "serving kampung within 5 km",
        ),
    ],
}


KITCHEN_HEADER = [
    "id",
    "name",
    "area",
    "reach_km",
    "meals_per_day",
    "staff",
    "meals_per_staff_day",
    "meals_per_person_day",
    "from_day",
    "to_day",
    "rice_kg_per_meal",
    "side_dish_per_meal",
    "note",
]
# dapur umum per scenario: (id, name, area, reach km, meals a day, staff, from day, to day, note); estimates
KITCHENS = {
    "banjir-mahakam-ulu-2024": [
        (
            "dapur_umum_ujoh_bilang",
            "Dapur umum posko Ujoh Bilang",
            "ujoh_bilang",
            3,
            400,
            8,
            1,
            5,
            "estimate: a dapur umum at the Ujoh Bilang posko cooking 2 meals a day for its ~200 displaced "
            "(BNPB practice: 2 meals a day in the first days), 8 TAGANA volunteers; rice 0.2 kg and half a "
            "side-dish package a meal",
        ),
    ],
}


# Charters and requisitions per scenario: (id, vehicle type, count, warehouse, from hour, IDR a day, IDR an hour,
# provider, provider kind, note). All estimates: the 2024 response chartered passenger and cargo boats (README-domain
# 5.4 sources), and a BNPB helicopter is requested in large events.
CHARTERS = {
    "banjir-mahakam-ulu-2024": [
        (
            "sewa_longboat_ujb",
            "longboat",
            2,
            "gudang_dinsos_mahulu",
            24,
            1_500_000,
            0,
            "Motoris Ujoh Bilang (longboat sewaan)",
            "private",
            "estimate: two longboats with their motoris chartered at Ujoh Bilang from day 2, IDR 1.5 million a day "
            "each with fuel (the 2024 response chartered boats; price estimated)",
        ),
        (
            "bnpb_heli",
            "helikopter",
            1,
            "gudang_bpbd_prov",
            48,
            0,
            45_000_000,
            "BNPB (helikopter bantuan)",
            "bnpb",
            "estimate: a second helicopter requested from BNPB, at Samarinda from day 3; IDR 45 million a flight hour "
            "as the province's own (estimate)",
        ),
    ],
}
CHARTER_HEADER = [
    "id",
    "vehicle_type",
    "count",
    "warehouse",
    "from_h",
    "cost_per_day",
    "cost_per_h",
    "provider",
    "provider_kind",
    "note",
]
# Local suppliers per scenario: (id, name, kind, warehouse, commodity, units a day, max units, IDR a unit, lead time h,
# note). All estimates.
SUPPLIERS = {
    "banjir-samarinda-2019": [
        (
            "pasar_segiri_air",
            "Pasar Segiri (air minum kemasan)",
            "market",
            "gudang_dinsos_samarinda",
            "air_minum",
            20_000,
            100_000,
            4_000,
            12,
            "estimate: Dinsos buys bottled drinking water from Samarinda's markets, which keep working during floods; "
            "20,000 L a day 12 h after the order, IDR 4,000 a litre",
        ),
        (
            "kemensos_sembako",
            "Kemensos (buffer stock, kiriman Jakarta)",
            "kemensos",
            "gudang_dinsos_prov",
            "paket_sembako",
            2_000,
            2_000,
            0,
            48,
            "estimate: a Kemensos consignment of 2,000 food parcels requested on day 1, at the provincial warehouse "
            "48 h later",
        ),
    ],
}
SUPPLIER_HEADER = [
    "id",
    "name",
    "kind",
    "warehouse",
    "commodity",
    "units_per_day",
    "max_units",
    "price_per_unit",
    "lead_time_h",
    "from_day",
    "note",
]


def write_supply(sd: Path, sid: str) -> None:
    """The scenario's charters (charters.csv) and local suppliers (suppliers.csv)."""
    charters = [dict(zip(CHARTER_HEADER, row, strict=True)) for row in CHARTERS.get(sid, [])]
    if charters:
        write_csv(sd / "charters.csv", CHARTER_HEADER, charters)
    suppliers = [
        dict(zip([h for h in SUPPLIER_HEADER if h != "from_day"], row, strict=True)) | {"from_day": 1}
        for row in SUPPLIERS.get(sid, [])
    ]
    if suppliers:
        write_csv(sd / "suppliers.csv", SUPPLIER_HEADER, suppliers)


def write_kitchens(sd: Path, sid: str) -> None:
    """The scenario's dapur umum (kitchens.csv)."""
    rows = [
        {
            "id": kid,
            "name": name,
            "area": area,
            "reach_km": reach,
            "meals_per_day": meals,
            "staff": staff,
            "meals_per_staff_day": 100,
            "meals_per_person_day": 2,
            "from_day": first,
            "to_day": last,
            "rice_kg_per_meal": 0.2,
            "side_dish_per_meal": 0.5,
            "note": note,
        }
        for kid, name, area, reach, meals, staff, first, last, note in KITCHENS.get(sid, [])
    ]
    if rows:
        write_csv(sd / "kitchens.csv", KITCHEN_HEADER, rows)


def write_water_points(sd: Path, sid: str, pos: dict) -> None:
    """The scenario's local water supply points (water_points.csv), placed at network nodes."""
    rows = [
        {
            "id": wid,
            "name": name,
            "kind": kind,
            "operator": op,
            "lat": pos[node][0],
            "lon": pos[node][1],
            "commodity": "air_bersih",
            "litres_per_day": litres,
            "reach_km": reach,
            "from_day": 1,
            "note": note,
        }
        for wid, name, kind, op, node, litres, reach, note in WATER_POINTS.get(sid, [])
    ]
    if rows:
        write_csv(sd / "water_points.csv", WATER_POINT_HEADER, rows)


def scenario_yaml(sid, name, description, horizon, standards, start, **policy) -> str:
    """The scenario's YAML; `start` is day 1, 00:00 local time (WITA, +08:00) of the planning horizon;
    `policy` further policy fields (value, comment) such as the household size."""
    desc = "\n".join("  " + line for line in description.strip().splitlines())
    extra = "".join(f"  {k}: {v}  # {note}\n" for k, (v, note) in policy.items())
    return (
        f'id: {sid}\nname: "{name}"\ndescription: >-\n{desc}\nbase: kaltim\npolicy:\n'
        f"  horizon_days: {horizon}\n  standards: {standards}\n  start: {start}\n{extra}"
    )


def edges_in_polygons(net: dict, geoms: list, prefixes: tuple) -> list[str]:
    """Ids of the edges whose id starts with one of `prefixes` and whose mid point lies in one of `geoms`."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build_kaltim_network import point_in_polygon

    pos = {n["id"]: (n["lat"], n["lon"]) for n in net["nodes"]}
    out = []
    for e in net["edges"]:
        if not e["id"].startswith(prefixes):
            continue
        (la, oa), (lb, ob) = pos[e["source"]], pos[e["target"]]
        if any(point_in_polygon((la + lb) / 2, (oa + ob) / 2, g) for g in geoms):
            out.append(e["id"])
    return out


def load_geoms(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return {ft["properties"]["code"]: ft["geometry"] for ft in json.load(f)["features"]}


# VMap0 road pieces, town ties and gap connectors (not the skeleton's long links, not the desa connectors)
VMAP0_PREFIXES = (*(f"r{d}" for d in "0123456789"), "t_", "x_")
DAMAGE_HEADER = ["id", "edge", "effect", "speed_factor", "max_weight_t", "probability", "note"]


def print_network_summary(nodes, edges, info) -> None:
    from collections import Counter

    print(f"network: {len(nodes)} nodes, {len(edges)} edges")
    print("  nodes by kind:", dict(sorted(Counter(n["kind"] for n in nodes).items())))
    print(
        "  edges by mode/class:",
        dict(sorted(Counter(f"{e['mode']}/{e['road_class'] or '-'}" for e in edges).items())),
    )
    for k in (
        "named_breaks",
        "gap_connectors",
        "mahulu_gap_connectors",
        "long_gap_connectors",
        "piece_river_ties",
        "dropped_pieces",
    ):
        print(f"  {k}: {info[k]}")
    u = info["units"]
    print(
        f"  kecamatan+desa connectors: road only {u['road_only']}, road+river {u['road_and_river']}, river only {u['river_only']}, sea {u['sea']}"
    )


def build_scenarios(out: Path, desa: dict, net: dict):
    base = out / "scenarios"
    kec_geoms = load_geoms(out / "admin" / "kecamatan.geojson")
    edge_ids = {e["id"] for e in net["edges"]}
    river_legs = net["info"]["river_legs"]
    written = {}

    # --- Samarinda flood 2019
    sid = "banjir-samarinda-2019"
    sd = base / sid
    weights = [w for _, w in SMD_2019_AREAS]
    parts = largest_remainder(SMD_2019_TOTAL, weights)
    rows = []
    for (code, w), a in zip(SMD_2019_AREAS, parts, strict=False):
        d = desa[code]
        rows.append(
            area_row(
                d,
                a,
                0.3,
                f"affected: estimate (split of BNPB's 56,123 by a hand-set weight {w}); estimated population {d['population']:,}; "
                "displaced_share 0.3 is the README-domain 5.4 design assumption",
            )
        )
    write_csv(sd / "areas.csv", AREA_HEADER_BASE + AREA_HEADER_TAIL, rows)
    dmg = [
        {
            "id": "d_smd_bontang",
            "edge": "r_smd_bontang",
            "effect": "degraded",
            "speed_factor": 0.4,
            "probability": 0.8,
            "note": "estimate: the Samarinda-Bontang road runs through flooded Samarinda Utara (Sempaja, Lempake)",
        },
        {
            "id": "d_apt_aap",
            "edge": "c_apt_aap",
            "effect": "degraded",
            "speed_factor": 0.5,
            "probability": 0.6,
            "note": "estimate: APT Pranoto access road via Samarinda Utara partly under water",
        },
        {
            "id": "d_smd_tgr",
            "edge": "r_smd_tgr",
            "effect": "degraded",
            "speed_factor": 0.7,
            "probability": 0.5,
            "note": "estimate: urban congestion and local inundation",
        },
        {
            "id": "d_wh_dinsos_smd",
            "edge": "c_gudang_dinsos_samarinda",
            "effect": "degraded",
            "speed_factor": 0.6,
            "probability": 0.5,
            "note": "estimate: city streets partly flooded",
        },
        {
            "id": "d_wh_dinsos_prov",
            "edge": "c_gudang_dinsos_prov",
            "effect": "degraded",
            "speed_factor": 0.6,
            "probability": 0.5,
            "note": "estimate: city streets partly flooded",
        },
    ]
    # the VMap0 roads (and ties/connectors between them) inside the flood-hit kecamatan
    for code, name in SMD_2019_KECAMATAN:
        for eid in edges_in_polygons(net, [kec_geoms[code]], VMAP0_PREFIXES):
            dmg.append(
                {
                    "id": f"d_{eid}",
                    "edge": eid,
                    "effect": "degraded",
                    "speed_factor": 0.5,
                    "probability": 0.6,
                    "note": f"estimate: road in flood-hit kecamatan {name} ({code}) partly under water",
                }
            )
    # the last mile into each flooded kelurahan
    for code, _w in SMD_2019_AREAS:
        dmg.append(
            {
                "id": f"d_cd_{code}",
                "edge": f"cd_{code}",
                "effect": "degraded",
                "speed_factor": 0.5,
                "probability": 0.7,
                "note": f"estimate: streets of flooded kelurahan {desa[code]['name']} under water (connector to the road network)",
            }
        )
    write_damage(sd, dmg, edge_ids)
    (sd / "scenario.yaml").write_text(
        scenario_yaml(
            sid,
            "Banjir Samarinda Juni 2019",
            "Samarinda urban flood of June 2019: 17,485 households / 56,123 people affected, 626 houses (BNPB via Republika,\n"
            "14 Jun 2019). The split over 19 kelurahan of Samarinda Utara, Sungai Pinang, Samarinda Ulu, Sambutan,\n"
            "Samarinda Ilir and Samarinda Kota is an estimate; ~30% displaced is a design assumption.",
            3,
            "bnpb",
            "2019-06-09T00:00:00+08:00",  # the flood peaked on 9-10 June 2019
            household_size=(3.21, "the event's 56,123 people in 17,485 KK (BNPB via Republika, 14 Jun 2019)"),
            at_home_share=(
                0.25,
                "estimate: of those not displaced, a quarter stay in flooded houses needing rations",
            ),
        ),
        encoding="utf-8",
    )
    written[sid] = rows

    # --- Mahakam Ulu flood 2024
    sid = "banjir-mahakam-ulu-2024"
    sd = base / sid
    rows = []
    for code, main, kat in MAHULU_2024_AREAS:
        d = desa[code]
        share = MAHULU_SHARE_MAIN if main else MAHULU_SHARE_OTHER
        total = round(d["population"] * share)
        k = round(total * MAHULU_KAT_SHARE) if kat else 0
        if code == "64.11.01.2006":
            disp = round(MAHULU_DISPLACED_UJB_PEOPLE / total, 3)
            dnote = f"displaced_share {disp} = ~200 displaced at the Ujoh Bilang posko (Kompas/Tempo May 2024) / {total} affected"
        else:
            disp = MAHULU_DISPLACED_OTHER
            dnote = "displaced_share 0.15 is an estimate (most stayed in raised houses or with relatives)"
        note = (
            f"affected: estimate, {int(share * 100)}% of the estimated population {d['population']:,} "
            f"({'Mahakam main-stem kampung' if main else 'kampung off the main stem'})"
        )
        if kat:
            note += (
                f"; {k} of them counted as Komunitas Adat Terpencil (estimate: 30%), the rest in `affected`"
            )
        note += "; " + dnote
        rows.append(area_row(d, total - k, disp, note, people_komunitas_adat_terpencil=k or None))
    write_csv(
        sd / "areas.csv",
        [*AREA_HEADER_BASE, "people_komunitas_adat_terpencil", *AREA_HEADER_TAIL],
        rows,
    )
    dmg = [
        {
            "id": "d_sdw_ujb",
            "edge": "r_sdw_ujb",
            "effect": "closed",
            "probability": 1.0,
            "note": "Kubar-Mahakam Ulu road cut by the flood (estimate): the interior is reached by river and air only",
        }
    ]
    # river legs: every piece of the leg between the two landings
    for leg, factor, prob, note in MAHULU_2024_RIVER_DAMAGE:
        for eid in river_legs[leg]:
            dmg.append(
                {
                    "id": f"d_{eid}",
                    "edge": eid,
                    "effect": "degraded",
                    "speed_factor": factor,
                    "probability": prob,
                    "note": note,
                }
            )
    write_damage(sd, dmg, edge_ids)
    (sd / "scenario.yaml").write_text(
        scenario_yaml(
            sid,
            "Banjir Mahakam Ulu Mei 2024",
            'Mahakam Ulu flood of 13-17 May 2024, "worst in history": 28-37 of 50 kampung in 5 kecamatan flooded, water 4-5 m\n'
            "deep, ~200 displaced at the Ujoh Bilang posko (Kompas, Tempo, kaltimkece, mediakaltim, May 2024).\n"
            f"{len(rows)} kampung are modelled (Laham is left out: the police report lists it as not flooded);\n"
            "affected counts and the Komunitas Adat Terpencil counts are estimates.\n"
            "The road from Kutai Barat is closed, so the interior is reached by river and air only.",
            5,
            "bnpb",
            "2024-05-13T00:00:00+08:00",  # the flood's first day
            water_level=("flood", "the Mahakam in flood: edges.csv's vessel rules at that level"),
            at_home_share=(
                0.25,
                "estimate: of those not displaced, a quarter stay in raised or flooded houses cut off",
            ),
        ),
        encoding="utf-8",
    )
    written[sid] = rows

    # --- Karhutla 2019: the September haze over Balikpapan, Samarinda and Penajam Paser Utara
    sid = "karhutla-2019"
    sd = base / sid
    codes = sorted(
        c for c, d in desa.items() if d["kab_code"] in KARHUTLA_KAB or c[: len("64.09.01")] in KARHUTLA_KEC
    )
    rows = [
        area_row(
            desa[code],
            int(desa[code]["population"]),
            0.0,
            f"affected by haze: everyone in the kelurahan/desa, its estimated population {desa[code]['population']:,} "
            "(estimate); nobody displaced (people stay home; ISPA care at puskesmas and posko kesehatan)",
        )
        for code in codes
    ]
    write_csv(sd / "areas.csv", [*AREA_HEADER_BASE, *AREA_HEADER_TAIL], rows)
    dmg = [
        {
            "id": f"d_{eid}_haze",
            "edge": eid,
            "effect": "closed",
            "probability": 0.5,
            "note": "estimate: haze grounds flights from Sepinggan (Balikpapan)",
        }
        for eid in ("a_bpn_aap", "a_bpn_bej", "a_bpn_bxt", "a_bpn_ghs")
    ]
    write_damage(sd, dmg, edge_ids)
    (sd / "standards").mkdir(parents=True, exist_ok=True)
    (sd / "standards" / "bnpb-karhutla.yaml").write_text(
        "id: bnpb-karhutla\n"
        "name: BNPB Perka 7/2008 plus haze items (SIAGA estimate)\n"
        "source: >-\n"
        "  The bnpb profile (rations and kits for the displaced, none here) plus masks and ISPA (acute\n"
        "  respiratory infection) care for forest/land-fire haze. The quantities and shares are SIAGA estimates,\n"
        "  not regulation, sized on the September 2019 response (BPBD Balikpapan handed out about 3,000 masks,\n"
        "  Media Indonesia 11 Sep 2019; more than 3,000 ISPA patients in Balikpapan from January to 17 September\n"
        "  2019, Tribun Kaltim 17 Sep 2019).\n"
        "extends: bnpb\n"
        "items:\n"
        '  - {commodity: masker, quantity: 1, per_days: 2, basis: affected, share: 0.1, note: "estimate: a mask every two days for the tenth of people who must be outdoors (workers, street handouts)"}\n'
        '  - {commodity: masker, quantity: 1, per_days: 2, basis: affected, groups: [balita, lansia, ibu_hamil, ibu_menyusui, disabilitas, lansia_terlantar, penyandang_disabilitas, anak_balita_terlantar], note: "estimate: a mask every two days for everyone at respiratory risk"}\n'
        '  - {commodity: kit_kesehatan, quantity: 1, per_days: null, basis: affected, share: 0.005, note: "estimate: ISPA care (a basic health kit) for 0.5 % of people, once: more than 3,000 ISPA patients in Balikpapan\'s ~0.7 M from January to mid-September 2019"}\n',
        encoding="utf-8",
    )
    (sd / "scenario.yaml").write_text(
        scenario_yaml(
            sid,
            "Kabut asap karhutla September 2019",
            "Haze from forest and land fires (in Paser, PPU and South Kalimantan) over Balikpapan, Samarinda and Penajam Paser\n"
            "Utara from 10 September 2019 (IDN Times, Bisnis, Tribun Kaltim). The response was masks and ISPA (acute\n"
            "respiratory infection) care: BPBD Balikpapan handed out about 3,000 masks (Media Indonesia, infopublik, 11 Sep\n"
            "2019); more than 3,000 ISPA patients in Balikpapan Jan-17 Sep 2019 (Tribun Kaltim).\n"
            f"{len(rows)} kelurahan and desa are modelled (every kelurahan of Balikpapan and\n"
            "Samarinda, the kelurahan and desa of Kecamatan Penajam), everyone in them affected (estimated populations),\n"
            "nobody displaced. Masks and health kits are sized by SIAGA estimates (standards/bnpb-karhutla.yaml).",
            7,
            "bnpb-karhutla",
            "2019-09-10T00:00:00+08:00",  # the haze reached Balikpapan on the morning of 10 September 2019
        ),
        encoding="utf-8",
    )
    written[sid] = rows
    pos = {n["id"]: (n["lat"], n["lon"]) for n in net["nodes"]}
    pos |= {f"desa:{c}": (float(d["rep_lat"]), float(d["rep_lon"])) for c, d in desa.items()}
    for wsid in WATER_POINTS:
        write_water_points(base / wsid, wsid, pos)
    for ksid in KITCHENS:
        write_kitchens(base / ksid, ksid)
    for ssid in sorted({*CHARTERS, *SUPPLIERS}):
        write_supply(base / ssid, ssid)
    return written


# ----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "source",
        nargs="?",
        default=str(DEFAULT_SRC),
        help="source data dir (default ../shared/data/kaltim)",
    )
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output dir (default scenarios/library/kaltim)")
    args = ap.parse_args(argv)
    src, out = Path(args.source), Path(args.out)
    if not (src / "kabupaten.csv").exists():
        print(f"error: {src} has no kabupaten.csv", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    if (out / "scenarios").exists():
        shutil.rmtree(out / "scenarios")

    _kab, kab_pop, desa = build_admin(src, out)
    river = River(src / "rivers.geojson")
    skel_nodes, skel_edges, pos = build_network(desa, river)
    nodes, edges, net_info = build_full_network(src, desa, skel_nodes, skel_edges, river)
    apply_vessel_rules(edges)
    add_heli_landings(nodes, edges)
    write_csv(out / "nodes.csv", ["id", "name", "lat", "lon", "kind", "note"], nodes)
    write_csv(
        out / "edges.csv",
        [
            "id",
            "source",
            "target",
            "mode",
            "road_class",
            "length_km",
            "speed_kmh",
            "duration_h",
            "max_weight_t",
            "oneway",
            "daylight_only",
            "vessels",
            "vessels_low",
            "vessels_flood",
            "note",
        ],
        edges,
    )

    wh_rows = []
    for wid, name, op, kind, kab_code, _town, cap, thr, note in WAREHOUSES:
        lat, lon = pos[wid]
        wh_rows.append(
            {
                "id": wid,
                "name": name,
                "operator": op,
                "kind": kind,
                "kab_code": kab_code,
                "lat": lat,
                "lon": lon,
                "node": wid,
                "capacity_m3": cap,
                "throughput_t_per_day": thr,
                "owner": OWNER_OF_KIND[kind],
                "reserve_share": RESERVE_SHARE.get(kind, 0.0),
                "note": "; ".join([note, OWNER_NOTE[kind]]),
            }
        )
    for _hid, wid, name, op, node, kab_code, _h, _cap, _reach, _note in HUBS:
        if wid is not None:
            node_pos = {n["id"]: (n["lat"], n["lon"]) for n in nodes}[node]
            wh_rows.append(
                {
                    "id": wid,
                    "name": name,
                    "operator": op,
                    "kind": "hub",
                    "kab_code": kab_code,
                    "lat": node_pos[0],
                    "lon": node_pos[1],
                    "node": node,
                    "reserve_share": 0.0,
                    "note": "a transshipment hub without stock of its own (hubs.csv); placed at the network node of "
                    "its landing (an estimate of where goods change vehicles)",
                }
            )
    write_csv(
        out / "hubs.csv",
        ["id", "name", "warehouse", "handling_h", "capacity_t_per_day", "reach_h", "sources", "note"],
        [
            {
                "id": hid,
                "name": name,
                "warehouse": wid or node,
                "handling_h": h,
                "capacity_t_per_day": cap,
                "reach_h": reach,
                "note": note,
            }
            for hid, wid, name, _op, node, _kab, h, cap, reach, note in HUBS
        ],
    )
    write_csv(
        out / "warehouses.csv",
        [
            "id",
            "name",
            "operator",
            "kind",
            "kab_code",
            "lat",
            "lon",
            "node",
            "capacity_m3",
            "throughput_t_per_day",
            "owner",
            "reserve_share",
            "note",
        ],
        wh_rows,
    )
    write_csv(out / "stock.csv", ["warehouse", "commodity", "units", "note"], build_stock(kab_pop))
    write_csv(out / "vehicle_types.csv", VEHICLE_HEADER, VEHICLES)
    write_csv(
        out / "fleet.csv",
        ["warehouse", "vehicle_type", "count", "note"],
        [{"warehouse": w, "vehicle_type": v, "count": c, "note": fleet_note(w, v)} for w, v, c in FLEET]
        + [{"warehouse": w, "vehicle_type": v, "count": c, "note": note} for w, v, c, note in HUB_FLEET],
    )
    build_scenarios(out, desa, {"nodes": nodes, "edges": edges, "info": net_info})
    print_network_summary(nodes, edges, net_info)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
