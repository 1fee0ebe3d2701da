"""The HTTP service: `create_app(settings)` builds the FastAPI app. Its lifespan migrates the database,
opens it, and runs the job runner (solves in worker processes) until shutdown.

Routes live in api/http/routers (one per resource, versioned under /v1), bodies in api/http/schemas.py, keys
and roles in api/http/security.py; every error is a problem document (api/http/problems.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool

from .db.migrate import upgrade
from .db.session import make_engine, make_sessionmaker
from .gate import FailedKeys, GateMiddleware
from .idempotency import install_replay_handler
from .incident_log import IncidentLocks
from .jobs import JobRunner
from .limits import BodyLimitMiddleware
from .metrics import Metrics, MetricsMiddleware
from .parsing import ParseExecutor
from .problems import MEDIA_TYPE, install_problem_handlers
from .routers import ROUTERS, dashboard
from .routers.health import service_version
from .scenario_cache import ScenarioCache
from .security import install_key_check_first
from .settings import Settings
from .solvers import solver_executor

__all__ = ["create_app"]

TITLE = "SIAGA relief logistics API"
DESCRIPTION = (
    "Scenarios, plans (asynchronous jobs), live incidents with re-plans, stockpile studies (jobs too), "
    "and a VROOM-compatible solve. "
    "Send an API key as `Authorization: Bearer <key>`; errors are RFC 9457 problem documents."
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    await run_in_threadpool(upgrade, settings.database_url)
    engine = make_engine(settings.database_url)
    app.state.sessions = make_sessionmaker(engine)
    jobs_executor = solver_executor(settings)
    app.state.runner = JobRunner(settings, app.state.sessions, jobs_executor)
    app.state.solver = solver_executor(settings)
    app.state.parser = ParseExecutor(settings)
    await run_in_threadpool(app.state.runner.start)
    await run_in_threadpool(app.state.parser.ready)
    try:
        yield
    finally:
        await run_in_threadpool(app.state.runner.stop)
        app.state.parser.shutdown(wait=False, cancel_futures=True)
        jobs_executor.shutdown(wait=False, cancel_futures=True)
        app.state.solver.shutdown(wait=False, cancel_futures=True)
        app.state.sessions = None
        engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service with `settings` (default: from the SIAGA_* environment)."""
    settings = settings or Settings()
    app = FastAPI(
        title=TITLE,
        description=DESCRIPTION,
        version=service_version(),
        lifespan=_lifespan,
        openapi_url=None,  # served at /v1/openapi.json, with a key (api/http/routers/health.py)
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = None
    app.state.cache = ScenarioCache()
    app.state.incident_locks = IncidentLocks()
    app.state.metrics = Metrics()
    app.state.metrics.watch_jobs(lambda: app.state.sessions)
    install_problem_handlers(app)
    install_key_check_first(app)
    install_replay_handler(app)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(dashboard.router)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        idle_timeout_s=settings.body_idle_timeout_s,
    )
    app.state.failed_keys = FailedKeys(settings.auth_failures_max, settings.auth_failure_window_s)
    app.add_middleware(GateMiddleware, settings=settings, failed=app.state.failed_keys)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)  # outermost: sees every answer
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, every error response as application/problem+json with the Problem schema."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    problem = {"$ref": "#/components/schemas/ProblemDocument"}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for code, response in operation.get("responses", {}).items():
                if code.isdigit() and int(code) >= 400:
                    response["content"] = {MEDIA_TYPE: {"schema": problem}}
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema
