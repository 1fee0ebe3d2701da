"""Dependencies shared by the routers, as `Annotated` aliases: the settings, a database session per
request, and the job runner, all from the app's state (set up by the lifespan in api/http/app.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from .settings import Settings

__all__ = ["RunnerDep", "SessionDep", "SettingsDep", "get_session", "get_settings"]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_runner(request: Request) -> Any:
    return request.app.state.runner


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
RunnerDep = Annotated[Any, Depends(get_runner)]
