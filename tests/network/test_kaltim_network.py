"""The bundled Kaltim network: every bundled area reachable without damage; Mahakam Ulu's interior
by river and air only once its road is cut."""

from __future__ import annotations

import pytest

from network import ScenarioNetwork, reachability
from scenarios import load_scenario

BUNDLED = ["banjir-samarinda-2019", "banjir-mahakam-ulu-2024", "karhutla-2019"]


@pytest.mark.parametrize("name", BUNDLED)
def test_no_area_is_isolated_without_damage(name):
    """Without the scenario's damage every area is reached by some based vehicle."""
    s = load_scenario(name)
    records = reachability(s, ScenarioNetwork(s, damage=[]))
    assert [r.area for r in records if r.isolated] == []


@pytest.mark.parametrize("name", ["banjir-samarinda-2019", "karhutla-2019"])
def test_damage_does_not_isolate_the_other_scenarios(name):
    """The Samarinda flood and the fires slow roads but isolate no area."""
    s = load_scenario(name)
    assert not any(r.isolated for r in reachability(s))


def test_mahakam_ulu_interior_is_reached_by_river_or_air_only():
    """With the Kubar-Mahakam Ulu road closed, interior kampung are served by boat or helicopter."""
    s = load_scenario("banjir-mahakam-ulu-2024")
    records = reachability(s)
    assert not any(r.isolated for r in records)
    interior = [r for r in records if r.river_or_air_only]
    assert len(interior) >= len(records) // 2
    for r in interior:
        assert set(r.modes) <= {"river", "air"}
        assert {x["vehicle_type"] for x in r.reachable_from} <= {
            "longboat",
            "speedboat",
            "kapal_sungai",
            "helikopter",
        }
