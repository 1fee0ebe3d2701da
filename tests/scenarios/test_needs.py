"""Needs = people x standard x days (+ group extras), checked against hand-computed numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scenarios import NEEDS_COLUMNS, ScenarioError, compute_needs, load_document, load_scenario
from scenarios.document import split_affected

from ..conftest import DATA_DIR


def _doc() -> dict:
    return json.loads((DATA_DIR / "tiny_flood.json").read_text())


def _units(needs, **where) -> float:
    mask = np.ones(len(needs), dtype=bool)
    for col, value in where.items():
        mask &= (needs[col] == value).to_numpy()
    return float(needs.loc[mask, "units"].sum())


def test_needs_columns_are_tidy(tiny_flood):
    """The needs table has exactly the documented columns, one row per area/commodity/group/day."""
    needs = compute_needs(tiny_flood)
    assert list(needs.columns) == NEEDS_COLUMNS
    assert not needs.duplicated(["area", "commodity", "group", "day"]).any()
    assert set(needs["day"]) == {1, 2, 3}


def test_sphere_water_500_displaced_3_days_is_22500_litres(tiny_flood):
    """Water is for the displaced: 1,000 people x 0.5 displaced x 15 L x 3 days = 22,500 L under
    `sphere` (3 L drinking + 12 clean)."""
    needs = compute_needs(tiny_flood, standards="sphere")
    water = needs[(needs["area"] == "desa_a") & needs["commodity"].isin(["air_minum", "air_bersih"])]
    assert water["units"].sum() == pytest.approx(22_500)
    assert _units(needs, area="desa_a", commodity="air_minum", day=2) == pytest.approx(1_500)


def test_bnpb_rice_is_2_8_kg_per_displaced_person_per_week(tiny_flood):
    """BNPB: 500 displaced x 2.8 kg / 7 days x 3 days = 600 kg of rice, 200 kg a day; family kits
    and paket sembako per household (KK) of the default 3.5 people, weekly."""
    needs = compute_needs(tiny_flood, standards="bnpb")
    assert _units(needs, area="desa_a", commodity="beras") == pytest.approx(600)
    assert _units(needs, area="desa_a", commodity="beras", day=3) == pytest.approx(200)
    kits = _units(needs, area="desa_a", commodity="paket_keluarga")
    assert kits == pytest.approx(500 / 3.5 / 7 * 3)
    assert _units(needs, area="desa_a", commodity="paket_sembako") == pytest.approx(500 / 3.5 / 7 * 3)


def test_one_off_items_come_on_day_one_for_the_displaced_only(tiny_flood):
    """Blankets (once, displaced basis): 1,000 people x 0.5 displaced = 500 on day 1, none later."""
    needs = compute_needs(tiny_flood, standards="sphere")
    assert _units(needs, area="desa_a", commodity="selimut", day=1) == pytest.approx(500)
    assert _units(needs, area="desa_a", commodity="selimut", day=2) == 0
    assert _units(needs, area="desa_a", commodity="terpal") == pytest.approx(500 / 2.5)


def test_group_extras_go_to_their_groups_only(tiny_flood):
    """Infant kits reach under-fives (20/7 a day), MP-ASI the 30 % of them aged 6-23 months, elderly
    kits the 30 % of the elderly estimated to need care; nobody else."""
    needs = compute_needs(tiny_flood, standards="sphere")
    assert set(needs.loc[needs["commodity"] == "kit_bayi", "group"]) == {"balita"}
    assert _units(needs, commodity="kit_bayi") == pytest.approx(20 / 7 * 3)
    assert _units(needs, commodity="kit_lansia") == pytest.approx(100 * 0.3 / 7 * 3)
    assert _units(needs, commodity="makanan_bayi", day=1) == pytest.approx(20 * 0.3 * 0.1)
    # base items reach every group: 120 people in desa_b x 0.42 kg rice
    assert _units(needs, area="desa_b", commodity="beras", day=1) == pytest.approx(120 * 0.42)


def test_kg_and_m3_follow_the_catalogue(tiny_flood):
    """kg and m3 are units times the commodity's kg_per_unit and m3_per_unit."""
    needs = compute_needs(tiny_flood)
    per = {c.id: (c.kg_per_unit, c.m3_per_unit) for c in tiny_flood.commodities}
    kg = needs["commodity"].map(lambda c: per[c][0]) * needs["units"]
    m3 = needs["commodity"].map(lambda c: per[c][1]) * needs["units"]
    np.testing.assert_allclose(needs["kg"], kg)
    np.testing.assert_allclose(needs["m3"], m3)


def test_days_option_overrides_the_horizon(tiny_flood):
    """`days=7` gives seven days of daily items and still one day of one-off items."""
    needs = compute_needs(tiny_flood, days=7)
    assert set(needs["day"]) == set(range(1, 8))
    assert _units(needs, area="desa_a", commodity="beras") == pytest.approx(210 * 7)
    assert _units(needs, area="desa_a", commodity="selimut") == pytest.approx(500)


def test_doubling_people_doubles_every_need_exactly():
    """Doubling every area's people doubles every need bit for bit (no rounding in needs)."""
    doc = _doc()
    once = compute_needs(load_document(json.loads(json.dumps(doc))))
    for area in doc["areas"]:
        area["people"] = {g: 2 * n for g, n in area["people"].items()}
    twice = compute_needs(load_document(doc))
    assert list(twice[["area", "commodity", "group", "day"]].itertuples(index=False)) == list(
        once[["area", "commodity", "group", "day"]].itertuples(index=False)
    )
    for col in ("units", "kg", "m3"):
        assert np.array_equal(twice[col].to_numpy(), 2 * once[col].to_numpy())


def test_doubling_a_bundled_scenario_doubles_its_needs_exactly():
    """The same exact doubling holds on the bundled Samarinda flood (split affected counts)."""
    doc = json.loads(load_scenario("banjir-samarinda-2019").model_dump_json())
    once = compute_needs(load_document(json.loads(json.dumps(doc))))
    for area in doc["areas"]:
        area["people"] = {g: 2 * n for g, n in area["people"].items()}
    twice = compute_needs(load_document(doc))
    assert len(once) > 100
    assert np.array_equal(twice["units"].to_numpy(), 2 * once["units"].to_numpy())


def test_bare_affected_count_is_split_by_group_shares():
    """1,000 affected split by the InaSAFE defaults: 93 under-fives, 111 elderly, 596 general."""
    doc = _doc()
    doc["areas"][0]["people"] = {}
    doc["areas"][0]["affected"] = 1000
    s = load_document(doc)
    people = s.areas[0].people
    assert people["balita"] == pytest.approx(93)
    assert people["lansia"] == pytest.approx(111)
    assert people["disabilitas"] == pytest.approx(150)
    assert people["ibu_hamil"] == pytest.approx(24)
    assert people["umum"] == pytest.approx(1000 - 93 - 111 - 150 - 24 - 26)
    assert sum(people.values()) == pytest.approx(1000)


def test_split_keeps_the_remainder_in_the_general_group():
    """split_affected gives each share its fraction and the rest to `umum`."""
    out = split_affected(200.0, {"balita": 0.1, "lansia": 0.25})
    assert out == {"balita": 20.0, "lansia": 50.0, "umum": pytest.approx(130.0)}


def test_pregnant_women_get_extra_rice():
    """Pregnant women get 0.139 kg/day more rice than the 0.4 kg/day BNPB base (the displaced half)."""
    doc = _doc()
    doc["areas"][0]["people"] = {"ibu_hamil": 10}
    needs = compute_needs(load_document(doc), standards="bnpb")
    assert _units(needs, area="desa_a", commodity="beras", day=1) == pytest.approx(5 * (0.4 + 0.139))


def test_unknown_standards_profile_is_an_error(tiny_flood):
    """Asking for a profile the scenario lacks raises KeyError naming the known ones."""
    with pytest.raises(KeyError, match="bnpb"):
        compute_needs(tiny_flood, standards="unicef")


def test_assessed_needs_replace_the_standards_rows_of_their_commodity():
    """desa_a assessed at 5,000 L drinking water and 0 blankets: the water (needed every day in the
    profile) becomes one row of `umum` a day (5,000 / 3 L), worth the person-days a standards litre is,
    the blankets nothing; other commodities and desa_b keep the standards."""
    doc = _doc()
    plain = compute_needs(load_document(doc))
    doc["areas"][0]["needs"] = {"air_minum": 5000, "selimut": 0}
    needs = compute_needs(load_document(doc))
    water = needs[(needs["area"] == "desa_a") & (needs["commodity"] == "air_minum")]
    assert water[["group", "day"]].values.tolist() == [["umum", 1], ["umum", 2], ["umum", 3]]
    assert water["units"].tolist() == pytest.approx([5000 / 3] * 3)
    per_person = plain.query("area == 'desa_a' and commodity == 'air_minum' and day == 1")
    ratio = float((per_person["persons"] / per_person["units"]).iloc[0])
    assert (water["persons"] / water["units"]).tolist() == pytest.approx([ratio] * 3)
    assert _units(needs, area="desa_a", commodity="selimut") == 0
    assert _units(plain, area="desa_a", commodity="selimut") > 0
    same = ~((needs["area"] == "desa_a") & needs["commodity"].isin(["air_minum", "selimut"]))
    kept = ~((plain["area"] == "desa_a") & plain["commodity"].isin(["air_minum", "selimut"]))
    assert needs[same].reset_index(drop=True).equals(plain[kept].reset_index(drop=True))


def test_assessed_needs_alone_need_no_people_nor_standards_items():
    """An area with assessed needs and no people still needs them (an empty profile gives none)."""
    doc = _doc()
    doc["standards"] = [{"id": "kosong", "name": "Empty profile"}]
    doc["policy"]["standards"] = "kosong"
    doc["areas"][1]["people"] = {}
    doc["areas"][1]["needs"] = {"beras": 250}
    needs = compute_needs(load_document(doc), days=5)
    assert needs[["area", "commodity", "group", "day", "units", "kg"]].values.tolist() == [
        ["desa_b", "beras", "umum", 1, 250.0, 250.0]
    ]


def test_assessed_needs_go_to_the_first_group_when_none_is_general():
    """Without a group of kind `general`, the first group carries the assessed needs."""
    doc = _doc()
    doc["groups"] = [g for g in doc["groups"] if g["kind"] != "general"]
    doc["areas"][0]["people"] = {}
    doc["areas"][0]["needs"] = {"beras": 10}
    s = load_document(doc)
    needs = compute_needs(s)
    assert set(needs.loc[needs["area"] == "desa_a", "group"]) == {s.groups[0].id}


def test_assessed_needs_of_an_unknown_commodity_are_rejected():
    """needs: {"emas": 1} is reported at areas[1].needs.emas as an unknown commodity."""
    doc = _doc()
    doc["areas"][1]["needs"] = {"emas": 1}
    with pytest.raises(ScenarioError, match=r"areas\[1\]\.needs\.emas: 'emas' is not a known commodity"):
        load_document(doc)


def test_assessed_needs_load_from_need_columns_of_areas_csv(tmp_path, data_dir):
    """areas.csv `need_<commodity>` columns fill Area.needs; an unknown commodity names file and line."""
    import shutil

    shutil.copytree(data_dir / "tiny_flood", tmp_path / "s")
    areas = tmp_path / "s" / "areas.csv"
    lines = areas.read_text().splitlines()
    lines[0] += ",need_air_minum"
    lines[1] += ",5000"
    areas.write_text("\n".join([*lines, ""]))
    s = load_scenario(tmp_path / "s")
    assert s.areas[0].needs == {"air_minum": 5000.0} and s.areas[1].needs == {}
    areas.write_text(areas.read_text().replace("need_air_minum", "need_emas"))
    with pytest.raises(ScenarioError, match=r"areas\.csv:2: need_emas: 'emas' is not a known commodity"):
        load_scenario(tmp_path / "s")
