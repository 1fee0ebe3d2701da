"""Service settings from the environment (`SIAGA_*`), with embedded defaults for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from scenarios.size import SizeLimits

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
    `max_study_s`: a study job still running after that many seconds is stopped and failed.
    Uploads: a scenario is read in a worker process with `parse_cpu_s` of CPU, `parse_memory_mb` of
    memory and `parse_timeout_s` of wall time (413 beyond), at most `max_uploads` bodies at once (503
    beyond; a body that stalls for `body_idle_timeout_s` gets 408). `auth_failures_max` invalid keys
    from one client within `auth_failure_window_s`: each further invalid key gets 429 until the window
    has passed. Idempotency records are kept `idempotency_retention_h` hours."""

    database_url: str = field(
        default_factory=lambda: _env("SIAGA_DATABASE_URL", f"sqlite:///{Path.cwd() / 'siaga.db'}")
    )
    max_body_bytes: int = field(default_factory=lambda: int(_env("SIAGA_MAX_BODY_BYTES", str(20 * 2**20))))
    max_areas: int = field(default_factory=lambda: int(_env("SIAGA_MAX_AREAS", "20000")))
    max_vehicles: int = field(default_factory=lambda: int(_env("SIAGA_MAX_VEHICLES", "5000")))
    max_edges: int = field(default_factory=lambda: int(_env("SIAGA_MAX_EDGES", "400000")))
    max_rows: int = field(default_factory=lambda: int(_env("SIAGA_MAX_ROWS", "200000")))
    parse_cpu_s: int = field(default_factory=lambda: int(_env("SIAGA_PARSE_CPU_S", "30")))
    parse_memory_mb: int = field(default_factory=lambda: int(_env("SIAGA_PARSE_MEMORY_MB", "2048")))
    parse_timeout_s: float = field(default_factory=lambda: float(_env("SIAGA_PARSE_TIMEOUT_S", "60")))
    max_uploads: int = field(default_factory=lambda: int(_env("SIAGA_MAX_UPLOADS", "4")))
    body_idle_timeout_s: float = field(default_factory=lambda: float(_env("SIAGA_BODY_IDLE_TIMEOUT_S", "30")))
    auth_failures_max: int = field(default_factory=lambda: int(_env("SIAGA_AUTH_FAILURES_MAX", "20")))
    auth_failure_window_s: float = field(
        default_factory=lambda: float(_env("SIAGA_AUTH_FAILURE_WINDOW_S", "60"))
    )
    idempotency_retention_h: float = field(
        default_factory=lambda: float(_env("SIAGA_IDEMPOTENCY_RETENTION_H", "24"))
    )
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
            "max_edges",
            "max_rows",
            "parse_cpu_s",
            "parse_memory_mb",
            "max_uploads",
            "auth_failures_max",
        )
        for name in names:
            if getattr(self, name) < 1:
                raise ValueError(f"SIAGA setting {name}={getattr(self, name)}: expected >= 1")
        if self.job_heartbeat_timeout_s <= 0 or self.poll_interval_s <= 0:
            raise ValueError("SIAGA job heartbeat timeout and poll interval must be > 0")
        if self.max_time_limit_s <= 0 or self.default_time_limit_s <= 0 or self.max_study_s <= 0:
            raise ValueError("SIAGA time limits must be > 0")
        positive = (self.parse_timeout_s, self.auth_failure_window_s, self.idempotency_retention_h)
        if min(positive) <= 0 or self.body_idle_timeout_s <= 0:
            raise ValueError("SIAGA parse and body timeouts, auth failure window, idempotency retention: > 0")

    @property
    def size_limits(self) -> SizeLimits:
        """The scenario loaders' limits (areas, vehicles, edges and nodes, other rows)."""
        return SizeLimits(self.max_areas, self.max_vehicles, self.max_edges, self.max_edges, self.max_rows)
