"""VROOM-compatible problems and solutions (see VROOM's docs/API.md): read a problem with `jobs`,
`vehicles` and custom `matrices` (or the older single `matrix`) (`vroom_read`), solve it with a SIAGA
engine, and write a VROOM-format solution whose `unassigned` entries carry a `reason` (`vroom_write`).

Skills keep VROOM's meaning (a job needs all of its skills on the vehicle), which is how SIAGA maps
modes. Every job is optional with a prize above the cost of adding it to any plan, raised by its
priority, so the solver assigns as many (and as high-priority) jobs as it can, then minimises cost.
`shipments` (pickup then delivery by one vehicle) need engine `pyvrp`. Not supported (an error says
so): coordinates without a matrix, breaks, several time windows per task, `max_tasks`.
"""

from __future__ import annotations

import time

from scenarios.jsontypes import JSONDocument

from .engine import DEFAULT_OPTIONS, RoutingOptions, solve_routing
from .vroom_read import VroomError, VroomProblem, read_vroom
from .vroom_write import write_vroom

__all__ = ["VroomError", "VroomProblem", "read_vroom", "solve_vroom", "write_vroom"]


def solve_vroom(raw: JSONDocument, options: RoutingOptions = DEFAULT_OPTIONS) -> JSONDocument:
    """Solve a VROOM problem; the solution document VROOM would write, `unassigned[].reason` added."""
    t0 = time.perf_counter()
    vp = read_vroom(raw)
    t1 = time.perf_counter()
    sol = solve_routing(vp.problem, options)
    t2 = time.perf_counter()
    return write_vroom(vp, sol, int((t1 - t0) * 1000), int((t2 - t1) * 1000))
