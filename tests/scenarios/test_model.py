"""The scenario model: frozen, strict about unknown fields, every cross-reference checked."""

from __future__ import annotations

import json

import pydantic
import pytest

from scenarios import Damage, ScenarioError, load_document, load_scenario
from scenarios.model import Scenario

from ..conftest import DATA_DIR


def _doc() -> dict:
    return json.loads((DATA_DIR / "tiny_flood.json").read_text())


def _problems(doc: dict) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_document(doc)
    return [f"{i.field}: {i.message}" for i in err.value.issues]


def test_scenario_is_frozen(tiny_flood):
    """Models cannot be changed after validation."""
    with pytest.raises(pydantic.ValidationError):
        tiny_flood.areas[0].name = "changed"


def test_directory_and_json_document_load_to_the_same_scenario(tiny_flood):
    """The CSV directory and its JSON document (siaga show) are the same validated object."""
    assert load_scenario(DATA_DIR / "tiny_flood.json") == tiny_flood


def test_json_document_has_the_documented_top_level_keys(tiny_flood):
    """The document's keys are exactly those the API takes."""
    keys = set(json.loads(tiny_flood.model_dump_json()))
    assert keys == {
        "id",
        "name",
        "description",
        "commodities",
        "groups",
        "standards",
        "areas",
        "warehouses",
        "vehicle_types",
        "fleet",
        "network",
        "damage",
        "water_points",
        "kitchens",
        "suppliers",
        "charters",
        "hubs",
        "policy",
    }


def test_references_are_checked_everywhere():
    """Unknown commodity in stock, group in people, node of an edge, warehouse of a fleet line,
    edge of a damage record and the policy's standards profile are each reported."""
    doc = _doc()
    doc["warehouses"][0]["stock"]["emas"] = 1
    doc["areas"][0]["people"]["alien"] = 5
    doc["network"]["edges"][0]["target"] = "nowhere"
    doc["fleet"][0]["warehouse"] = "gudang_x"
    doc["damage"][0]["edge"] = "e_missing"
    doc["policy"]["standards"] = "unicef"
    found = _problems(doc)
    assert any(p.startswith("warehouses[0].stock.emas: is not a known commodity") for p in found)
    assert any(p.startswith("areas[0].people.alien: is not a known group") for p in found)
    assert any(p.startswith("network.edges[0].target: is not a known node") for p in found)
    assert any(p.startswith("fleet[0].warehouse: is not a known warehouse") for p in found)
    assert any(p.startswith("damage[0].edge: is not a known edge") for p in found)
    assert any(p.startswith("policy.standards: is not a known standards profile") for p in found)
    assert len(found) == 6


def test_unknown_fields_are_rejected():
    """A misspelt field is an error, not silently ignored."""
    doc = _doc()
    doc["areas"][0]["peopel"] = {}
    doc["extra_key"] = 1
    found = _problems(doc)
    assert "areas[0].peopel: is not a known field" in found
    assert any(p.startswith("extra_key: is not a known top-level key") for p in found)


def test_duplicate_ids_are_rejected():
    """Two warehouses with the same id are reported at the second one."""
    doc = _doc()
    doc["warehouses"].append(dict(doc["warehouses"][0]))
    assert _problems(doc) == ["warehouses[1].id: is a duplicate id"]


def test_damage_needs_exactly_one_target_and_its_parameters():
    """Damage hits one edge or one polygon; degraded needs a speed factor."""
    with pytest.raises(pydantic.ValidationError, match="exactly one of edge or polygon"):
        Damage(effect="closed")
    with pytest.raises(pydantic.ValidationError, match="speed_factor"):
        Damage(edge="e1", effect="degraded")
    ring = ((117.0, -0.5), (117.1, -0.5), (117.1, -0.4), (117.0, -0.5))
    assert Damage(polygon=(ring,), effect="closed").probability == 1.0


def test_group_shares_above_one_are_rejected():
    """Shares that split more than everybody are an error."""
    doc = _doc()
    for g in doc["groups"]:
        g["share"] = 0.5
    assert any(p.startswith("groups: group shares must sum to at most 1") for p in _problems(doc))


def test_standards_extends_lists_every_item():
    """A profile that extends another carries both item lists after loading."""
    doc = _doc()
    doc["standards"].append(
        {
            "id": "haze",
            "name": "haze",
            "extends": "sphere",
            "items": [{"commodity": "masker", "quantity": 1}],
        }
    )
    s = load_document(doc)
    haze, sphere = s.standards_profile("haze"), s.standards_profile("sphere")
    assert haze.extends is None
    assert len(haze.items) == len(sphere.items) + 1
    assert haze.items[0].commodity == "masker"


def test_schema_names_every_model():
    """The JSON Schema describes areas, warehouses, vehicle types, fleet, network and damage."""
    schema = Scenario.model_json_schema()
    assert {"Area", "Warehouse", "VehicleType", "FleetLine", "Edge", "Damage"} <= set(schema["$defs"])
    assert set(schema["required"]) >= {"id", "name", "commodities", "groups", "areas"}
