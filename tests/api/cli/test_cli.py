"""The `siaga` command line on the bundled scenarios and the test fixtures."""

from __future__ import annotations

import csv
import io
import json

import pytest

from scenarios import NEEDS_COLUMNS, bundled_scenarios

from ...conftest import DATA_DIR, run_siaga

BUNDLED = ["banjir-samarinda-2019", "banjir-mahakam-ulu-2024", "karhutla-2019"]


@pytest.mark.slow
def test_three_bundled_scenarios_are_listed():
    """`siaga scenarios` lists the three bundled Kaltim scenarios."""
    assert set(BUNDLED) <= set(bundled_scenarios())
    result = run_siaga("scenarios", "--lang", "en")
    assert result.returncode == 0, result.stderr
    for name in BUNDLED:
        assert name in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_scenarios_validate(name):
    """`siaga validate` passes each bundled scenario."""
    result = run_siaga("validate", name)
    assert result.returncode == 0, result.stderr
    assert name in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", BUNDLED)
def test_show_piped_into_needs_gives_the_same_needs(name):
    """`siaga show X --format json | siaga needs -` equals `siaga needs X`."""
    shown = run_siaga("show", name, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    via_json = run_siaga("needs", "-", "--format", "csv", stdin=shown.stdout)
    direct = run_siaga("needs", name, "--format", "csv")
    assert via_json.returncode == 0 and direct.returncode == 0, via_json.stderr + direct.stderr
    assert via_json.stdout == direct.stdout
    assert len(direct.stdout.splitlines()) > 50


@pytest.mark.slow
def test_needs_csv_and_json_have_the_documented_columns():
    """CSV and JSON outputs carry area, commodity, group, day, units, kg, m3 and agree."""
    as_csv = run_siaga("needs", str(DATA_DIR / "tiny_flood"), "--format", "csv").stdout
    as_json = run_siaga("needs", str(DATA_DIR / "tiny_flood"), "--format", "json").stdout
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    records = json.loads(as_json)
    assert list(rows[0]) == NEEDS_COLUMNS and list(records[0]) == NEEDS_COLUMNS
    assert len(rows) == len(records)
    water = sum(
        float(r["units"])
        for r in records
        if r["area"] == "desa_a" and r["commodity"] in ("air_minum", "air_bersih")
    )
    assert water == pytest.approx(22_500)  # the displaced half of Desa A's 1,000 x 15 L x 3 days


@pytest.mark.slow
def test_needs_table_is_bilingual():
    """The coordinator's summary reads in Indonesian by default and in English on request."""
    indonesian = run_siaga("needs", "banjir-samarinda-2019")
    english = run_siaga("needs", "banjir-samarinda-2019", "--lang", "en")
    assert indonesian.returncode == 0 and english.returncode == 0
    assert "Kebutuhan per komoditas" in indonesian.stdout and "Beras" in indonesian.stdout
    assert "Needs by commodity" in english.stdout and "Rice" in english.stdout
    assert "56,123" in english.stdout


@pytest.mark.slow
def test_needs_standards_option_switches_profile():
    """`--standards bnpb` uses BNPB's 12.1 L of water a day instead of Sphere's 15 L (for the displaced
    half of Desa A)."""
    bnpb = run_siaga("needs", str(DATA_DIR / "tiny_flood"), "--standards", "bnpb", "--format", "json")
    records = json.loads(bnpb.stdout)
    water = sum(
        r["units"] for r in records if r["area"] == "desa_a" and r["commodity"] in ("air_minum", "air_bersih")
    )
    assert water == pytest.approx(500 * (17.5 + 67) / 7 * 3)
    bad = run_siaga("needs", str(DATA_DIR / "tiny_flood"), "--standards", "unicef")
    assert bad.returncode == 2 and "unicef" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_schema_prints_the_document_schema():
    """`siaga schema` prints a JSON Schema whose properties are the document's top-level keys."""
    result = run_siaga("schema")
    schema = json.loads(result.stdout)
    assert {"areas", "warehouses", "vehicle_types", "fleet", "network", "damage", "policy"} <= set(
        schema["properties"]
    )


@pytest.mark.slow
def test_allocate_writes_shipments_and_unmet(tmp_path):
    """`siaga allocate` prints the allocation and writes shipments.csv and unmet.csv with reasons."""
    result = run_siaga("allocate", str(DATA_DIR / "alloc_transport"), "--out", str(tmp_path), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "transport_capacity" in result.stdout
    unmet = list(csv.DictReader((tmp_path / "unmet.csv").open()))
    shipments = list(csv.DictReader((tmp_path / "shipments.csv").open()))
    assert {r["reason"] for r in unmet if r["commodity"] == "beras"} == {"transport_capacity"}
    assert sum(float(r["kg"]) for r in shipments) == pytest.approx(5000, rel=1e-5)
