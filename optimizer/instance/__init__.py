"""The planning instance: a scenario compiled once (index maps, fleet, duty rules, travel, needs)."""

from .fleet import DutyRules, Fleet
from .index import Index
from .instance import PlanningInstance, compile_instance, stock_by_day
from .needs import NeedTable
from .travel import TravelArrays, lag_days

__all__ = [
    "DutyRules",
    "Fleet",
    "Index",
    "NeedTable",
    "PlanningInstance",
    "TravelArrays",
    "compile_instance",
    "lag_days",
    "stock_by_day",
]
