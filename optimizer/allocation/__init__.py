"""Allocation: who gets what from where, day by day, vulnerable first (see `model` for the LP), and
its independent check (`check`)."""

from .check import AllocationCheck, check_allocation
from .kpis import AllocationKpis
from .options import AllocationOptions
from .result import REASONS, AllocationResult
from .solve import solve_allocation

__all__ = [
    "REASONS",
    "AllocationCheck",
    "AllocationKpis",
    "AllocationOptions",
    "AllocationResult",
    "check_allocation",
    "solve_allocation",
]
