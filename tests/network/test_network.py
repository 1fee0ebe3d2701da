"""Network: hand-checked travel times, damage changing exactly the expected pairs, paths, snapping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from network import Network, ScenarioNetwork, TravelGraph, apply_damage, reachability
from network.damage import sample_damage
from scenarios import Damage, load_scenario

from ..checkers import networkx_times, path_time_h
from ..conftest import DATA_DIR


@pytest.fixture(scope="module")
def diamond():
    """W to T by national road via A (20 km), weight-limited local road via B (24 km, 5 t),
    river via R (33 km), air (25 km); one-way toll T -> W (5 km)."""
    return load_scenario(DATA_DIR / "diamond")


def _vt(s, vid):
    return next(v for v in s.vehicle_types if v.id == vid)


def _times(s, damage=None, area="t") -> dict[str, float]:
    sn = ScenarioNetwork(s, damage=damage)
    a = [x.id for x in s.areas].index(area)
    return {vid: float(m.time_h[0, a]) for vid, m in sn.warehouse_to_area().items()}


def test_hand_checked_times(diamond):
    """Truck 10/50 + 10/50 = 0.4 h (the 5 t road is closed to its 8 t); pickup 20/40 = 0.5 h;
    boat 3/15 + 30/15 = 2.2 h; helicopter 25/180 h."""
    t = _times(diamond, damage=[])
    assert t["truk"] == pytest.approx(0.4)
    assert t["pickup"] == pytest.approx(0.5)
    assert t["perahu"] == pytest.approx(2.2)
    assert t["heli"] == pytest.approx(25 / 180)


def test_distances_are_those_of_the_fastest_path(diamond):
    """Distance follows the fastest path (20 km via A for trucks), not the shortest."""
    sn = ScenarioNetwork(diamond, damage=[])
    assert sn.warehouse_to_area()["truk"].distance_km[0, 0] == pytest.approx(20)
    assert sn.warehouse_to_area()["perahu"].distance_km[0, 0] == pytest.approx(33)


def test_one_way_edge_is_used_in_its_direction_only(diamond):
    """The toll road takes trucks T -> W in 5/50 = 0.1 h but not W -> T."""
    net = Network.from_model(diamond.network)
    g = TravelGraph(net)
    truk = _vt(diamond, "truk")
    w, t = net.node("n_w"), net.node("n_t")
    time, dist, _ = g.matrix(truk, [t, w], [w, t])
    assert time[0, 0] == pytest.approx(0.1) and dist[0, 0] == pytest.approx(5)
    assert time[1, 1] == pytest.approx(0.4)


def test_closed_edge_changes_exactly_the_expected_pairs(diamond):
    """Closing A-T cuts trucks off T (B's road is too weak), slows pickups to 24/40 = 0.6 h,
    and leaves boat, helicopter and area U unchanged."""
    before = _times(diamond, damage=[])
    after = _times(diamond, damage=[Damage(edge="e_at", effect="closed")])
    assert math.isinf(after["truk"])
    assert after["pickup"] == pytest.approx(0.6)
    assert after["perahu"] == before["perahu"] and after["heli"] == before["heli"]
    u_before = _times(diamond, damage=[], area="u")
    u_after = _times(diamond, damage=[Damage(edge="e_at", effect="closed")], area="u")
    assert u_before == u_after


def test_degraded_edge_divides_time_by_its_factor(diamond):
    """A-T at half speed: trucks 0.2 + 0.4 = 0.6 h; pickups keep 0.6 h via B (tie), others same."""
    after = _times(diamond, damage=[Damage(edge="e_at", effect="degraded", speed_factor=0.5)])
    assert after["truk"] == pytest.approx(0.6)
    assert after["pickup"] == pytest.approx(0.6)
    assert after["heli"] == pytest.approx(25 / 180)


def test_weight_limit_stops_heavy_vehicles_only(diamond):
    """A 3 t limit on W-A stops the 8 t truck (no other road) but not the 2 t pickup."""
    after = _times(diamond, damage=[Damage(edge="e_wa", effect="weight_limit", max_weight_t=3)])
    assert math.isinf(after["truk"])
    assert after["pickup"] == pytest.approx(0.5)


def test_area_polygon_hits_every_edge_inside(diamond):
    """A polygon around A closes W-A and A-T (both end at A) and nothing else."""
    net = Network.from_model(diamond.network)
    ring = ((117.04, 0.09), (117.06, 0.09), (117.06, 0.11), (117.04, 0.11), (117.04, 0.09))
    state = apply_damage(net, [Damage(polygon=(ring,), effect="closed")])
    assert sorted(net.edge_ids[e] for e in state.closed_edges) == ["e_at", "e_wa"]
    after = _times(diamond, damage=[Damage(polygon=(ring,), effect="closed")])
    assert math.isinf(after["truk"]) and after["pickup"] == pytest.approx(0.6)


def test_polygon_crossing_an_edge_without_its_ends_hits_it(diamond):
    """A thin polygon across the middle of W-T (no node inside) hits the links crossing it."""
    net = Network.from_model(diamond.network)
    ring = ((117.049, -0.01), (117.051, -0.01), (117.051, 0.01), (117.049, 0.01), (117.049, -0.01))
    state = apply_damage(net, [Damage(polygon=(ring,), effect="closed")])
    assert sorted(net.edge_ids[e] for e in state.edges) == ["e_air", "e_rt", "e_tw"]


def test_damage_never_changes_the_base_network(diamond):
    """Damage is a weight update on a copy of the times: the base arrays stay as they were."""
    net = Network.from_model(diamond.network)
    truk = _vt(diamond, "truk")
    before = TravelGraph(net).edge_times(truk).copy()
    TravelGraph(net, apply_damage(net, [Damage(edge="e_wa", effect="closed")])).edge_times(truk)
    assert np.array_equal(TravelGraph(net).edge_times(truk), before)
    assert not net.length_km.flags.writeable


def test_sampled_damage_is_seeded():
    """Each record is kept with its probability; the same seed gives the same draw."""
    records = [Damage(edge=f"e{i}", effect="closed", probability=0.5) for i in range(200)]
    a, b = sample_damage(records, seed=7), sample_damage(records, seed=7)
    assert a == b and 70 < len(a) < 130
    assert sample_damage([Damage(edge="x", effect="closed", probability=0.0)], seed=1) == []


def test_snapping_adds_the_access_leg(diamond):
    """Area U lies 0.16 km from node B: it snaps there, and the leg counts at 20 km/h."""
    sn = ScenarioNetwork(diamond, damage=[])
    pickup = _vt(diamond, "pickup")
    place = sn.place(pickup, "areas")
    assert sn.net.node_ids[place.node[1]] == "n_b"
    assert place.snap_km[1] == pytest.approx(0.157, abs=0.002)
    t = _times(diamond, damage=[], area="u")["pickup"]
    assert t == pytest.approx(12 / 40 + place.snap_km[1] / 20)


def test_paths_and_geojson(diamond):
    """The truck's path is W, A, T; its GeoJSON is a LineString in [lon, lat] order."""
    net = Network.from_model(diamond.network)
    g = TravelGraph(net)
    truk = _vt(diamond, "truk")
    nodes = g.path(truk, net.node("n_w"), net.node("n_t"))
    assert [net.node_ids[i] for i in nodes] == ["n_w", "n_a", "n_t"]
    assert [net.edge_ids[e] for e in g.path_edges(truk, nodes)] == ["e_wa", "e_at"]
    feature = g.path_geojson(nodes, {"vehicle": "truk"})
    assert feature["geometry"]["coordinates"][1] == [117.05, 0.1]
    assert path_time_h(diamond, truk, ["n_w", "n_a", "n_t"]) == pytest.approx(0.4)


def test_limit_bounds_travel(diamond):
    """With limit_h = 0.3 the truck's 0.4 h trip is out of reach; the helicopter's is not."""
    sn = ScenarioNetwork(diamond, damage=[])
    m = sn.matrix(_vt(diamond, "truk"), "warehouses", "areas", limit_h=0.3)
    assert not m.reachable[0, 0]
    assert sn.matrix(_vt(diamond, "heli"), "warehouses", "areas", limit_h=0.3).reachable[0, 0]


def test_matrix_agrees_with_networkx_and_path_recomputation(tiny_flood, diamond):
    """Every node-to-node time equals networkx's Dijkstra on independently computed edge times,
    and recomputing each fastest path's time from the raw edges gives the same number."""
    for s in (tiny_flood, diamond):
        net = Network.from_model(s.network)
        g = TravelGraph(net, apply_damage(net, s.damage))
        everyone = list(range(net.n_nodes))
        for vt in s.vehicle_types:
            time, _, _ = g.matrix(vt, everyone, everyone)
            for i, src in enumerate(net.node_ids):
                oracle = networkx_times(s, vt, src, s.damage)
                for j, dst in enumerate(net.node_ids):
                    expected = oracle.get(dst, math.inf)
                    assert time[i, j] == pytest.approx(expected), (vt.id, src, dst)
                    if math.isfinite(expected) and i != j:
                        path = [net.node_ids[k] for k in g.path(vt, i, j)]
                        assert path_time_h(s, vt, path, s.damage) == pytest.approx(expected)


def test_reachability_reports_modes_and_river_or_air_only(diamond):
    """With both roads to T closed, T is reached by boat and helicopter only."""
    damage = [Damage(edge="e_at", effect="closed"), Damage(edge="e_bt", effect="closed")]
    sn = ScenarioNetwork(diamond, damage=damage)
    t = reachability(diamond, sn)[0]
    assert not t.isolated and t.river_or_air_only
    assert t.modes == ["river", "air"]
    assert [r["vehicle_type"] for r in t.reachable_from] == ["heli", "perahu"]


def test_isolated_area_lists_its_cut_edges(diamond):
    """Close every link into T: T is isolated (landing R is 8.9 km away, beyond a transfer), and
    the cut edges are the closed links on each vehicle type's fastest intact path."""
    damage = [Damage(edge=e, effect="closed") for e in ("e_at", "e_bt", "e_rt", "e_air")]
    t = reachability(diamond, ScenarioNetwork(diamond, damage=damage))[0]
    assert t.isolated and t.reachable_from == []
    assert t.cut_edges == ["e_air", "e_at", "e_rt"]


def test_networkx_round_trip(diamond):
    """to_networkx and back keeps nodes, edges, one-way flags and attributes."""
    net = Network.from_model(diamond.network)
    back = Network.from_networkx(net.to_networkx())
    assert back.node_ids == net.node_ids
    assert sorted(back.edge_ids) == sorted(net.edge_ids)
    k = back.edge_index["e_tw"]
    assert back.oneway[k] and back.road_class[k] == "toll"
    assert back.length_km[back.edge_index["e_rt"]] == 30 and back.daylight_only[back.edge_index["e_rt"]]


def test_parallel_workers_give_the_same_matrix(diamond):
    """Splitting sources over two processes gives exactly the single-process matrices."""
    net = Network.from_model(diamond.network)
    g = TravelGraph(net)
    nodes = list(range(net.n_nodes)) * 4
    for vt in diamond.vehicle_types:
        one = g.matrix(vt, nodes, nodes)
        two = g.matrix(vt, nodes, nodes, workers=2)
        for a, b in zip(one, two, strict=True):
            assert np.array_equal(a, b)
