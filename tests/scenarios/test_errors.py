"""Bad input gets a located message (file, line, field) and exit code 2, never a traceback."""

from __future__ import annotations

import pytest

from scenarios import ScenarioError, load_scenario

from ..conftest import DATA_DIR, run_siaga

# (fixture, the exact start of the first message line)
MALFORMED = [
    (
        "bad_yaml_syntax",
        "bad_yaml_syntax/scenario.yaml:3: column 7: is not valid YAML",
    ),  # unclosed list
    (
        "bad_json_syntax.json",
        "bad_json_syntax.json:4: column 2: is not valid JSON",
    ),  # missing comma
    ("bad_unknown_column", "bad_unknown_column/areas.csv:1: populasi: unknown column"),
    ("bad_missing_column", "bad_missing_column/stock.csv:1: units: column is missing"),
    ("bad_non_numeric", "bad_non_numeric/areas.csv:3: people_lansia: 'seratus' must be a number"),
    ("bad_negative_people", "bad_negative_people/areas.csv:14: people_lansia: '-3' must be >= 0"),
    ("bad_negative_stock", "bad_negative_stock/stock.csv:3: units: '-5000' must be >= 0"),
    ("bad_unknown_id", "bad_unknown_id/fleet.csv:3: vehicle_type: 'kapal_selam' is not a known"),
    (
        "bad_unknown_commodity",
        "bad_unknown_commodity/stock.csv:6: commodity: 'emas' is not a known",
    ),
    ("bad_duplicate_id", "bad_duplicate_id/areas.csv:4: id: 'desa_a' is a duplicate id"),
    ("bad_lat_out_of_range", "bad_lat_out_of_range/areas.csv:3: lat: '-95.2' must be >= -90"),
    ("bad_area_on_no_node", "bad_area_on_no_node/areas.csv:3: node: is on no network node"),
    ("bad_json_values.json", "bad_json_values.json:811: areas[1].lat: 123 must be <= 90"),
    ("bad_water_point", "bad_water_point/water_points.csv:2: litres_per_day: '-4000' must be >= 0"),
    (
        "bad_household_people",
        "bad_household_people/areas.csv:2: people_anggota_keluarga_rentan: 'anggota_keluarga_rentan' is a",
    ),
    ("bad_yaml_alias", "bad_yaml_alias/scenario.yaml:5: uses an alias (*name)"),  # a billion laughs
    ("bad_control_character", "bad_control_character/areas.csv:3: name: holds U+001B, a control character"),
    ("bad_json_deep.json", "bad_json_deep.json: is nested too deeply to read"),
    (
        "bad_unknown_vessel",
        "bad_unknown_vessel/edges.csv:5: vessels: 'hovercraft' is not a known vehicle type",
    ),
    (
        "bad_released_reserve",
        "bad_released_reserve/scenario.yaml:7: policy.released_reserves[0]: 'gudang_x' is not a known",
    ),
    ("bad_negative_lead_time", "bad_negative_lead_time/suppliers.csv:2: lead_time_h: '-6' must be >= 0"),
    ("bad_negative_price", "bad_negative_price/suppliers.csv:2: price_per_unit: '-4000' must be >= 0"),
    (
        "bad_charter_vehicle",
        "bad_charter_vehicle/charters.csv:2: vehicle_type: 'kapal_terbang' is not a known vehicle type",
    ),
    ("bad_unknown_hub", "bad_unknown_hub/hubs.csv:2: warehouse: 'dermaga_x' is not a known warehouse"),
    ("bad_water_level", "bad_water_level/scenario.yaml:4: policy.water_level: 'dry' must be one of"),
    (
        "bad_kitchen_area",
        "bad_kitchen_area/kitchens.csv:2: area: 'desa_z' is not a known area; expected one of: desa_a",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("fixture", "expected"), MALFORMED)
def test_malformed_fixture_exits_2_with_location(fixture: str, expected: str):
    """Each malformed fixture exits 2 with file:line: field in the message and no traceback."""
    result = run_siaga("validate", str(DATA_DIR / fixture))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    first = result.stderr.splitlines()[0]
    assert expected in first


def test_all_errors_of_a_file_are_reported_at_once():
    """A document with three bad values reports all three, sorted by line."""
    with pytest.raises(ScenarioError) as err:
        load_scenario(DATA_DIR / "bad_json_values.json")
    lines = [i.line for i in err.value.issues]
    fields = [i.field for i in err.value.issues]
    assert fields == ["areas[1].lat", "warehouses[0].stock.beras", "fleet[0].count"]
    assert lines == sorted(lines)
    assert all(i.file.endswith("bad_json_values.json") for i in err.value.issues)


@pytest.mark.slow
def test_unknown_scenario_name_is_an_input_error():
    """An unknown scenario reference exits 2 and lists the bundled scenarios."""
    result = run_siaga("needs", "no-such-scenario")
    assert result.returncode == 2
    assert "banjir-samarinda-2019" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_column_does_not_cascade():
    """A missing required column is reported once, not again as a missing value on every row."""
    with pytest.raises(ScenarioError) as err:
        load_scenario(DATA_DIR / "bad_missing_column")
    assert [str(i).split(": ", 1)[1] for i in err.value.issues] == ["units: column is missing (required)"]
