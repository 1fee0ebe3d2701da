"""Allocation: who gets what from where, day by day, vulnerable first (see `model` for the LP)."""

from .result import REASONS, AllocationResult
from .solve import AllocationOptions, solve_allocation

__all__ = ["REASONS", "AllocationOptions", "AllocationResult", "solve_allocation"]
