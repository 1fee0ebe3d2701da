"""Build the bundled Kaltim road/river/air network (nodes.csv, edges.csv) from the source layers.

Called by tools/build_kaltim_library.py (it is not a stand-alone command). Deterministic: the same input gives the
same nodes and edges in the same order. Uses the standard library plus numpy and scipy (KD-tree).

What it does (the library README, section "Network", says the same in prose):

1. Roads: the VMap0 lines of roads.geojson (1990s). Kept nodes are the line end points, every vertex where lines
   meet (vertices of different lines, or a line's end point and another vertex of the same line, within SNAP_KM are one
   node), and intermediate vertices thinned so that consecutive kept nodes are at most THIN_KM apart along the line.
   Edge length = the haversine sum along the polyline piece. road -> `provincial`, trail -> `trail`.
2. Connectors between the disconnected VMap0 pieces: the real breaks named in the data README first, then any gap of
   at most GAP_MAX_KM (shortest first, Kruskal). Never across the Mahakam Ulu boundary and never between two Mahakam
   Ulu pieces: the only road into Mahakam Ulu is the documented Kubar-Mahakam Ulu link of the skeleton.
3. The skeleton's documented links (toll road, bridge, ferry, Trans-Kalimantan, air, warehouse connectors ...) stay;
   every town node is tied to the nearest VMap0 node (within TIE_MAX_KM) by a `local` road.
4. River: the Mahakam line of rivers.geojson, with the skeleton's landings inserted at their chainage and the line's
   vertices thinned to at most THIN_KM; length = along-line km x the meander factor.
5. A node per kecamatan (`k_<code>`) and per desa/kelurahan (`d_<code>`) with one road connector and/or one river
   connector (great circle x DETOUR).
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

SNAP_KM = 0.1  # vertices of different lines within 100 m are one node
THIN_KM = 5.0  # kept nodes at most ~5 km apart along a line
GAP_MAX_KM = 15.0  # largest gap between two VMap0 pieces closed by a generic connector
TIE_MAX_KM = 15.0  # largest town -> road node tie
ROAD_NEAR_KM = (
    15.0  # a desa with no road node within this distance gets a river connector instead (when nearer)
)
RIVERSIDE_KUBAR_KM = (
    5.0  # Kutai Barat desa whose rep point is this close to the Mahakam also get a river connector
)
PIECE_RIVER_TIE_KM = 20.0  # isolated Mahakam Ulu road pieces: river tie if the Mahakam is this close
DETOUR = 1.3  # connectors: great circle x 1.3
MIN_KM = 0.05  # connectors and ties are at least 50 m long (no zero-length edges)
MAHULU = "64.11"
KUBAR = "64.07"
CONNECTOR_NOTE = "connector (estimate)"
# Island units (code prefixes): their connector is a `sea` crossing to the nearest mainland road node
ISLANDS = ("64.03.11", "64.03.07.2004", "64.03.12.2006")  # Maratua; Pulau Derawan; Balikukup

# Real breaks of the VMap0 layer named in shared/data/kaltim/README.md. Each is closed between the two pieces that
# hold the two reference points (lat, lon), at their closest pair of nodes.
NAMED_BREAKS = [
    (
        "x_smd_mahakam",
        (-0.532306, 117.148361),  # the Balikpapan-Samarinda line (VMap0 line 110), north end at the Mahakam
        (-0.503555, 117.156471),  # the Samarinda/Tenggarong lines (junction of lines 99, 101, 109)
        "provincial",
        "the VMap0 Balikpapan-Samarinda line ends {gc:.1f} km short of the Samarinda-Tenggarong lines at the Mahakam crossing "
        "in Samarinda (data README); crossing of the Mahakam (bridge) assumed",
    ),
    (
        "x_marangkayu",
        (-0.057583, 117.455192),  # Samarinda/Tenggarong group, north end of VMap0 line 88
        (0.1324, 117.49),  # the Bontang-Sangatta line (VMap0 line 68), at Bontang
        "provincial",
        "closes the {gc:.1f} km break near Marangkayu between the Samarinda/Tenggarong lines and the Bontang-Sangatta line "
        "(data README); the Samarinda-Bontang road exists (iNews: ~120 km, 3-4 h)",
    ),
]


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


KM_PER_DEG = 111.195


def _xy(lat, lon):
    """Local equirectangular km (Kaltim spans 2.4S-2.6N: the cos(lat) error is < 0.1 %)."""
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    return np.c_[lon * KM_PER_DEG, lat * KM_PER_DEG]


class _UF:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, a):
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.p[rb] = ra
        return True


def point_in_polygon(lat, lon, geom) -> bool:
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    for poly in polys:
        inside = False
        for k, ring in enumerate(poly):
            r_in = False
            n = len(ring)
            for i in range(n - 1):
                x1, y1 = ring[i]
                x2, y2 = ring[i + 1]
                if (y1 > lat) != (y2 > lat):
                    x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
                    if x > lon:
                        r_in = not r_in
            if k == 0:
                inside = r_in
            elif r_in:
                inside = False
        if inside:
            return True
    return False


# ----------------------------------------------------------------------------------------------


class NetworkBuilder:
    def __init__(self, road_speed: dict):
        self.road_speed = road_speed
        self.nodes: list[dict] = []
        self.pos: dict[str, tuple[float, float]] = {}
        self.edges: list[dict] = []
        self.edge_ids: set[str] = set()

    def add_node(self, nid, name, lat, lon, kind, note):
        assert nid not in self.pos, nid
        lat, lon = round(lat, 6), round(lon, 6)
        self.pos[nid] = (lat, lon)
        self.nodes.append({"id": nid, "name": name, "lat": lat, "lon": lon, "kind": kind, "note": note})

    def add_edge(self, eid, s, t, mode, cls, length, note, speed=None, dur=None, daylight=False, maxw=None):
        assert eid not in self.edge_ids, eid
        assert s in self.pos and t in self.pos and s != t, (eid, s, t)
        if mode == "road" and speed is None and dur is None:
            speed = self.road_speed[cls]
        self.edge_ids.add(eid)
        self.edges.append(
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

    def gc(self, a, b):
        return haversine_km(*self.pos[a], *self.pos[b])


def densify(coords):
    """[(label, lon, lat)]: the line's vertices (label = index) plus evenly spaced points (label `<j>_<k>`) on every
    segment longer than THIN_KM, so that no two consecutive points are more than THIN_KM apart."""
    out = []
    for j, (lon, lat) in enumerate(coords):
        out.append((str(j), lon, lat))
        if j + 1 < len(coords):
            lon2, lat2 = coords[j + 1]
            m = math.ceil(haversine_km(lat, lon, lat2, lon2) / THIN_KM)
            for k in range(1, m):
                t = k / m
                out.append((f"{j}_{k}", lon + t * (lon2 - lon), lat + t * (lat2 - lat)))
    return out


# ----------------------------------------------------------------------------------------------
# 1. roads


def build_roads(nb: NetworkBuilder, roads_path: Path):
    """Add the VMap0 road nodes and edges. Returns (road node ids, node -> piece, piece -> mahulu?)."""
    with open(roads_path, encoding="utf-8") as f:
        feats = sorted(json.load(f)["features"], key=lambda ft: ft["properties"]["id"])
    dense = [densify(ft["geometry"]["coordinates"]) for ft in feats]
    verts = []  # (line index, point index, lon, lat)
    for li, pts in enumerate(dense):
        for vj, (_label, lon, lat) in enumerate(pts):
            verts.append((li, vj, lon, lat))
    nv = len(verts)
    xy = _xy([v[3] for v in verts], [v[2] for v in verts])
    uf = _UF(nv)
    nlen = [len(pts) for pts in dense]
    for a, b in sorted(cKDTree(xy).query_pairs(SNAP_KM)):
        la, ja, lb, jb = verts[a][0], verts[a][1], verts[b][0], verts[b][1]
        if la != lb:
            uf.union(a, b)
        else:
            end_a = ja in (0, nlen[la] - 1)
            end_b = jb in (0, nlen[lb] - 1)
            if (end_a or end_b) and abs(ja - jb) > 1:
                uf.union(a, b)
    members: dict[int, list[int]] = {}
    for i in range(nv):
        members.setdefault(uf.find(i), []).append(i)
    # offset of each line's first vertex in `verts`
    start = []
    k = 0
    for n in nlen:
        start.append(k)
        k += n

    node_of_cluster: dict[int, str] = {}
    node_key: dict[str, tuple[int, int]] = {}

    def cluster_node(i):
        root = uf.find(i)
        if root not in node_of_cluster:
            li, vj, lon, lat = verts[root]  # root = lowest index = lowest (line, vertex)
            label = dense[li][vj][0]
            nid = f"n{feats[li]['properties']['id']}_{label}"
            node_key[nid] = (feats[li]["properties"]["id"], vj)
            ms = members[root]
            lines = sorted({feats[verts[m][0]]["properties"]["id"] for m in ms})
            if len(lines) > 1:
                note = f"VMap0 junction of lines {', '.join(map(str, lines))} (vertices within {int(SNAP_KM * 1000)} m merged)"
            elif vj in (0, nlen[li] - 1):
                note = f"VMap0 line {lines[0]} end point"
            elif "_" in label:
                note = (
                    f"point on VMap0 line {lines[0]} between two vertices more than {THIN_KM:g} km apart "
                    f"(added so that nodes are at most {THIN_KM:g} km apart)"
                )
            else:
                note = f"VMap0 line {lines[0]} vertex (kept so that nodes are at most {THIN_KM:g} km apart)"
            nb.add_node(nid, f"road node {nid}", lat, lon, "road_node", note)
            node_of_cluster[root] = nid
        return node_of_cluster[root]

    edge_lines = []  # (edge id, line index)
    for li, ft in enumerate(feats):
        coords = [(lon, lat) for _label, lon, lat in dense[li]]
        n = len(coords)
        seg = [
            haversine_km(coords[j][1], coords[j][0], coords[j + 1][1], coords[j + 1][0]) for j in range(n - 1)
        ]
        cum = [0.0]
        for s in seg:
            cum.append(cum[-1] + s)
        must = {0, n - 1}
        for j in range(n):
            if len(members[uf.find(start[li] + j)]) > 1:
                must.add(j)
        kept = [0]
        for j in range(1, n):
            if j in must or (j + 1 < n and cum[j + 1] - cum[kept[-1]] > THIN_KM):
                kept.append(j)
        props = ft["properties"]
        cls = "provincial" if props["type"] == "road" else "trail"
        piece = 0
        for a, b in itertools.pairwise(kept):
            na, nbid = cluster_node(start[li] + a), cluster_node(start[li] + b)
            if na == nbid:
                continue  # the piece collapsed onto one snapped node
            piece += 1
            eid = f"r{props['id']}_{piece}"
            nb.add_edge(
                eid,
                na,
                nbid,
                "road",
                cls,
                max(0.01, cum[b] - cum[a]),
                f"VMap0 (1990s) {props['type']} line {props['id']} (source_fid {props['source_fid']}), points {dense[li][a][0]}-{dense[li][b][0]}; "
                f"length = geodesic length of the polyline; class {cls} assumed from the VMap0 type",
            )
            edge_lines.append((eid, li))
    # pieces (connected components of the VMap0 graph)
    road_nodes = sorted(set(node_of_cluster.values()), key=lambda s: node_key[s])
    idx = {nid: i for i, nid in enumerate(road_nodes)}
    uf2 = _UF(len(road_nodes))
    line_of_node: dict[str, set[int]] = {}
    for e in nb.edges:
        if e["source"] in idx and e["target"] in idx:
            uf2.union(idx[e["source"]], idx[e["target"]])
    e_by_id = {e["id"]: e for e in nb.edges}
    for eid, li in edge_lines:
        e = e_by_id[eid]
        for nid in (e["source"], e["target"]):
            line_of_node.setdefault(nid, set()).add(li)
    piece_of = {nid: uf2.find(idx[nid]) for nid in road_nodes}
    piece_mahulu: dict[int, bool] = {}
    for nid in road_nodes:
        p = piece_of[nid]
        m = all(feats[li]["properties"]["kab_codes"] == MAHULU for li in line_of_node[nid])
        piece_mahulu[p] = piece_mahulu.get(p, True) and m
    return road_nodes, piece_of, piece_mahulu


# ----------------------------------------------------------------------------------------------
# 2. river


def build_river(nb: NetworkBuilder, river, river_chain, landing, legs, meander):
    """Mahakam chain: the landings of `river_chain` (upstream order reversed: river_chain runs downstream -> upstream)
    plus line vertices thinned to THIN_KM. Returns (river node ids, leg id -> edge ids)."""
    dense = densify(river.coords)  # upstream -> delta
    coords = [(lon, lat) for _label, lon, lat in dense]
    cum = [0.0]
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        cum.append(cum[-1] + haversine_km(y1, x1, y2, x2))
    total = cum[-1]
    # landings at their chainage
    marks = []  # (chainage, node id)
    for town in river_chain:
        lat, lon = nb.pos[landing[town]]
        _plat, _plon, ch, _d = river.snap(lat, lon)
        marks.append((ch, landing[town]))
    marks.sort()
    # the leg each stretch belongs to: between consecutive landings (downstream town first in the leg id table)
    leg_of_pair = {}
    for leg in legs:
        leg_of_pair[(landing[leg[1]], landing[leg[2]])] = leg
        leg_of_pair[(landing[leg[2]], landing[leg[1]])] = leg
    # candidate points in chainage order: the landings, and the line vertices not within 200 m of a landing
    mark_ch = [m[0] for m in marks]
    n = len(coords)
    cands = [(ch, nid, None) for ch, nid in marks]
    for j in range(n):
        if j in (0, n - 1) or min(abs(cum[j] - c) for c in mark_ch) > 0.2:
            cands.append((cum[j], None, j))
    cands.sort(key=lambda p: p[0])
    pts = [cands[0]]
    for i in range(1, len(cands)):
        ch, nid, j = cands[i]
        last = i == len(cands) - 1
        if nid is not None or last or cands[i + 1][0] - pts[-1][0] > THIN_KM:
            pts.append(cands[i])
    final = []
    for ch, nid, j in pts:
        if nid is None:
            nid = f"mhk_{dense[j][0]}"
            lon, lat = coords[j]
            nb.add_node(
                nid,
                f"Mahakam km {ch:.1f} from the upstream end",
                lat,
                lon,
                "river_point",
                ("point on" if "_" in dense[j][0] else "vertex of")
                + " the Natural Earth 10m Mahakam line (rivers.geojson), kept so that river nodes are at most "
                f"{THIN_KM:g} km apart along the line",
            )
        final.append((ch, nid))
    river_nodes = [nid for _ch, nid in final]
    # edges: walk between consecutive landings
    leg_edges: dict[str, list[str]] = {}
    mark_set = {nid for _c, nid in marks}
    # split `final` into stretches at the landings
    stretches = []
    cur = [final[0]]
    for p in final[1:]:
        cur.append(p)
        if p[1] in mark_set:
            stretches.append(cur)
            cur = [p]
    if len(cur) > 1:
        stretches.append(cur)
    for st in stretches:
        up, down = st[0][1], st[-1][1]  # chainage increases downstream
        if up in mark_set and down in mark_set:
            leg = leg_of_pair[(down, up)]
            lid, daylight, cap, extra = leg[0], leg[3], leg[4], leg[5]
        elif down in mark_set:  # upstream of the highest landing
            lid, daylight, cap, extra = (
                "rv_upper",
                True,
                25,
                "upper Mahakam above Tiong Ohang: rapids, no night travel (Antara); speed cap 25 km/h estimate",
            )
        else:  # below Samarinda, to the delta
            lid, daylight, cap, extra = (
                "rv_delta",
                False,
                None,
                "Mahakam below Samarinda towards the delta (Anggana)",
            )
        for k, ((c1, a), (c2, b)) in enumerate(itertools.pairwise(st), start=1):
            along = c2 - c1
            eid = f"{lid}_{k}"
            note = (
                f"estimate: {along:.1f} km along the Natural Earth 10m Mahakam line x {meander} meander factor; "
                "boat speed from the vehicle type"
            )
            if extra:
                note += "; " + extra
            nb.add_edge(eid, b, a, "river", "", along * meander, note, speed=cap, daylight=daylight)
            leg_edges.setdefault(lid, []).append(eid)
    return river_nodes, leg_edges, total


# ----------------------------------------------------------------------------------------------


def build(
    src: Path,
    desa: dict,
    skeleton_nodes: list[dict],
    skeleton_edges: list[dict],
    river,
    *,
    road_speed: dict,
    river_chain: list[str],
    landing: dict,
    river_legs: list,
    meander: float,
    mahulu_towns: set[str],
    town_ids: list[str],
):
    """Return (nodes, edges, info). `skeleton_*` are the skeleton's nodes and edges (river legs already left out)."""
    nb = NetworkBuilder(road_speed)
    info: dict = {}
    for n in skeleton_nodes:
        nb.add_node(n["id"], n["name"], n["lat"], n["lon"], n["kind"], n["note"])
    for e in skeleton_edges:
        nb.edges.append(dict(e))
        nb.edge_ids.add(e["id"])

    # --- roads
    road_nodes, piece_of, piece_mahulu = build_roads(nb, src / "roads.geojson")
    info["vmap0_pieces"] = len(set(piece_of.values()))
    uf = _UF(len(nb.nodes))
    nidx = {n["id"]: i for i, n in enumerate(nb.nodes)}

    def join(a, b):
        return uf.union(nidx[a], nidx[b])

    def refresh(start):
        for e in nb.edges[start:]:
            if e["source"] in nidx and e["target"] in nidx:
                uf.union(nidx[e["source"]], nidx[e["target"]])

    refresh(0)
    rxy = _xy([nb.pos[n][0] for n in road_nodes], [nb.pos[n][1] for n in road_nodes])
    rtree = cKDTree(rxy)
    pieces = sorted(set(piece_of.values()))
    nodes_of_piece = {p: [n for n in road_nodes if piece_of[n] == p] for p in pieces}

    def gap_connector(eid, a, b, cls, note):
        d = nb.gc(a, b)
        nb.add_edge(eid, a, b, "road", cls, max(MIN_KM, d * DETOUR), note)
        join(a, b)

    def closest_pair(pa, pb):
        na, nbb = nodes_of_piece[pa], nodes_of_piece[pb]
        ta = cKDTree(_xy([nb.pos[n][0] for n in na], [nb.pos[n][1] for n in na]))
        d, i = ta.query(_xy([nb.pos[n][0] for n in nbb], [nb.pos[n][1] for n in nbb]))
        k = int(np.argmin(d))
        return float(d[k]), na[int(i[k])], nbb[k]

    def piece_at(lat, lon):
        _d, i = rtree.query(_xy([lat], [lon])[0])
        return piece_of[road_nodes[int(i)]]

    node_cls: dict[str, set] = {}
    for e in nb.edges:
        if e["source"] in piece_of:
            node_cls.setdefault(e["source"], set()).add(e["road_class"])
            node_cls.setdefault(e["target"], set()).add(e["road_class"])

    def gap_class(a, b):
        return "provincial" if "provincial" in node_cls[a] and "provincial" in node_cls[b] else "trail"

    # --- town ties (first: the skeleton's documented links then already join some pieces)
    def nearest_road(lat, lon, mahulu: bool):
        d, ii = rtree.query(_xy([lat], [lon])[0], k=min(len(road_nodes), 400))
        for dd, i in zip(d, ii, strict=False):
            n = road_nodes[int(i)]
            if piece_mahulu[piece_of[n]] == mahulu:
                return n, float(dd)
        return None, None

    ties = []
    tied_piece = {}
    for town in town_ids:
        lat, lon = nb.pos[town]
        n, _d = nearest_road(lat, lon, town in mahulu_towns)
        if n is None:
            continue
        gc = haversine_km(lat, lon, *nb.pos[n])
        if gc > TIE_MAX_KM:
            continue
        nb.add_edge(
            f"t_{town}",
            town,
            n,
            "road",
            "local",
            max(MIN_KM, gc * DETOUR),
            f"{CONNECTOR_NOTE}: ties the town point to the nearest VMap0 road node, great circle {gc:.2f} km x {DETOUR}",
        )
        join(town, n)
        tied_piece[town] = piece_of[n]
        ties.append((town, round(gc, 1)))
    info["town_ties"] = ties

    # --- the named breaks of the data README
    named = []
    for eid, pa_pt, pb_pt, cls, note in NAMED_BREAKS:
        pa, pb = piece_at(*pa_pt), piece_at(*pb_pt)
        assert pa != pb, eid
        _d, a, b = closest_pair(pa, pb)
        gc = nb.gc(a, b)
        gap_connector(
            eid,
            a,
            b,
            cls,
            f"{CONNECTOR_NOTE}: great circle {gc:.1f} km x {DETOUR}; " + note.format(gc=gc),
        )
        named.append((eid, round(gc, 1)))
    info["named_breaks"] = named

    # --- generic gap connectors (Kruskal over the pieces, shortest gap first)
    def kruskal(group, max_km, prefix, extra):
        cand = []
        for i, pa in enumerate(group):
            for pb in group[i + 1 :]:
                d, a, b = closest_pair(pa, pb)
                if d <= max_km:
                    cand.append((round(d, 6), a, b))
        cand.sort()
        made = []
        for _d, a, b in cand:
            if uf.find(nidx[a]) == uf.find(nidx[b]):
                continue
            gc = nb.gc(a, b)
            cls = gap_class(a, b)
            eid = f"{prefix}_{len(made) + 1}"
            gap_connector(
                eid,
                a,
                b,
                cls,
                f"{CONNECTOR_NOTE}: closes a {gc:.1f} km gap between two VMap0 pieces (no line in the data); "
                f"great circle x {DETOUR}; class {cls} from the lines it joins{extra}",
            )
            made.append((eid, round(gc, 1)))
        return made

    outside = [p for p in pieces if not piece_mahulu[p]]
    info["gap_connectors"] = kruskal(outside, GAP_MAX_KM, "x_gap", "")
    # Mahakam Ulu: pieces may join each other, but never the piece the Ujoh Bilang road reaches (so the interior
    # stays cut off by road when the Kubar-Mahakam Ulu road is closed)
    ujb_piece = tied_piece.get("ujoh_bilang")
    inner = [p for p in pieces if piece_mahulu[p] and p != ujb_piece]
    info["mahulu_gap_connectors"] = kruskal(
        inner,
        GAP_MAX_KM,
        "x_mhu",
        "; Mahakam Ulu interior: probably logging roads, not joined to the Ujoh Bilang roads",
    )
    # the remaining pieces outside Mahakam Ulu: joined whatever the gap (the 1990s layer lacks the newer roads)
    info["long_gap_connectors"] = kruskal(
        outside,
        1e9,
        "x_long",
        "; longer than the 15 km rule: a road is assumed here because the 1990s layer lacks newer roads (estimate)",
    )

    # --- river
    river_nodes, leg_edges, _total = build_river(nb, river, river_chain, landing, river_legs, meander)
    for n in nb.nodes[len(nidx) :]:
        nidx[n["id"]] = len(uf.p)
        uf.p.append(len(uf.p))
    refresh(0)
    info["river_legs"] = leg_edges
    vxy = _xy([nb.pos[n][0] for n in river_nodes], [nb.pos[n][1] for n in river_nodes])
    vtree = cKDTree(vxy)

    def nearest_river(lat, lon):
        _d, i = vtree.query(_xy([lat], [lon])[0])
        n = river_nodes[int(i)]
        return n, haversine_km(lat, lon, *nb.pos[n])

    # --- Mahakam Ulu road groups not yet connected: a river tie at their node nearest to the Mahakam
    main_root = uf.find(nidx["samarinda"])
    groups: dict[int, list[str]] = {}
    for p in pieces:
        root = uf.find(nidx[nodes_of_piece[p][0]])
        if root != main_root:
            groups.setdefault(root, []).extend(nodes_of_piece[p])
    rties = []
    for root in sorted(groups, key=lambda r: groups[r][0]):
        best = None
        for n in groups[root]:
            rn, d = nearest_river(*nb.pos[n])
            if best is None or d < best[0]:
                best = (d, n, rn)
        d, n, rn = best
        if d <= PIECE_RIVER_TIE_KM:
            nb.add_edge(
                f"rvx_{n}",
                n,
                rn,
                "river",
                "",
                max(MIN_KM, d * DETOUR),
                f"{CONNECTOR_NOTE}: ties an isolated VMap0 road piece (probably a logging road) to the Mahakam, great circle "
                f"{d:.1f} km x {DETOUR}; stands for a landing/log pond and a boat or path, not a surveyed link",
            )
            join(n, rn)
            rties.append((n, round(d, 1)))
    info["piece_river_ties"] = rties
    # drop pieces still unconnected
    dropped = []
    for p in pieces:
        if uf.find(nidx[nodes_of_piece[p][0]]) != uf.find(nidx["samarinda"]):
            km = sum(
                e["length_km"]
                for e in nb.edges
                if e["source"] in nodes_of_piece[p] or e["target"] in nodes_of_piece[p]
            )
            dropped.append((nodes_of_piece[p][0], len(nodes_of_piece[p]), round(km, 1)))
    dropped_nodes = {
        n
        for p in pieces
        if uf.find(nidx[nodes_of_piece[p][0]]) != uf.find(nidx["samarinda"])
        for n in nodes_of_piece[p]
    }
    info["dropped_pieces"] = dropped
    if dropped_nodes:
        nb.nodes = [n for n in nb.nodes if n["id"] not in dropped_nodes]
        nb.edges = [
            e for e in nb.edges if e["source"] not in dropped_nodes and e["target"] not in dropped_nodes
        ]
        for n in dropped_nodes:
            del nb.pos[n]
        road_nodes = [n for n in road_nodes if n not in dropped_nodes]
        kept_ids = {e["id"] for e in nb.edges}
        for key in ("gap_connectors", "mahulu_gap_connectors", "long_gap_connectors"):
            info[key] = [x for x in info[key] if x[0] in kept_ids]
    # candidate road nodes for desa connectors: VMap0 nodes + towns that have a road edge
    has_road = set()
    for e in nb.edges:
        if e["mode"] == "road":
            has_road.add(e["source"])
            has_road.add(e["target"])
    cand_nodes = list(road_nodes) + [t for t in town_ids if t in has_road]
    cand_mahulu = [piece_mahulu[piece_of[n]] if n in piece_of else (n in mahulu_towns) for n in cand_nodes]
    cxy = _xy([nb.pos[n][0] for n in cand_nodes], [nb.pos[n][1] for n in cand_nodes])
    ctree = cKDTree(cxy)

    def nearest_cand(lat, lon, mahulu):
        _d, ii = ctree.query(_xy([lat], [lon])[0], k=min(len(cand_nodes), 600))
        for i in ii:
            i = int(i)
            if cand_mahulu[i] == mahulu:
                n = cand_nodes[i]
                return n, haversine_km(lat, lon, *nb.pos[n])
        return None, math.inf

    # --- kecamatan and desa
    kec = {}
    with open(src / "kecamatan.csv", encoding="utf-8") as f:
        import csv

        for r in csv.DictReader(f):
            kec[r["code"]] = r
    stats = {"road_only": 0, "road_and_river": 0, "river_only": 0, "sea": 0, "long_road": []}
    units = [("k", c, r, "kecamatan") for c, r in sorted(kec.items())] + [
        ("d", c, r, r["kind"]) for c, r in sorted(desa.items())
    ]
    for prefix, code, r, kind in units:
        nid = f"{prefix}_{code}"
        lat, lon = float(r["rep_lat"]), float(r["rep_lon"])
        label = "kecamatan" if prefix == "k" else kind
        nb.add_node(
            nid,
            r["name"],
            lat,
            lon,
            kind,
            f"{label} {r['name']} ({code}): point inside its polygon (rep_lat/rep_lon of {'kecamatan' if prefix == 'k' else 'desa'}.csv)",
        )
        kab = r["kab_code"]
        mahulu = kab == MAHULU
        rn, rd = nearest_river(lat, lon)
        _p1, _p2, _ch, river_line_d = river.snap(lat, lon)
        n, d = nearest_cand(lat, lon, mahulu)
        if code.startswith(ISLANDS):
            nb.add_edge(
                f"c{prefix}s_{code}",
                nid,
                n,
                "sea",
                "",
                max(MIN_KM, d * DETOUR),
                f"{CONNECTOR_NOTE}: island {label}, sea crossing to the nearest mainland road node, great circle {d:.1f} km "
                f"x {DETOUR}; no vehicle type of the library sails at sea",
            )
            stats["sea"] += 1
            continue
        want_river = mahulu or (kab == KUBAR and river_line_d <= RIVERSIDE_KUBAR_KM)
        want_road = n is not None and (not mahulu or d <= ROAD_NEAR_KM)
        if want_road and d > ROAD_NEAR_KM and rd < d and (kab == KUBAR or river_line_d <= ROAD_NEAR_KM):
            want_road, want_river = False, True  # no road near, the river is nearer
        if want_road:
            nb.add_edge(
                f"c{prefix}_{code}",
                nid,
                n,
                "road",
                "local",
                max(MIN_KM, d * DETOUR),
                f"{CONNECTOR_NOTE}: {label} to the nearest road node, great circle {d:.2f} km x {DETOUR} detour",
            )
            if d > 30:
                stats["long_road"].append((nid, r["name"], round(d, 1)))
        if want_river:
            nb.add_edge(
                f"c{prefix}r_{code}",
                nid,
                rn,
                "river",
                "",
                max(MIN_KM, rd * DETOUR),
                f"{CONNECTOR_NOTE}: {label} to the nearest Mahakam river node, great circle {rd:.2f} km x {DETOUR}; "
                "stands for the village landing and a short boat trip or path",
            )
        stats[
            "road_and_river" if want_road and want_river else "road_only" if want_road else "river_only"
        ] += 1
    info["units"] = stats
    return nb.nodes, nb.edges, info
