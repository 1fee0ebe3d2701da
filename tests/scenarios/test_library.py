"""The bundled Kaltim library: admin units, estimated populations, warehouses, scenarios."""

from __future__ import annotations

import pandas as pd
import pytest

from scenarios import compute_needs, load_scenario
from scenarios.bundled import LIBRARY_DIR

KALTIM = LIBRARY_DIR / "kaltim"
KALTIM_POPULATION = 4_123_303  # Dukcapil, 31 Dec 2024
CODES = ("code", "kab_code", "kec_code")


@pytest.fixture(scope="module")
def admin() -> dict[str, pd.DataFrame]:
    """The kabupaten, kecamatan and desa tables of the bundled library."""
    return {
        level: pd.read_csv(KALTIM / "admin" / f"{level}.csv", dtype=dict.fromkeys(CODES, str))
        for level in ("kabupaten", "kecamatan", "desa")
    }


def test_admin_unit_counts(admin):
    """10 kabupaten/kota, 105 kecamatan, 1,038 desa/kelurahan (841 desa + 197 kelurahan)."""
    assert len(admin["kabupaten"]) == 10
    assert len(admin["kecamatan"]) == 105
    assert len(admin["desa"]) == 1038
    assert (admin["desa"]["kind"] == "kelurahan").sum() == 197


def test_estimated_populations_add_up_to_the_official_totals(admin):
    """Desa estimates sum to each kabupaten's official total, and all levels to 4,123,303."""
    kab = admin["kabupaten"].set_index("code")["population"]
    by_kab = admin["desa"].groupby("kab_code")["population"].sum()
    assert (by_kab.sort_index() == kab.sort_index()).all()
    for level in ("kabupaten", "kecamatan", "desa"):
        assert admin[level]["population"].sum() == KALTIM_POPULATION
    assert admin["desa"]["population_estimated"].all()
    assert not admin["kabupaten"]["population_estimated"].any()


def test_samarinda_flood_has_56123_affected():
    """banjir-samarinda-2019: 56,123 people in Samarinda kelurahan (BNPB via Republika)."""
    s = load_scenario("banjir-samarinda-2019")
    assert sum(a.total_people for a in s.areas) == pytest.approx(56_123)
    assert all(a.kab_code == "64.72" for a in s.areas)
    assert s.policy.standards == "bnpb"


def test_mahakam_ulu_flood_is_in_mahakam_ulu_with_the_road_cut():
    """banjir-mahakam-ulu-2024: kampung of 64.11, remote indigenous people, the road in closed."""
    s = load_scenario("banjir-mahakam-ulu-2024")
    assert all(a.kab_code == "64.11" for a in s.areas)
    assert any("komunitas_adat_terpencil" in a.people for a in s.areas)
    assert any(d.effect == "closed" for d in s.damage)


def test_karhutla_is_the_september_2019_haze_over_the_cities():
    """karhutla-2019: the haze over Balikpapan, Samarinda and Penajam Paser Utara; nobody displaced, so
    no rations; masks every two days for the tenth of people outdoors and everyone at respiratory risk,
    ISPA care (a health kit) for 0.5 % of people."""
    s = load_scenario("karhutla-2019")
    assert {a.kab_code for a in s.areas} == {"64.71", "64.72", "64.09"}
    needs = compute_needs(s)
    assert set(needs["commodity"]) == {"masker", "kit_kesehatan"}
    people = sum(a.total_people for a in s.areas)
    kits = needs.loc[needs["commodity"] == "kit_kesehatan", "units"].sum()
    assert kits == pytest.approx(0.005 * people, rel=0.01)
    masks = needs[needs["commodity"] == "masker"].groupby("group")["persons"].max()
    assert masks["balita"] > 0 and masks["umum"] > 0


def test_library_stock_and_fleet_are_consistent():
    """Every warehouse of the library holds stock, but the transshipment hubs' (hubs.csv); the fleet has
    trucks, boats and a helicopter."""
    s = load_scenario("banjir-samarinda-2019")
    assert len(s.warehouses) >= 13
    hubs = {h.warehouse for h in s.hubs}
    assert all(w.stock for w in s.warehouses if w.id not in hubs)
    assert all(w.kind == "hub" and not w.stock for w in s.warehouses if w.id in hubs and w.kind == "hub")
    modes = {m for f in s.fleet for v in s.vehicle_types if v.id == f.vehicle_type for m in v.modes}
    assert {"road", "river", "air"} <= modes
    assert all(w.note and "estimate" in w.note for w in s.warehouses)
