"""Synthetic Kaltim hazard sets (scenarios/hazards.py) and scenario sets (scenarios/sets.py)."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from scenarios import Scenario, ScenarioError, ScenarioSet, kaltim_hazard_set, load_scenario_set
from scenarios.bundled import LIBRARY_DIR
from scenarios.geo import haversine_km
from scenarios.hazards import DAMAGE_RULES, HAZARD_KINDS, hazard_kind


@pytest.fixture(scope="module")
def hazard_set() -> ScenarioSet:
    """300 members, seed 3: every hazard kind appears many times."""
    return kaltim_hazard_set(300, 3)


@pytest.fixture(scope="module")
def population() -> dict[str, int]:
    """Estimated population of each desa/kelurahan of the bundled library, by area id d_<code>."""
    with open(LIBRARY_DIR / "kaltim" / "admin" / "desa.csv", encoding="utf-8") as f:
        return {f"d_{r['code']}": int(r["population"]) for r in csv.DictReader(f)}


def _by_kind(s: ScenarioSet) -> dict[str, list[Scenario]]:
    out: dict[str, list[Scenario]] = {k: [] for k in HAZARD_KINDS}
    for m in s.scenarios:
        out[hazard_kind(m)].append(m)
    return out


def _affected(area) -> float:
    return sum(area.people.values())


def test_same_seed_gives_the_same_set():
    """Two calls with the same (n, seed) give equal members, ids kaltim-hazards-<seed>-<i:04d>, p = 1/n."""
    a, b = kaltim_hazard_set(12, 5), kaltim_hazard_set(12, 5)
    assert a.scenarios == b.scenarios
    assert [m.id for m in a.scenarios] == [f"kaltim-hazards-5-{i:04d}" for i in range(12)]
    np.testing.assert_array_equal(a.probabilities, np.full(12, 1 / 12))
    assert a.seed == 5 and "Republika" in a.source
    assert kaltim_hazard_set(12, 6).scenarios != a.scenarios


def test_a_smaller_set_is_a_prefix_of_a_larger_one():
    """Member i depends on (seed, i) only: the 8-member set is the first 8 of the 30-member set."""
    assert kaltim_hazard_set(8, 9).scenarios == kaltim_hazard_set(30, 9).scenarios[:8]


def test_every_member_validates(hazard_set):
    """Members of every kind survive a full round trip through validation unchanged."""
    for members in _by_kind(hazard_set).values():
        for m in members[:2]:
            assert Scenario.model_validate(m.model_dump()) == m


def test_members_share_the_library_and_plan_three_days(hazard_set):
    """Everything but areas and damage is the bundled library; 3 days; fires use bnpb-karhutla."""
    first = hazard_set.scenarios[0]
    for m in hazard_set.scenarios:
        assert m.network is first.network and m.warehouses is first.warehouses
        assert m.policy.horizon_days == 3
        assert m.policy.standards == ("bnpb-karhutla" if hazard_kind(m) == "karhutla" else "bnpb")
        assert m.name.startswith(("Banjir", "Karhutla", "Tanah longsor"))
    assert len(first.warehouses) == 17 and len(first.network.edges) == 2605


def test_affected_people_are_in_the_documented_ranges(hazard_set, population):
    """docs/scenario-sets.md: Samarinda 15,000-100,000 in all, <= 90 % of a kelurahan; Mahakam 5-37
    kampung at 30-80 %; karhutla 5-30 desa at 8-60 %; landslides 1-4 desa, 10 to max(10, 30 %)."""
    kinds = _by_kind(hazard_set)
    assert all(len(v) >= 20 for v in kinds.values())
    for m in kinds["banjir_samarinda"]:
        assert 15_000 <= sum(_affected(a) for a in m.areas) <= 100_000
        assert all(a.kab_code == "64.72" and _affected(a) <= 0.9 * population[a.id] + 1 for a in m.areas)
        assert all(0.15 <= a.displaced_share <= 0.5 for a in m.areas)
    for m in kinds["banjir_mahakam"]:
        assert 5 <= len(m.areas) <= 37 and {a.kab_code for a in m.areas} <= {"64.11", "64.07"}
        for a in m.areas:
            assert 0.3 * population[a.id] - 1 <= _affected(a) <= 0.8 * population[a.id] + 1
    for m in kinds["karhutla"]:
        assert 5 <= len(m.areas) <= 30 and all(a.kind == "desa" for a in m.areas)
        assert all(0.08 * population[a.id] - 1 <= _affected(a) <= 0.6 * population[a.id] + 1 for a in m.areas)
    for m in kinds["longsor"]:
        assert 1 <= len(m.areas) <= 4
        assert all(10 <= _affected(a) <= max(10, 0.3 * population[a.id]) + 1 for a in m.areas)


def test_people_are_split_by_the_catalogue_shares(hazard_set):
    """An area's people are its affected count split like a bare `affected` (umum holds the rest)."""
    m = _by_kind(hazard_set)["banjir_samarinda"][0]
    shares = {g.id: g.share for g in m.groups if g.share is not None}
    a = m.areas[0]
    total = _affected(a)
    assert total == int(total)
    for g, share in shares.items():
        assert a.people[g] == pytest.approx(total * share)
    kat = [
        a for x in _by_kind(hazard_set)["banjir_mahakam"] for a in x.areas if a.code.startswith("64.11.03")
    ]
    assert kat and all(
        a.people["komunitas_adat_terpencil"] == pytest.approx(round(0.3 * _affected(a))) for a in kat
    )


def test_damage_is_realised_only_near_affected_areas(hazard_set):
    """Every kept record damages an edge of its rule's mode with an end point within the rule's radius
    of an affected area, has probability 1, and its note gives the original probability."""
    for m in hazard_set.scenarios:
        nodes = {n.id: n for n in m.network.nodes}
        edges = {e.id: e for e in m.network.edges}
        rules = {r.name: r for r in DAMAGE_RULES[hazard_kind(m)]}
        for d in m.damage:
            rule = rules[d.id.split("-", 1)[0]]
            e = edges[d.edge]
            assert d.probability == 1 and d.effect == rule.effect and e.mode in rule.modes
            assert f"realised from probability {rule.probability}" in d.note
            km = min(
                haversine_km(nodes[end].lat, nodes[end].lon, a.lat, a.lon)
                for end in (e.source, e.target)
                for a in m.areas
            )
            assert km <= rule.radius_km * 1.01 + 0.01


def test_damage_keeps_each_candidate_with_its_probability(hazard_set):
    """Per rule, the kept records over all candidate edges (of its mode, within its radius) are
    close to the rule's probability (seeded draws, one per candidate)."""
    first = hazard_set.scenarios[0]
    nodes = {n.id: (n.lat, n.lon) for n in first.network.nodes}
    ends = np.array([[nodes[e.source], nodes[e.target]] for e in first.network.edges])  # [edge, end, 2]
    mode = np.array([e.mode for e in first.network.edges])
    seen = {r.name: [0, 0] for rules in DAMAGE_RULES.values() for r in rules}
    for m in hazard_set.scenarios:
        pts = np.array([(a.lat, a.lon) for a in m.areas])
        dy = (ends[None, :, :, 0] - pts[:, None, None, 0]) * 110.574
        dx = (
            (ends[None, :, :, 1] - pts[:, None, None, 1])
            * 111.32
            * np.cos(np.radians(pts[:, 0]))[:, None, None]
        )
        near = np.hypot(dx, dy).min(axis=(0, 2))
        kept = [d.id.split("-", 1)[0] for d in m.damage]
        for r in DAMAGE_RULES[hazard_kind(m)]:
            seen[r.name][0] += int((np.isin(mode, r.modes) & (near <= r.radius_km)).sum())
            seen[r.name][1] += kept.count(r.name)
    for rules in DAMAGE_RULES.values():
        for r in rules:
            candidates, kept_n = seen[r.name]
            assert candidates > 20, r.name
            assert kept_n / candidates == pytest.approx(r.probability, abs=0.1), r.name


@pytest.mark.slow
def test_a_thousand_members_are_generated():
    """kaltim_hazard_set(1000, 0): 1,000 distinct members, equal probabilities, every kind present."""
    s = kaltim_hazard_set(1000, 0)
    assert len(s) == 1000 and len({m.id for m in s.scenarios}) == 1000
    assert s.probabilities.sum() == pytest.approx(1)
    assert {hazard_kind(m) for m in s.scenarios} == set(HAZARD_KINDS)


def test_hazard_weights_choose_the_kinds():
    """hazards={karhutla: 1} gives only fires; a zero weight leaves its kind out."""
    s = kaltim_hazard_set(15, 2, {"karhutla": 1.0, "longsor": 0.0})
    assert {hazard_kind(m) for m in s.scenarios} == {"karhutla"}
    assert all(re.match(r"Karhutla dan kabut asap: \d+ desa di ", m.name) for m in s.scenarios)


def test_load_scenario_set_dispatches_on_kind():
    """{kind: kaltim-hazards, n, seed, hazards} is kaltim_hazard_set(n, seed, hazards)."""
    spec = {"kind": "kaltim-hazards", "n": 4, "seed": 1, "hazards": {"longsor": 1}}
    assert load_scenario_set(spec).scenarios == kaltim_hazard_set(4, 1, {"longsor": 1}).scenarios


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "tsunami"}, "kind: 'tsunami' is not a known scenario set kind"),
        ({"kind": "kaltim-hazards", "n": 0, "seed": 1}, "n: 0 must be between 1 and 100000"),
        ({"kind": "kaltim-hazards", "n": 2.5, "seed": 1}, "n: 2.5 must be a whole number"),
        ({"kind": "kaltim-hazards", "n": 2}, "seed: is required"),
        (
            {"kind": "kaltim-hazards", "n": 2, "seed": 1, "hazards": {"gempa": 1}},
            "hazards.gempa: 'gempa' is not",
        ),
        (
            {"kind": "kaltim-hazards", "n": 2, "seed": 1, "hazards": {"longsor": -1}},
            "hazards.longsor: -1 must be",
        ),
        (
            {"kind": "kaltim-hazards", "n": 2, "seed": 1, "hazards": {"longsor": 0}},
            "needs at least one weight",
        ),
        ({"kind": "kaltim-hazards", "n": 2, "seed": 1, "size": 3}, "size: 'size' is not a key"),
    ],
)
def test_bad_scenario_set_specs_name_the_field_and_value(spec, message):
    """Unknown kinds and keys, bad n, seed and weights raise ScenarioError naming field and value."""
    with pytest.raises(ScenarioError, match=re.escape(message)):
        load_scenario_set(spec)


def test_subset_renormalises_and_bad_probabilities_are_rejected():
    """subset keeps the chosen members with probabilities scaled to sum 1; a set whose probabilities
    do not sum to 1, or are negative, is refused."""
    s = kaltim_hazard_set(4, 1)
    sub = s.subset([0, 2])
    assert [m.id for m in sub.scenarios] == [s.scenarios[0].id, s.scenarios[2].id]
    np.testing.assert_allclose(sub.probabilities, [0.5, 0.5])
    assert len(s.subset(np.array([True, False, True, True]))) == 3
    with pytest.raises(ScenarioError, match="must sum to 1"):
        ScenarioSet("x", "x", s.scenarios, np.full(4, 0.3), "test")
    with pytest.raises(ScenarioError, match=">= 0"):
        ScenarioSet("x", "x", s.scenarios[:2], np.array([1.5, -0.5]), "test")
    with pytest.raises(ScenarioError, match="one probability per scenario"):
        ScenarioSet("x", "x", s.scenarios, np.full(3, 1 / 3), "test")
