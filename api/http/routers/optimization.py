"""`/v1/optimization` (coordinator): the VROOM-compatible solve. The body is a VROOM problem (jobs,
shipments, vehicles, custom matrices), the answer a VROOM solution whose `unassigned` entries carry a
`reason` (docs/routing.md). Synchronous, in a worker process (never the event loop), time-limited."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from starlette.concurrency import run_in_threadpool

from optimizer.routing import RoutingOptions
from optimizer.routing.vroom import VroomError, read_vroom, solve_vroom

from ..deps import SettingsDep
from ..problems import validation_problem
from ..schemas import Engine
from ..security import Coordinator
from ..settings import Settings
from .responses import BODY, errors

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["optimization"])
DEFAULT_TIME_LIMIT_S = 5.0  # as `siaga vroom`


def _limits(problem: dict[str, Any], time_limit: float | None, settings: Settings) -> None:
    errs = []
    if time_limit is not None and time_limit > settings.max_time_limit_s:
        detail = f"{time_limit:g} s is above the limit of {settings.max_time_limit_s:g} s"
        errs.append({"pointer": "/time_limit", "detail": detail, "in": "query"})
    for key, cap in (("vehicles", settings.max_vehicles), ("jobs", settings.max_areas)):
        items = problem.get(key)
        if isinstance(items, list) and len(items) > cap:
            errs.append({"pointer": f"/{key}", "detail": f"{len(items)} {key}; at most {cap}", "in": "body"})
    if errs:
        raise validation_problem(errs)


def _options(
    engine: str, time_limit: float | None, iterations: int | None, seed: int, cap: float
) -> RoutingOptions:
    if time_limit is None:
        time_limit = cap if iterations is not None else min(DEFAULT_TIME_LIMIT_S, cap)
    return RoutingOptions(engine=engine, time_limit_s=time_limit, iterations=iterations, seed=seed, workers=1)


@router.post(
    "/optimization",
    operation_id="optimize_vroom",
    response_model=dict[str, Any],
    responses=errors(*BODY),
)
async def optimize(
    request: Request,
    problem: Annotated[dict[str, Any], Body(description="a VROOM problem with custom matrices")],
    caller: Coordinator,
    settings: SettingsDep,
    time_limit: Annotated[float | None, Query(gt=0, description="seconds of search (default 5)")] = None,
    iterations: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    engine: Annotated[Engine, Query()] = "pyvrp",
) -> dict[str, Any]:
    """Solve a VROOM problem; the VROOM solution document (`code` 0, `summary`, `routes`, `unassigned`)."""
    _limits(problem, time_limit, settings)
    await run_in_threadpool(_readable, problem)  # a large problem must not hold the event loop
    options = _options(engine, time_limit, iterations, seed, settings.max_time_limit_s)
    solver = request.app.state.solver
    future = solver.submit(solve_vroom, problem, options)
    try:
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:  # the client went away: stop the solve
        cancel = getattr(solver, "cancel_running", None)
        cancel(future) if cancel is not None else future.cancel()
        raise


def _readable(problem: dict[str, Any]) -> None:
    """422 unless SIAGA can read the problem (checked here, before a worker solves it): at the JSON
    pointer of the culprit when `read_vroom` names one (a number that is not finite or out of range, an
    index outside the matrix, ...), else at the whole body."""
    try:
        read_vroom(problem)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as e:
        detail = str(e) if isinstance(e, ValueError) else f"malformed ({type(e).__name__}: {e})"
        pointer = e.pointer if isinstance(e, VroomError) else ""
        raise validation_problem(
            [{"pointer": pointer, "detail": detail, "in": "body"}],
            f"Not a VROOM problem SIAGA can solve: {detail}",
        ) from None
