"""The plan: needs -> network -> allocation -> routing, kept consistent, with KPIs and a checker."""

from .baseline import baseline_shipments
from .kpis import ArrivalHours, PlanKpis, delivered_from_trips, gini, plan_kpis
from .pipeline import PlanOptions, plan_from_shipments, plan_scenario
from .records import CommittedDelivery, RoundRecord, Shipment, Unmet
from .result import FORMAT, STATUSES, UNMET_REASONS, Plan
from .served import Service, serve_groups

__all__ = [
    "FORMAT",
    "STATUSES",
    "UNMET_REASONS",
    "ArrivalHours",
    "CommittedDelivery",
    "Plan",
    "PlanKpis",
    "PlanOptions",
    "RoundRecord",
    "Service",
    "Shipment",
    "Unmet",
    "baseline_shipments",
    "delivered_from_trips",
    "gini",
    "plan_from_shipments",
    "plan_kpis",
    "plan_scenario",
    "serve_groups",
]
