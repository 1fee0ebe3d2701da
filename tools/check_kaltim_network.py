#!/usr/bin/env python3
"""Check the bundled Kaltim network and the damage of its scenarios (breadth-first searches over the CSV tables).

Usage:  python3 tools/check_kaltim_network.py [LIBRARY_DIR]     (default scenarios/library/kaltim)

Standard library only. Exit code 0 when every check passes, 1 otherwise. Checks:

- node ids and edge ids are unique; every edge end point, warehouse node and area node exists;
- every length is > 0 (no zero-length ties are used);
- the network is one connected component (undirected, any mode);
- every kecamatan (`k_<code>`) and desa/kelurahan (`d_<code>`) of admin/ has its node, and it is connected;
- per scenario, after removing its `closed` edges: every area is reachable from some warehouse by road+ferry edges
  or by river edges (each a BFS of its own), and with all modes together; the damage takes no area out of truck
  (road+ferry) reach that had it before, except in banjir-mahakam-ulu-2024, where the Mahakam Ulu areas must not be
  reachable by road+ferry from the warehouses outside Mahakam Ulu, and the interior ones (kecamatan Laham, Long Apari,
  Long Pahangai) from no warehouse at all.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict, deque
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAHULU = "64.11"
INTERIOR_KECAMATAN = ("64.11.03", "64.11.04", "64.11.05")  # Laham, Long Apari, Long Pahangai
ROAD = {"road", "ferry"}


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def bfs(adj: dict, starts, modes=None, closed=frozenset()) -> set:
    seen = set(starts)
    q = deque(seen)
    while q:
        u = q.popleft()
        for v, mode, eid in adj[u]:
            if v in seen or eid in closed or (modes is not None and mode not in modes):
                continue
            seen.add(v)
            q.append(v)
    return seen


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lib = Path(argv[0]) if argv else REPO / "scenarios" / "library" / "kaltim"
    errors: list[str] = []
    nodes = read(lib / "nodes.csv")
    edges = read(lib / "edges.csv")
    node_ids = [n["id"] for n in nodes]
    ids = set(node_ids)
    for what, lst in (("node", node_ids), ("edge", [e["id"] for e in edges])):
        dup = [k for k, c in Counter(lst).items() if c > 1]
        if dup:
            errors.append(f"duplicate {what} ids: {dup[:10]}")
    adj = defaultdict(list)
    for e in edges:
        for end in ("source", "target"):
            if e[end] not in ids:
                errors.append(f"edge {e['id']}: {end} {e[end]!r} is not a node")
        if not float(e["length_km"]) > 0:
            errors.append(f"edge {e['id']}: length_km {e['length_km']} is not > 0")
        adj[e["source"]].append((e["target"], e["mode"], e["id"]))
        adj[e["target"]].append((e["source"], e["mode"], e["id"]))
    warehouses = read(lib / "warehouses.csv")
    wh_nodes = {w["id"]: w["node"] for w in warehouses}
    for w, n in wh_nodes.items():
        if n not in ids:
            errors.append(f"warehouse {w}: node {n!r} is not a node")

    comp = bfs(adj, [node_ids[0]])
    if len(comp) != len(ids):
        errors.append(f"network is not connected: {len(ids) - len(comp)} nodes outside the first component")
    for level, prefix in (("kecamatan", "k"), ("desa", "d")):
        for r in read(lib / "admin" / f"{level}.csv"):
            nid = f"{prefix}_{r['code']}"
            if nid not in ids:
                errors.append(f"{level} {r['code']}: no node {nid}")
            elif nid not in comp:
                errors.append(f"{level} {r['code']}: node {nid} is not connected")

    print(
        f"{len(nodes)} nodes, {len(edges)} edges, {'one component' if len(comp) == len(ids) else 'NOT connected'}"
    )
    print("  edges by mode:", dict(sorted(Counter(e["mode"] for e in edges).items())))
    print(
        "  road edges by class:",
        dict(sorted(Counter(e["road_class"] for e in edges if e["mode"] == "road").items())),
    )
    print("  nodes by kind:", dict(sorted(Counter(n["kind"] for n in nodes).items())))

    wh_kab = {w["id"]: w["kab_code"] for w in warehouses}
    for sd in sorted((lib / "scenarios").iterdir()):
        sid = sd.name
        areas = read(sd / "areas.csv")
        damage = read(sd / "damage.csv") if (sd / "damage.csv").exists() else []
        edge_ids = {e["id"] for e in edges}
        for d in damage:
            if d["edge"] not in edge_ids:
                errors.append(f"{sid}: damage {d['id']}: edge {d['edge']!r} does not exist")
        closed = frozenset(d["edge"] for d in damage if d["effect"] == "closed")
        starts = sorted(set(wh_nodes.values()))
        road_before = bfs(adj, starts, ROAD)
        road_after = bfs(adj, starts, ROAD, closed)
        river_after = bfs(adj, starts, {"river"}, closed)
        air_after = bfs(adj, starts, {"air"}, closed)
        any_after = bfs(adj, starts, None, closed)
        counts = Counter()
        for a in areas:
            n = a["node"]
            if n not in ids:
                errors.append(f"{sid}: area {a['id']}: node {n!r} is not a node")
                continue
            if n in road_after:
                counts["road+ferry"] += 1
            if n in river_after:
                counts["river"] += 1
            if n in air_after:
                counts["air"] += 1
            if n not in road_after and n not in river_after and n not in air_after:
                errors.append(
                    f"{sid}: area {a['id']} ({n}) is reachable by neither road+ferry, river nor air"
                )
            if n not in any_after:
                errors.append(f"{sid}: area {a['id']} ({n}) is cut off")
            if sid != "banjir-mahakam-ulu-2024" and n in road_before and n not in road_after:
                errors.append(f"{sid}: the damage takes area {a['id']} ({n}) out of truck reach")
        print(
            f"{sid}: {len(areas)} areas, {len(damage)} damage rows ({len(closed)} closed); areas reachable from a "
            f"warehouse by road+ferry {counts['road+ferry']}, by river {counts['river']}, by air {counts['air']}"
        )
        if sid == "banjir-mahakam-ulu-2024":
            outside = [wh_nodes[w] for w in wh_nodes if wh_kab[w] != MAHULU]
            truck_out = bfs(adj, outside, ROAD, closed)
            truck_all = road_after
            interior = [a for a in areas if a["code"].startswith(INTERIOR_KECAMATAN)]
            for a in areas:
                if a["node"] in truck_out:
                    errors.append(
                        f"{sid}: area {a['id']} is reachable by road from a warehouse outside Mahakam Ulu"
                    )
            for a in interior:
                if a["node"] in truck_all:
                    errors.append(
                        f"{sid}: interior area {a['id']} is reachable by road+ferry from a warehouse"
                    )
                if a["node"] not in river_after:
                    errors.append(f"{sid}: interior area {a['id']} is not reachable by river")
            before_out = bfs(adj, outside, ROAD)
            print(
                f"  without the damage {sum(a['node'] in before_out for a in areas)}/{len(areas)} areas are reachable by "
                f"road from warehouses outside Mahakam Ulu; with it {sum(a['node'] in truck_out for a in areas)}; "
                f"{len(interior)} interior areas, {sum(a['node'] in truck_all for a in interior)} of them reachable "
                "by road+ferry from any warehouse"
            )
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} errors")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
