"""Multimodal road/river/air network: damage, travel matrices, reachability.

Imports `scenarios` only.
"""

from .damage import DamageState, apply_damage, edges_hit, sample_damage
from .errors import NetworkError, NodeNotFound
from .graph import Network
from .matrices import DAYLIGHT_BIT, TravelGraph, TravelMatrix
from .reachability import AreaReach, reachability
from .scenario import ScenarioNetwork
from .travel import edge_times_h

__all__ = [
    "DAYLIGHT_BIT",
    "AreaReach",
    "DamageState",
    "Network",
    "NetworkError",
    "NodeNotFound",
    "ScenarioNetwork",
    "TravelGraph",
    "TravelMatrix",
    "apply_damage",
    "edge_times_h",
    "edges_hit",
    "reachability",
    "sample_damage",
]
