"""The service itself: `/health` (no key), `/metrics` (Prometheus text) and `/v1/openapi.json`."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from ..deps import SessionDep
from ..problems import Problem
from ..schemas import Health
from ..security import Viewer
from .responses import AUTH, errors

__all__ = ["router", "service_version", "v1_router"]

router = APIRouter(tags=["service"])
v1_router = APIRouter(prefix="/v1", tags=["service"])


def service_version() -> str:
    try:
        return version("siaga")
    except PackageNotFoundError:
        return "unknown"


@router.get("/health", operation_id="health", response_model=Health, responses=errors(503))
def health(session: SessionDep) -> Health:
    """Is the service up and its database answering? No key needed."""
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:
        raise Problem(503, f"The database does not answer: {type(exc).__name__}.") from None
    return Health(status="ok", database="ok", version=service_version())


class _Metrics(PlainTextResponse):
    media_type = CONTENT_TYPE_LATEST


@router.get("/metrics", operation_id="metrics", response_class=_Metrics, responses=errors(*AUTH))
def metrics(request: Request, caller: Viewer) -> _Metrics:
    """Prometheus text: requests by method, route template and status, their latency, jobs by status."""
    return _Metrics(request.app.state.metrics.text())


@v1_router.get("/openapi.json", operation_id="openapi", include_in_schema=False)
def openapi(request: Request, caller: Viewer) -> JSONResponse:
    """The OpenAPI document of this API."""
    schema: dict[str, Any] = request.app.openapi()
    return JSONResponse(schema)
