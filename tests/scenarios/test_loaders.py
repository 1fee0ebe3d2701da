"""Loaders: directory (CSV, GeoJSON, base tables), JSON document, stdin, bundled names."""

from __future__ import annotations

import pytest

from scenarios import ScenarioError, load_scenario
from scenarios.geo import haversine_km

from ..conftest import DATA_DIR


def test_directory_reads_every_table(tiny_flood):
    """tiny_flood: areas, warehouse with stock, vehicle types with class speeds, fleet, network."""
    s = tiny_flood
    assert [a.id for a in s.areas] == ["desa_a", "desa_b"]
    assert s.areas[1].people == {"lansia": 100.0, "balita": 20.0}
    assert s.areas[1].access_window_h == (6.0, 18.0)
    assert s.areas[1].modes == ("road", "river")
    assert s.warehouses[0].stock == {
        "beras": 2000,
        "air_minum": 5000,
        "air_bersih": 20000,
        "kit_bayi": 10,
    }
    truk = s.vehicle_types[0]
    assert truk.modes == ("road", "ferry") and truk.class_speed_kmh == {"local": 25.0}
    assert s.vehicle_types[1].daylight_only is True
    assert [(f.vehicle_type, f.count) for f in s.fleet] == [("truk", 2), ("perahu", 1)]
    assert len(s.network.nodes) == 3 and s.network.edges[1].max_weight_t == 10
    assert s.damage[0].effect == "degraded" and s.damage[0].speed_factor == 0.5
    assert s.policy.standards == "sphere"


def test_builtin_catalogue_is_used_when_a_scenario_gives_none(tiny_flood):
    """Commodities, groups and both standards profiles come from the built-in catalogue."""
    assert {p.id for p in tiny_flood.standards} >= {"bnpb", "sphere"}
    assert len(tiny_flood.groups) == 33
    assert any(c.id == "beras" and c.unit == "kg" for c in tiny_flood.commodities)


def test_geojson_network_and_polygon_damage_load(data_dir):
    """network.geojson: Points are nodes, LineStrings edges (end points matched or created);
    damage.geojson: Polygon features are area damage; other tables come from the base."""
    s = load_scenario(data_dir / "tiny_geojson")
    nodes = {n.id: n for n in s.network.nodes}
    edges = {e.id: e for e in s.network.edges}
    assert (edges["e_wa"].source, edges["e_wa"].target) == ("n_w", "n_a")
    assert edges["e_wa"].length_km == pytest.approx(haversine_km(-0.49, 117.14, -0.50, 117.15), abs=1e-5)
    assert edges["e_ab"].length_km == 6.5
    new = nodes[edges["e_ab"].target]
    assert (new.lat, new.lon) == (-0.52, 117.20)
    assert len(s.damage) == 1 and s.damage[0].polygon is not None
    assert s.damage[0].effect == "closed"
    assert len(s.areas) == 2 and s.policy.horizon_days == 2


def test_haversine_is_right_on_a_known_distance():
    """One degree of latitude is about 111.2 km."""
    assert haversine_km(0, 117, 1, 117) == pytest.approx(111.19, abs=0.01)


def test_json_from_stdin_dash(monkeypatch, tiny_flood):
    """`-` reads the JSON document from standard input."""
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO((DATA_DIR / "tiny_flood.json").read_text()))
    assert load_scenario("-") == tiny_flood


def test_scenario_yaml_path_loads_its_directory(tiny_flood):
    """Pointing at scenario.yaml loads the directory around it."""
    assert load_scenario(DATA_DIR / "tiny_flood" / "scenario.yaml") == tiny_flood


def test_unknown_base_is_an_error(tmp_path):
    """`base:` must name a bundled library or a directory."""
    (tmp_path / "scenario.yaml").write_text("id: x\nname: x\nbase: atlantis\n")
    with pytest.raises(ScenarioError, match=r"scenario.yaml:3: base: 'atlantis' is not a bundled"):
        load_scenario(tmp_path)


def test_unknown_yaml_key_is_an_error(tmp_path):
    """A misspelt key in scenario.yaml is reported with its line."""
    (tmp_path / "scenario.yaml").write_text("id: x\nname: x\nhorizon: 3\n")
    (tmp_path / "areas.csv").write_text("id,name,lat,lon\na,A,0,117\n")
    with pytest.raises(ScenarioError, match=r"scenario.yaml:3: horizon: 'horizon' is not a known"):
        load_scenario(tmp_path)


def test_demographics_override_group_shares(tmp_path):
    """demographics.csv replaces a group's share before bare counts are split."""
    (tmp_path / "scenario.yaml").write_text("id: x\nname: x\n")
    (tmp_path / "areas.csv").write_text("id,name,lat,lon,affected\na,A,0,117,1000\n")
    (tmp_path / "demographics.csv").write_text("group,share\ndisabilitas,0.0131\n")
    s = load_scenario(tmp_path)
    assert s.areas[0].people["disabilitas"] == pytest.approx(13.1)
    assert sum(s.areas[0].people.values()) == pytest.approx(1000)


def test_scenario_groups_csv_overrides_priority_weights(tmp_path):
    """A scenario's own groups.csv replaces the built-in groups (e.g. other priority weights)."""
    from scenarios.bundled import CATALOGUE_DIR

    text = (CATALOGUE_DIR / "groups.csv").read_text()
    old_row = next(r for r in text.splitlines() if r.startswith("lansia,"))
    new_row = old_row.replace(",2.5,0.111,", ",9,0.111,")
    assert new_row != old_row
    (tmp_path / "groups.csv").write_text(text.replace(old_row, new_row))
    (tmp_path / "scenario.yaml").write_text("id: x\nname: x\n")
    (tmp_path / "areas.csv").write_text("id,name,lat,lon,people_lansia\na,A,0,117,10\n")
    weights = {g.id: g.priority_weight for g in load_scenario(tmp_path).groups}
    assert weights["lansia"] == 9.0 and weights["balita"] == 3.0
