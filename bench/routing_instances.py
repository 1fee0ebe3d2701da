"""Readers for the routing benchmark sets (CVRPLIB X, Solomon VRPTW, Cordeau MDVRP) into
`RoutingProblem`s, each under its best-known solutions' own distance convention:

- X: Euclidean distance rounded to the nearest integer (TSPLIB nint); fleet unlimited (n vehicles);
- Solomon: distances and times truncated to one decimal (DIMACS), kept as integers in tenths;
- Cordeau: double-precision Euclidean distance, kept as integers in thousandths.

`scale` turns the integer objective back into the BKS unit.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from optimizer.routing import Depot, Job, RoutingProblem, VehicleType

ROOT = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


@dataclass(frozen=True)
class Instance:
    set: str
    name: str
    problem: RoutingProblem
    scale: float  # objective / scale = cost in the BKS unit
    bks: float
    min_vehicles: int  # a fleet size for engines that need one (OR-Tools)


def _euclid(xy: np.ndarray) -> np.ndarray:
    diff = xy[:, None, :] - xy[None, :, :]
    return np.sqrt((diff**2).sum(axis=2))


def bks(set_name: str, name: str, root: Path = ROOT) -> float:
    with open(root / "bks.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["set"] == set_name and row["instance"] == name:
                return float(row["bks"])
    raise KeyError(f"no BKS for {set_name}/{name}")


def read_x(name: str, root: Path = ROOT) -> Instance:
    text = (root / "instances" / "X" / f"{name}.vrp").read_text()
    cap = int(re.search(r"CAPACITY\s*:\s*(\d+)", text).group(1))
    coords = re.search(r"NODE_COORD_SECTION\s*(.*?)DEMAND_SECTION", text, re.S).group(1).split()
    demand = re.search(r"DEMAND_SECTION\s*(.*?)DEPOT_SECTION", text, re.S).group(1).split()
    xy = np.array(coords, float).reshape(-1, 3)[:, 1:]
    q = np.array(demand, int).reshape(-1, 2)[:, 1]
    d = np.floor(_euclid(xy) + 0.5).astype(np.int64)
    n = len(xy) - 1
    jobs = tuple(Job(i, (int(q[i]),), name=str(i)) for i in range(1, n + 1))
    vt = VehicleType(count=n, capacity=(cap,), unit_distance_cost=1)
    k = int(re.search(r"-k(\d+)", name).group(1))
    p = RoutingProblem((Depot(0),), jobs, (vt,), (d,), (d,), name=name)
    return Instance("X", name, p, 1.0, bks("X", name, root), math.ceil(1.15 * k) + 1)


def read_solomon(name: str, root: Path = ROOT) -> Instance:
    lines = (root / "instances" / "solomon" / f"{name}.txt").read_text().splitlines()
    count, cap = (int(v) for v in lines[4].split())
    rows = np.array([ln.split() for ln in lines[9:] if ln.strip()], float)
    xy = rows[:, 1:3]
    d = np.floor(_euclid(xy) * 10).astype(np.int64)  # tenths, truncated (DIMACS)
    ten = (rows[:, 3:7] * 10).astype(np.int64)  # demand x10 is harmless; use raw demand below
    demand, ready, due, service = rows[:, 3].astype(int), ten[:, 1], ten[:, 2], ten[:, 3]
    jobs = tuple(
        Job(
            i,
            (int(demand[i]),),
            service=int(service[i]),
            tw_early=int(ready[i]),
            tw_late=int(due[i]),
            name=str(i),
        )
        for i in range(1, len(rows))
    )
    vt = VehicleType(count=count, capacity=(cap,), tw_early=int(ready[0]), tw_late=int(due[0]))
    p = RoutingProblem((Depot(0, int(ready[0]), int(due[0])),), jobs, (vt,), (d,), (d,), name=name)
    return Instance("solomon", name, p, 10.0, bks("solomon", name, root), count)


def read_cordeau(name: str, root: Path = ROOT) -> Instance:
    lines = [ln.split() for ln in (root / "instances" / "cordeau" / f"{name}.txt").read_text().splitlines()]
    _, m, n, t = (int(v) for v in lines[0][:4])
    limits = [(float(a), int(b)) for a, b in (ln[:2] for ln in lines[1 : 1 + t])]
    cust = lines[1 + t : 1 + t + n]
    deps = lines[1 + t + n : 1 + t + n + t]
    xy = np.array([[float(r[1]), float(r[2])] for r in deps + cust])
    d = np.round(_euclid(xy) * 1000).astype(np.int64)
    jobs = tuple(
        Job(t + i, (int(r[4]),), service=round(float(r[3]) * 1000), name=r[0]) for i, r in enumerate(cust)
    )
    vts = tuple(
        VehicleType(
            count=m,
            capacity=(limits[k][1],),
            start_depot=k,
            end_depot=k,
            max_duration=round(limits[k][0] * 1000) if limits[k][0] > 0 else VehicleType.max_duration,
            name=f"depot{k}",
        )
        for k in range(t)
    )
    p = RoutingProblem(tuple(Depot(k) for k in range(t)), jobs, vts, (d,), (d,), name=name)
    return Instance("cordeau_mdvrp", name, p, 1000.0, bks("cordeau_mdvrp", name, root), m)


X_SET = [
    "X-n101-k25",
    "X-n125-k30",
    "X-n153-k22",
    "X-n181-k23",
    "X-n200-k36",
    "X-n233-k16",
    "X-n261-k13",
    "X-n303-k21",
    "X-n351-k40",
    "X-n401-k29",
]
SOLOMON_SET = ["C101", "C105", "R101", "R105", "RC101", "RC105"]
CORDEAU_SET = [f"p{k:02d}" for k in range(1, 11)]


def all_instances() -> list[tuple[str, str]]:
    return (
        [("X", n) for n in X_SET]
        + [("solomon", n) for n in SOLOMON_SET]
        + [("cordeau", n) for n in CORDEAU_SET]
    )


READERS = {"X": read_x, "solomon": read_solomon, "cordeau": read_cordeau}
