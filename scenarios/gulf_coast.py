"""The Gulf-coast hurricane instance of Rawls & Turnquist (2010) as a scenario set (a benchmark).

The five files (saved from `mtonbari/tsdro` @ dc5c6c1, no licence stated) live in
`tests/data/rawls_turnquist_2010/`, a test fixture outside the package; see its README.md. One
scenario per hurricane (15):

- areas: the 30 nodes `n<k>` (0-based ids of node_coordinates.csv; demands.txt counts from 1);
  `needs` = the hurricane's water, food and medical-kit demand where demands.txt lists the node;
  people (one general group) = node population x `category_to_affected_fraction[category]` at
  those nodes, zero elsewhere (the instance gives no affected counts; needs come from `needs`);
- network: the 30 nodes and 54 undirected road arcs, `length_km` = arc weight x
  `edge_weight_multiplier` (the instance's distance units, taken as km);
- one candidate site `s<k>` per node, no stock (stock comes from the study's options), no capacity,
  50 trucks each (R&T has no fleet limit); policy: one day.

Probabilities: a hurricane's category has the weight `category_weights[category]` (the historical
frequency of that category); it is divided equally among the hurricanes of the category, and the
whole normalised to 1. Commodity masses and volumes, the truck and its speed are estimates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .bundled import display_path
from .errors import Issue, ScenarioError
from .model import (
    Area,
    Commodity,
    Edge,
    FleetLine,
    Group,
    Network,
    Node,
    Policy,
    Scenario,
    StandardsProfile,
    VehicleType,
    Warehouse,
)
from .scenario_set import ScenarioSet

__all__ = ["DEFAULT_GULF_COAST_DIR", "GULF_COAST_SOURCE", "load_gulf_coast"]

DEFAULT_GULF_COAST_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "rawls_turnquist_2010"
FILES = ("arcs.csv", "demands.txt", "node_coordinates.csv", "node_populations.csv", "parameters.json")
ITEMS = ("water", "food", "medical_kits")
GROUP = "umum"
PROFILE = "rawls-turnquist-2010"
TRUCKS_PER_SITE = 50
GULF_COAST_SOURCE = (
    "Rawls, C. G. and Turnquist, M. A. (2010), Pre-positioning of emergency supplies for disaster "
    "response, Transportation Research Part B 44(4), 521-534: Gulf-coast hurricane instance as prepared "
    "in mtonbari/tsdro @ dc5c6c1 (2023-11-14; no licence stated; used as a test/benchmark fixture with "
    "attribution). Commodity masses and volumes, the truck fleet and speed, and arc lengths read as km "
    "are SIAGA estimates."
)

# estimates: R&T's commodity units, masses and volumes are not in the saved files
_COMMODITIES = (
    Commodity(
        id="water",
        name="Air",
        name_en="Water",
        unit="unit",
        kg_per_unit=1000.0,
        m3_per_unit=1.2,
        kind="water",
        note="estimate: one unit taken as a pallet of 1,000 L bottled water (1,000 kg, 1.2 m3)",
    ),
    Commodity(
        id="food",
        name="Makanan",
        name_en="Food",
        unit="unit",
        kg_per_unit=600.0,
        m3_per_unit=1.6,
        kind="food",
        note="estimate: one unit taken as 1,000 ready-to-eat meals (about 0.6 kg each packed)",
    ),
    Commodity(
        id="medical_kits",
        name="Kit kesehatan",
        name_en="Medical kit",
        unit="unit",
        kg_per_unit=2.0,
        m3_per_unit=0.01,
        kind="health",
        note="estimate: one first-aid/medical kit (2 kg, 0.01 m3)",
    ),
)
_TRUCK = VehicleType(
    id="truck",
    name="Truk",
    name_en="Truck",
    modes=("road",),
    speed_kmh=80.0,
    capacity_kg=20_000.0,
    capacity_m3=80.0,
    weight_t=15.0,
    cost_per_km=1.0,
    note="estimate: a semi-trailer (20 t, 80 m3) at 80 km/h; cost 1 per km in the instance's cost units",
)


@dataclass(frozen=True)
class _Instance:
    names: list[str]  # node names, index = 0-based id
    lat: list[float]
    lon: list[float]
    population: dict[int, float]
    arcs: list[tuple[int, int, float]]
    demands: dict[str, dict[int, tuple[float, float, float]]]  # hurricane -> 0-based node -> items
    params: dict


def _fail(file: Path, line: int | None, field: str, message: str, value: object = None) -> ScenarioError:
    return ScenarioError([Issue(display_path(file), line, field, message, value)])


def _read_coordinates(file: Path) -> tuple[list[str], list[float], list[float]]:
    rows = {}
    for k, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(",")]
        try:
            rows[int(cells[1])] = (cells[0], float(cells[2]), float(cells[3]))
        except (IndexError, ValueError):
            raise _fail(file, k, "", "expected: name, node id, lat, lon", line) from None
    if sorted(rows) != list(range(len(rows))):
        raise _fail(file, None, "node", "node ids must run 0..n-1", sorted(rows))
    ordered = [rows[k] for k in range(len(rows))]
    return [r[0] for r in ordered], [r[1] for r in ordered], [r[2] for r in ordered]


def _read_csv_numbers(file: Path, columns: int) -> list[list[float]]:
    out = []
    lines = file.read_text(encoding="utf-8").splitlines()
    for k, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            cells = [float(c) for c in line.split(",")]
        except ValueError:
            raise _fail(file, k, "", "expected numbers", line) from None
        if len(cells) != columns:
            raise _fail(file, k, "", f"expected {columns} cells", line)
        out.append(cells)
    return out


def _read_demands(file: Path, n_nodes: int) -> dict[str, dict[int, tuple[float, float, float]]]:
    """demands.txt: a hurricane name on its own line, then `node name... water food medical_kits`
    lines with 1-based node ids; returned with 0-based ids."""
    out: dict[str, dict[int, tuple[float, float, float]]] = {}
    current: dict[int, tuple[float, float, float]] | None = None
    for k, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        cells = line.split()
        if not cells:
            continue
        if len(cells) == 1:
            current = out.setdefault(cells[0], {})
            continue
        expected = "expected: node (1-based) name water food medical_kits"
        if len(cells) < 5:
            raise _fail(file, k, "", expected, line)
        try:
            node = int(cells[0]) - 1
            values = tuple(float(c) for c in cells[-3:])
        except ValueError:
            raise _fail(file, k, "", expected, line) from None
        if current is None:
            raise _fail(file, k, "", "expected a hurricane name line before node lines", line)
        if not 0 <= node < n_nodes or node in current:
            raise _fail(file, k, "node", f"must be a new node id in 1..{n_nodes}", cells[0])
        current[node] = values  # type: ignore[assignment]
    return out


def _read(path: Path) -> _Instance:
    if not path.is_dir():
        raise ScenarioError(
            [Issue(str(path), None, "path", "is not a directory holding the Rawls & Turnquist (2010) files")]
        )
    for name in FILES:
        if not (path / name).is_file():
            raise _fail(path / name, None, "", f"is missing; the directory needs: {', '.join(FILES)}")
    names, lat, lon = _read_coordinates(path / "node_coordinates.csv")
    pops = {int(n): p for n, p in _read_csv_numbers(path / "node_populations.csv", 2)}
    arcs = [(int(u), int(v), w) for u, v, w in _read_csv_numbers(path / "arcs.csv", 3)]
    params = json.loads((path / "parameters.json").read_text(encoding="utf-8"))
    demands = _read_demands(path / "demands.txt", len(names))
    unknown = [h for h in demands if h not in params["hurricane_category"]]
    if unknown:
        raise _fail(path / "demands.txt", None, "", "is a hurricane without a category", unknown[0])
    return _Instance(names, lat, lon, pops, arcs, demands, params)


def _network(inst: _Instance) -> Network:
    mult = float(inst.params["edge_weight_multiplier"])
    nodes = tuple(
        Node(id=f"n{k}", name=name, lat=inst.lat[k], lon=inst.lon[k], kind="city")
        for k, name in enumerate(inst.names)
    )
    edges = tuple(
        Edge(
            id=f"a{u}_{v}",
            source=f"n{u}",
            target=f"n{v}",
            mode="road",
            length_km=w * mult,
            note=f"R&T arc weight {w:g} x {mult:g} (the instance's distance units, read as km)",
        )
        for u, v, w in inst.arcs
    )
    return Network(nodes=nodes, edges=edges)


def _areas(inst: _Instance, hurricane: str) -> tuple[Area, ...]:
    category = inst.params["hurricane_category"][hurricane]
    fraction = float(inst.params["category_to_affected_fraction"][str(category)])
    demand = inst.demands[hurricane]
    out = []
    for k, name in enumerate(inst.names):
        listed = k in demand
        people = {GROUP: inst.population.get(k, 0.0) * fraction} if listed else {}
        needs = dict(zip(ITEMS, demand[k], strict=True)) if listed else {}
        note = (
            f"needs: {hurricane} demand (demands.txt node {k + 1}); people: population x {fraction:g} "
            f"(category {category} affected fraction)"
            if listed
            else f"not affected by {hurricane}"
        )
        out.append(
            Area(
                id=f"n{k}",
                name=name,
                kind="node",
                lat=inst.lat[k],
                lon=inst.lon[k],
                node=f"n{k}",
                people=people,
                needs=needs,
                displaced_share=0.0,
                note=note,
            )
        )
    return tuple(out)


def _probabilities(inst: _Instance, hurricanes: list[str]) -> np.ndarray:
    """Category weight shared equally by the category's hurricanes, normalised to 1."""
    cat = [inst.params["hurricane_category"][h] for h in hurricanes]
    weights = inst.params["category_weights"]
    p = np.array([weights[c] / cat.count(c) for c in cat], dtype=float)
    return p / p.sum()


def _common(inst: _Instance) -> dict:
    sites = tuple(
        Warehouse(
            id=f"s{k}",
            name=f"Candidate site {name}",
            kind="candidate",
            lat=inst.lat[k],
            lon=inst.lon[k],
            node=f"n{k}",
            note="candidate pre-positioning site at the node; stock comes from the study's options",
        )
        for k, name in enumerate(inst.names)
    )
    return {
        "commodities": _COMMODITIES,
        "groups": (
            Group(
                id=GROUP,
                kind="general",
                name="Penduduk terdampak umum",
                name_en="General affected population",
                priority_weight=1.0,
                note="the instance has no split by group",
            ),
        ),
        "standards": (
            StandardsProfile(
                id=PROFILE,
                name="Rawls & Turnquist (2010): assessed demand",
                source="needs come from each area's `needs` (demands.txt), not from standards items",
            ),
        ),
        "warehouses": sites,
        "vehicle_types": (_TRUCK,),
        "fleet": tuple(
            FleetLine(
                warehouse=s.id,
                vehicle_type="truck",
                count=TRUCKS_PER_SITE,
                note="estimate: R&T has no fleet limit; enough trucks that every site can ship",
            )
            for s in sites
        ),
        "network": _network(inst),
        "policy": Policy(horizon_days=1, standards=PROFILE),
    }


def load_gulf_coast(path: Path | None = None) -> ScenarioSet:
    """The 15 hurricanes of the Rawls & Turnquist (2010) Gulf-coast instance, with probabilities.

    `path`: the directory of the five files; default: the repository's
    `tests/data/rawls_turnquist_2010/` (an error naming the path when it is not there).
    """
    path = Path(path) if path is not None else DEFAULT_GULF_COAST_DIR
    inst = _read(path)
    common = _common(inst)
    hurricanes = list(inst.demands)
    members = []
    for h in hurricanes:
        category = inst.params["hurricane_category"][h]
        members.append(
            Scenario(
                id=f"gulf-coast-{h.lower()}",
                name=f"Hurricane {h} (category {category})",
                description=(
                    f"Hurricane {h}, category {category}: demand at {len(inst.demands[h])} nodes of the "
                    "Rawls & Turnquist (2010) Gulf-coast instance (mtonbari/tsdro @ dc5c6c1)."
                ),
                areas=_areas(inst, h),
                **common,
            )
        )
    return ScenarioSet(
        id="gulf-coast",
        name="Gulf-coast hurricanes (Rawls & Turnquist 2010)",
        scenarios=tuple(members),
        probabilities=_probabilities(inst, hurricanes),
        source=GULF_COAST_SOURCE,
        seed=None,
    )
