"""The bottom layer: the scenario data model, PMKS groups, standards, needs, loaders, bundled data.

Imports nothing of the other SIAGA packages.
"""

from .bundled import bundled_scenarios, find_bundled
from .errors import Issue, ScenarioError
from .gulf_coast import load_gulf_coast
from .hazards import kaltim_hazard_set
from .loaders import load_directory, load_document, load_json, load_scenario
from .model import (
    Area,
    Commodity,
    Damage,
    Edge,
    FleetLine,
    Group,
    Kitchen,
    Network,
    Node,
    Policy,
    Scenario,
    StandardItem,
    StandardsProfile,
    VehicleType,
    Warehouse,
    WaterPoint,
)
from .needs import NEEDS_COLUMNS, compute_needs, needs_totals
from .scenario_set import ScenarioSet
from .sets import load_scenario_set
from .updates import UPDATE_KINDS, Delivered, UpdateError, apply_updates

__all__ = [
    "NEEDS_COLUMNS",
    "UPDATE_KINDS",
    "Area",
    "Commodity",
    "Damage",
    "Delivered",
    "Edge",
    "FleetLine",
    "Group",
    "Issue",
    "Kitchen",
    "Network",
    "Node",
    "Policy",
    "Scenario",
    "ScenarioError",
    "ScenarioSet",
    "StandardItem",
    "StandardsProfile",
    "UpdateError",
    "VehicleType",
    "Warehouse",
    "WaterPoint",
    "apply_updates",
    "bundled_scenarios",
    "compute_needs",
    "find_bundled",
    "kaltim_hazard_set",
    "load_directory",
    "load_document",
    "load_gulf_coast",
    "load_json",
    "load_scenario",
    "load_scenario_set",
    "needs_totals",
]
