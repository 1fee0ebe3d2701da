"""One router per resource, all under /v1 except /health; `ROUTERS` in the order they are mounted."""

from . import health, incidents, jobs, keys, optimization, plans, scenarios, studies

__all__ = ["ROUTERS"]

ROUTERS = (
    health.router,
    health.v1_router,
    keys.router,
    scenarios.router,
    plans.router,
    jobs.router,
    incidents.router,
    optimization.router,
    studies.router,
)
