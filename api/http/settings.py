"""Service settings from the environment (`SIAGA_*`), with embedded defaults for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings"]


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """`database_url`: SQLAlchemy URL (default: the SQLite file `siaga.db` in the working directory;
    `postgresql+psycopg://...` for PostgreSQL). Limits give 413 (body) or 422 (the rest) when passed.
    `workers`: solver processes; `dask_scheduler`: run solves on that Dask cluster instead.
    `job_heartbeat_timeout_s`: a job `running` without a heartbeat for that long lost its server
    (killed): another server's job runner, or this one restarted, re-queues or fails it.
    `max_study_scenarios`: the most scenarios a study posted to the API may ask for (422 beyond);
    `max_study_s`: a study job still running after that many seconds is stopped and failed."""

    database_url: str = field(
        default_factory=lambda: _env("SIAGA_DATABASE_URL", f"sqlite:///{Path.cwd() / 'siaga.db'}")
    )
    max_body_bytes: int = field(default_factory=lambda: int(_env("SIAGA_MAX_BODY_BYTES", str(20 * 2**20))))
    max_areas: int = field(default_factory=lambda: int(_env("SIAGA_MAX_AREAS", "20000")))
    max_vehicles: int = field(default_factory=lambda: int(_env("SIAGA_MAX_VEHICLES", "5000")))
    max_time_limit_s: float = field(default_factory=lambda: float(_env("SIAGA_MAX_TIME_LIMIT_S", "120")))
    default_time_limit_s: float = field(
        default_factory=lambda: float(_env("SIAGA_DEFAULT_TIME_LIMIT_S", "10"))
    )
    workers: int = field(default_factory=lambda: int(_env("SIAGA_WORKERS", "2")))
    dask_scheduler: str | None = field(default_factory=lambda: os.environ.get("SIAGA_DASK_SCHEDULER") or None)
    job_max_attempts: int = field(default_factory=lambda: int(_env("SIAGA_JOB_MAX_ATTEMPTS", "2")))
    poll_interval_s: float = field(default_factory=lambda: float(_env("SIAGA_POLL_INTERVAL_S", "0.2")))
    job_heartbeat_timeout_s: float = field(
        default_factory=lambda: float(_env("SIAGA_JOB_HEARTBEAT_TIMEOUT_S", "10"))
    )
    max_study_scenarios: int = field(default_factory=lambda: int(_env("SIAGA_MAX_STUDY_SCENARIOS", "2000")))
    max_study_s: float = field(default_factory=lambda: float(_env("SIAGA_MAX_STUDY_S", "3600")))

    def __post_init__(self) -> None:
        names = (
            "max_body_bytes",
            "max_areas",
            "max_vehicles",
            "workers",
            "job_max_attempts",
            "max_study_scenarios",
        )
        for name in names:
            if getattr(self, name) < 1:
                raise ValueError(f"SIAGA setting {name}={getattr(self, name)}: expected >= 1")
        if self.job_heartbeat_timeout_s <= 0 or self.poll_interval_s <= 0:
            raise ValueError("SIAGA job heartbeat timeout and poll interval must be > 0")
        if self.max_time_limit_s <= 0 or self.default_time_limit_s <= 0 or self.max_study_s <= 0:
            raise ValueError("SIAGA time limits must be > 0")
