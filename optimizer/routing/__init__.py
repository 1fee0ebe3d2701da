"""Routing: shipments -> vehicle-sized loads -> trips (multi-depot, heterogeneous fleet, time windows,
several trips a day), on PyVRP by default or OR-Tools routing, with an independent checker.

`Trip` here is one trip of an engine's route (`solution.Trip`: depots and visits); a plan's trip
record, with stops and hours, is `optimizer.routing.trips.Trip` (`RoutingResult.trips`)."""

from .checker import RoutingCheck, check_routes
from .dispatch import DispatchSettings, RoutingResult, route_shipments
from .engine import ENGINES, RoutingOptions, register_engine, solve_routing
from .interface import EngineFailure, RoutingEngine, SearchBudget
from .kpis import RoutingKpis
from .problem import INF_TIME, UNREACHABLE, Depot, Job, RoutingProblem, Shipment, VehicleType
from .solution import Route, RoutingSolution, Trip, Visit
from .trips import Stop

__all__ = [
    "ENGINES",
    "INF_TIME",
    "UNREACHABLE",
    "Depot",
    "DispatchSettings",
    "EngineFailure",
    "Job",
    "Route",
    "RoutingCheck",
    "RoutingEngine",
    "RoutingKpis",
    "RoutingOptions",
    "RoutingProblem",
    "RoutingResult",
    "RoutingSolution",
    "SearchBudget",
    "Shipment",
    "Stop",
    "Trip",
    "VehicleType",
    "Visit",
    "check_routes",
    "register_engine",
    "route_shipments",
    "solve_routing",
]
