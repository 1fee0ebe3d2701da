"""Importing OpenStreetMap XML and GeoJSON lines into a network, keeping depot and area nodes."""

from __future__ import annotations

import pytest

from network import Network, TravelGraph
from network.imports import read_geojson_lines, read_osm
from scenarios import VehicleType, load_scenario
from scenarios.geo import haversine_km

from ..conftest import DATA_DIR, run_siaga

TRUCK = VehicleType(
    id="truk",
    name="Truk",
    modes=("road", "ferry"),
    speed_kmh=40,
    capacity_kg=4000,
    capacity_m3=16,
    weight_t=10,
)


def test_osm_ways_become_simplified_edges():
    """Shape points fold into edges between ends and junctions; footways are left out."""
    net = read_osm(DATA_DIR / "small.osm")
    assert sorted(n.id for n in net.nodes) == sorted(
        ["osm1", "osm3", "osm5", "osm6", "osm7", "osm9", "osm10", "osm12"]
    )
    edges = {e.id: e for e in net.edges}
    poros = edges["w100_0"]
    assert (poros.source, poros.target, poros.road_class, poros.speed_kmh) == ("osm1", "osm3", "national", 60)
    assert poros.length_km == pytest.approx(haversine_km(-0.5, 117.10, -0.5, 117.12), rel=1e-6)
    assert edges["w103_0"].road_class == "trail"
    assert edges["w104_0"].mode == "river" and edges["w104_0"].road_class is None
    assert edges["w105_0"].mode == "ferry" and edges["w105_0"].duration_h == pytest.approx(0.75)
    assert edges["w102_0"].oneway and edges["w102_0"].max_weight_t == 8


def test_keep_points_stay_nodes():
    """A point to keep snaps to its nearest way node, which is then not simplified away."""
    net = read_osm(DATA_DIR / "small.osm", keep_points=[(-0.5001, 117.1302)])
    assert "osm4" in {n.id for n in net.nodes}
    assert {e.id for e in net.edges} >= {"w100_1", "w100_2"}


def test_imported_network_routes():
    """The imported network routes: the 8 t weight limit on the one-way street stops a 10 t truck,
    and the truck reaches osm9 only against the one-way street... so not at all."""
    model = read_osm(DATA_DIR / "small.osm")
    net = Network.from_model(model)
    g = TravelGraph(net)
    t, _, _ = g.matrix(TRUCK, [net.node("osm1")], [net.node("osm5"), net.node("osm9"), net.node("osm12")])
    assert t[0, 0] == pytest.approx(2 * 2.223817 / 40, rel=1e-6)
    assert t[0, 1] == float("inf")
    assert t[0, 2] == pytest.approx(2 * 2.223817 / 40 + 0.75, rel=1e-6)  # by ferry


def test_geojson_lines_join_at_shared_vertices():
    """Lines sharing a vertex meet at one node; multi-part lines give one edge per part."""
    net = read_geojson_lines(DATA_DIR / "small_lines.geojson")
    assert len(net.nodes) == 7 and len(net.edges) == 6
    edges = {e.id: e for e in net.edges}
    assert edges["jalan1_1"].target == edges["sungai.0_0"].source
    assert edges["jalan2_0"].target == edges["jalan1_0"].target  # the crossing
    assert edges["jalan2_0"].oneway and edges["sungai.1_0"].mode == "river"


@pytest.mark.slow
def test_import_network_cli_writes_loadable_tables(tmp_path):
    """`siaga import-network FILE --out DIR --keep SCENARIO` writes nodes.csv/edges.csv that load."""
    result = run_siaga(
        "import-network",
        str(DATA_DIR / "small.osm"),
        "--out",
        str(tmp_path),
        "--keep",
        str(DATA_DIR / "tiny_flood"),
    )
    assert result.returncode == 0, result.stderr
    (tmp_path / "scenario.yaml").write_text(
        "id: osm\nname: osm\nbase: " + str(DATA_DIR / "tiny_flood") + "\n"
    )
    (tmp_path / "damage.csv").write_text("id,edge,effect\n")
    (tmp_path / "areas.csv").write_text("id,name,lat,lon,people_umum\ndesa_a,Desa A,-0.5,117.13,100\n")
    (tmp_path / "warehouses.csv").write_text("id,name,lat,lon\ngudang,Gudang,-0.5,117.1\n")
    s = load_scenario(tmp_path)
    assert len(s.network.edges) >= 8 and {"osm1", "osm5"} <= {n.id for n in s.network.nodes}
    assert {"osm8", "osm11"} <= {n.id for n in s.network.nodes}  # where tiny_flood points snap


@pytest.mark.slow
def test_bad_osm_file_is_an_input_error(tmp_path):
    """A broken OSM file exits 2 with a message, no traceback."""
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node id='1' lat='0' lon='0'></osm>")
    result = run_siaga("import-network", str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "not valid OSM XML" in result.stderr
    assert "Traceback" not in result.stderr
