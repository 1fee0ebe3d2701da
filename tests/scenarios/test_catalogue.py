"""The built-in catalogue: 26 PMKS/PPKS categories, vulnerable groups, commodities, standards."""

from __future__ import annotations

import pytest

from scenarios import load_scenario


def test_all_26_pmks_categories_with_indonesian_and_english_names(tiny_flood):
    """Permensos 08/2012 numbers 1..26 appear once each, in Indonesian with an English label."""
    pmks = [g for g in tiny_flood.groups if g.kind == "pmks"]
    assert sorted(g.pmks_no for g in pmks) == list(range(1, 27))
    by_no = {g.pmks_no: g for g in pmks}
    assert by_no[1].name == "Anak Balita Terlantar"
    assert by_no[8].name == "Lanjut Usia Terlantar"
    assert by_no[26].name == "Komunitas Adat Terpencil (KAT)"
    assert by_no[26].name_en == "Remote indigenous community"
    assert all(g.name_en for g in pmks)


def test_general_population_and_vulnerable_groups(tiny_flood):
    """`umum` is the general population; the InaSAFE demographic groups carry default shares."""
    groups = {g.id: g for g in tiny_flood.groups}
    assert groups["umum"].kind == "general" and groups["umum"].share is None
    assert groups["balita"].share == 0.093 and groups["ibu_menyusui"].share == 0.026
    assert groups["anak_balita_terlantar"].priority_weight > groups["umum"].priority_weight


def test_both_standards_profiles_and_their_sources(tiny_flood):
    """bnpb (Perka 7/2008) and sphere are built in, each with a source statement."""
    bnpb = tiny_flood.standards_profile("bnpb")
    sphere = tiny_flood.standards_profile("sphere")
    assert "7/2008" in bnpb.name and bnpb.source
    assert sphere.source
    daily = {
        i.commodity: i.quantity / i.per_persons / i.per_days
        for i in bnpb.items
        if not i.groups and i.per_days
    }
    assert daily["beras"] == pytest.approx(0.4) and daily["air_minum"] == pytest.approx(2.5)
    water = sum(i.quantity for i in sphere.items if i.commodity.startswith("air") and not i.groups)
    assert water == 15


def test_every_extra_item_targets_existing_groups(tiny_flood):
    """Group extras name known groups (checked at load; here: each extra has at least one)."""
    known = {g.id for g in tiny_flood.groups}
    for profile in tiny_flood.standards:
        for item in profile.items:
            assert set(item.groups) <= known


def test_kaltim_library_overrides_disability_share():
    """The Kaltim library uses BPS Kaltim's 1.31 % disability prevalence instead of WHO's 15 %."""
    s = load_scenario("banjir-samarinda-2019")
    assert {g.id: g.share for g in s.groups}["disabilitas"] == 0.0131
