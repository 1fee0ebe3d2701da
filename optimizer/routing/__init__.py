"""Routing: shipments -> vehicle-sized loads -> trips (multi-depot, heterogeneous fleet, time windows,
several trips a day), on PyVRP by default or OR-Tools routing, with an independent checker."""

from .checker import RoutingCheck, check_routes
from .engine import ENGINES, RoutingOptions, solve_routing
from .problem import INF_TIME, UNREACHABLE, Depot, Job, RoutingProblem, Shipment, VehicleType
from .solution import Route, RoutingSolution, Trip, Visit

__all__ = [
    "ENGINES",
    "INF_TIME",
    "UNREACHABLE",
    "Depot",
    "Job",
    "Route",
    "RoutingCheck",
    "RoutingOptions",
    "RoutingProblem",
    "RoutingSolution",
    "Shipment",
    "Trip",
    "VehicleType",
    "Visit",
    "check_routes",
    "solve_routing",
]
