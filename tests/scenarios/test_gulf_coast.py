"""The Rawls & Turnquist (2010) Gulf-coast hurricane set (scenarios/gulf_coast.py)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from scenarios import Scenario, ScenarioError, ScenarioSet, compute_needs, load_gulf_coast, load_scenario_set

from ..conftest import DATA_DIR

RT_DIR = DATA_DIR / "rawls_turnquist_2010"
ITEMS = ("water", "food", "medical_kits")


@pytest.fixture(scope="module")
def gulf() -> ScenarioSet:
    """The 15-hurricane set from the repository's test fixture."""
    return load_gulf_coast()


def _demand_totals() -> dict[str, float]:
    """Sum of each item over every node line of demands.txt (lines of 5 or more cells)."""
    totals = dict.fromkeys(ITEMS, 0.0)
    for line in (RT_DIR / "demands.txt").read_text().splitlines():
        cells = line.split()
        if len(cells) >= 5:
            for item, value in zip(ITEMS, cells[-3:], strict=True):
                totals[item] += float(value)
    return totals


def _item_units(needs, item: str) -> float:
    return float(needs.loc[needs["commodity"] == item, "units"].sum())


def test_one_valid_scenario_per_hurricane(gulf):
    """15 scenarios gulf-coast-<name>, each valid: 30 areas n0..n29, 30 sites s0..s29 with trucks, one day."""
    assert gulf.id == "gulf-coast" and len(gulf) == 15 and "Rawls" in gulf.source
    assert gulf.scenarios[0].id == "gulf-coast-alicia"
    for s in gulf.scenarios:
        assert Scenario.model_validate(s.model_dump()) == s
        assert [a.id for a in s.areas] == [f"n{k}" for k in range(30)]
        assert [w.id for w in s.warehouses] == [f"s{k}" for k in range(30)]
        assert all(w.stock == {} and w.capacity_m3 is None for w in s.warehouses)
        assert len(s.fleet) == 30 and len(s.network.edges) == 54 and s.policy.horizon_days == 1


def test_total_demand_equals_the_sum_over_demands_txt(gulf):
    """Assessed needs over all hurricanes and nodes add up to demands.txt, item by item, and
    compute_needs gives exactly them (no standards items)."""
    expected = _demand_totals()
    for item in ITEMS:
        got = sum(a.needs.get(item, 0.0) for s in gulf.scenarios for a in s.areas)
        assert got == pytest.approx(expected[item])
        from_needs = sum(_item_units(compute_needs(s), item) for s in gulf.scenarios)
        assert from_needs == pytest.approx(expected[item])


def test_node_ids_of_demands_txt_are_one_based(gulf):
    """Alicia's line `5 Houston 201 302 287` is area n4 (Houston in node_coordinates.csv), day 1."""
    alicia = gulf.scenarios[0]
    houston = alicia.areas[4]
    assert houston.name == "Houston" and houston.node == "n4"
    assert houston.needs == {"water": 201.0, "food": 302.0, "medical_kits": 287.0}
    assert houston.people == {"umum": pytest.approx(2_326_000 * 0.01)}  # category 2: 1 %
    assert alicia.areas[5].needs == {} and alicia.areas[5].people == {}
    needs = compute_needs(alicia)
    row = needs[(needs["area"] == "n4") & (needs["commodity"] == "water")]
    assert row[["group", "day", "units"]].values.tolist() == [["umum", 1, 201.0]]


def test_probabilities_follow_the_category_weights(gulf):
    """Each category's weight (113, 74, 76, 18, 3 for 0..4) is shared by its hurricanes; sum 1."""
    p = dict(zip((s.id for s in gulf.scenarios), gulf.probabilities, strict=True))
    assert gulf.probabilities.sum() == pytest.approx(1)
    total = 113 + 74 + 76 + 18 + 3
    assert p["gulf-coast-lili"] == pytest.approx(113 / total)  # the only category 0
    assert p["gulf-coast-katrina"] == pytest.approx(3 / total / 2)  # category 4 with Camille
    assert p["gulf-coast-alicia"] == pytest.approx(76 / total / 5)


def test_arc_lengths_use_the_weight_multiplier(gulf):
    """Arc 0-1 (weight 2) is 20 km long under edge_weight_multiplier 10, both ways."""
    edge = next(e for e in gulf.scenarios[0].network.edges if (e.source, e.target) == ("n0", "n1"))
    assert edge.length_km == 20 and edge.oneway is False and edge.mode == "road"


def test_a_missing_directory_or_file_is_an_error_naming_it(tmp_path):
    """A path that is not there, or a directory lacking arcs.csv, raises ScenarioError naming it."""
    with pytest.raises(ScenarioError, match="nowhere"):
        load_gulf_coast(tmp_path / "nowhere")
    copy = tmp_path / "rt"
    shutil.copytree(RT_DIR, copy)
    (copy / "arcs.csv").unlink()
    with pytest.raises(ScenarioError, match=r"arcs\.csv: is missing"):
        load_gulf_coast(copy)


def test_a_bad_demand_line_names_file_and_line(tmp_path):
    """A node id outside 1..30 in demands.txt is reported at its line."""
    copy = tmp_path / "rt"
    shutil.copytree(RT_DIR, copy)
    text = (copy / "demands.txt").read_text().replace("5 Houston", "31 Houston", 1)
    (copy / "demands.txt").write_text(text)
    with pytest.raises(ScenarioError, match=r"demands\.txt:2: node: '31' must be a new node id in 1\.\.30"):
        load_gulf_coast(copy)


def test_load_scenario_set_reads_the_gulf_coast(tmp_path):
    """{kind: gulf-coast} uses the test fixture; {kind: gulf-coast, path} reads the given directory."""
    assert [s.id for s in load_scenario_set({"kind": "gulf-coast"}).scenarios][:2] == [
        "gulf-coast-alicia",
        "gulf-coast-camille",
    ]
    copy = tmp_path / "rt"
    shutil.copytree(RT_DIR, copy)
    params = json.loads((copy / "parameters.json").read_text())
    params["category_weights"] = [1, 1, 1, 1, 1]
    (copy / "parameters.json").write_text(json.dumps(params))
    s = load_scenario_set({"kind": "gulf-coast", "path": str(copy)})
    assert s.probabilities[2] == pytest.approx(1 / 5)  # Lili alone in category 0
    assert np.isclose(s.probabilities.sum(), 1)
