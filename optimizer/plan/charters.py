"""Charters and requisitions: which of the scenario's `charters` the plan takes.

A charter is worth taking when the deprivation it avoids, valued at the policy's
`charter_value_per_person_day` (IDR per person-day), is at least what it costs: `cost_per_day` for each
calendar day a vehicle of it is at work plus `cost_per_h` for each hour it works (its trips' spans less
their rests), as the plan's trips use it. The plan is made with every charter; then, charter by
charter (in the scenario's order), the plan without it is made, and the charter is dropped when the
person-days it saves are worth less than its cost (the plan without it is kept from then on), until
every charter the plan uses (its feeds' included) has been weighed. A charter the plan does not use is
not requested. Each charter kept becomes a `charter` request: whom
to ask, from when, what it costs and what it is worth.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from scenarios.model import Charter, Scenario

from ..routing.trips import Trip
from .requests import Request
from .result import Plan

__all__ = ["charter_cost", "choose_charters"]


def charter_cost(ch: Charter, trips: Sequence[Trip]) -> float:
    """IDR for the charter's vehicles as `trips` use them: per calendar day at work, per hour at work."""
    days: set[tuple[str, int]] = set()
    hours = 0.0
    for t in trips:
        if t.charter != ch.id or t.began_h is None or t.return_h is None:
            continue
        hours += t.return_h - t.began_h - sum(r.until_h - r.from_h for r in t.rests)
        last = max(t.began_h, t.return_h - 1e-9)
        days |= {(t.vehicle, d) for d in range(math.floor(t.began_h / 24), math.floor(last / 24) + 1)}
    return len(days) * ch.cost_per_day + hours * ch.cost_per_h


def choose_charters(s: Scenario, plan_with: Callable[[Scenario], Plan]) -> Plan:
    """The plan of `s` with the charters worth their cost (see the module), and their requests."""
    plan = plan_with(s)
    kept = list(s.charters)
    value: dict[str, float] = {}
    while todo := [ch for ch in kept if ch.id not in value and ch.id in _used(plan)]:
        ch = todo[0]
        rest = [c for c in kept if c.id != ch.id]
        without = plan_with(s.model_copy(update={"charters": tuple(rest)}))
        saved = without.kpis.person_days_deprived - plan.kpis.person_days_deprived
        value[ch.id] = saved * s.policy.charter_value_per_person_day
        if value[ch.id] < charter_cost(ch, [*plan.trips, *plan.feeds]):
            plan, kept = without, rest
    moved = [*plan.trips, *plan.feeds]
    requests = tuple(_request(ch, moved, value[ch.id]) for ch in kept if ch.id in _used(plan))
    return replace(plan, requests=plan.requests + requests)


def _used(plan: Plan) -> set[str | None]:
    """The charters whose vehicles the plan's trips or feeds use."""
    return {t.charter for t in (*plan.trips, *plan.feeds)}


def _request(ch: Charter, trips: Sequence[Trip], value: float) -> Request:
    used = [t for t in trips if t.charter == ch.id]
    return Request(
        "charter",
        ch.provider,
        ch.provider_kind,
        min(t.day for t in used),
        warehouse=ch.warehouse,
        vehicle_type=ch.vehicle_type,
        vehicles=len({t.vehicle for t in used}),
        cost=charter_cost(ch, trips),
        value=value,
        charter=ch.id,
    )
