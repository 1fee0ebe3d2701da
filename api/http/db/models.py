"""The service's tables (SQLAlchemy 2, declarative). Alembic migrations in api/http/db/migrations build them;
the models here are the contract the routers, the job runner and the workers share.

JSON documents (scenarios, plans, studies, job parameters, update payloads) are stored as text (`JSON`
type): SQLite and PostgreSQL both take them, and nothing queries inside them. Times are UTC and come back
timezone-aware from both databases (`UTCDateTime`: SQLite alone would return naive datetimes).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "JOB_STATUSES",
    "ROLES",
    "ApiKey",
    "Base",
    "IdempotencyRecord",
    "Incident",
    "IncidentUpdate",
    "Job",
    "PlanRecord",
    "ScenarioRecord",
    "StudyRecord",
    "UTCDateTime",
    "new_id",
    "utcnow",
]

ROLES = ("viewer", "coordinator", "admin")
JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """`DateTime(timezone=True)` stored as UTC and read back timezone-aware on every database (naive
    values are taken as UTC), so times compare and serialise the same on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    """An API key: `prefix` (shown, looked up) and the SHA-256 of its secret part (never stored)."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    prefix: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ScenarioRecord(Base):
    """A scenario as its validated JSON document (`siaga show --format json`)."""

    __tablename__ = "scenarios"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(String(200))  # the document's own id
    name: Mapped[str] = mapped_column(String(2000))  # the model's Text
    document: Mapped[dict] = mapped_column(JSON)
    n_areas: Mapped[int] = mapped_column(Integer)
    n_vehicles: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Job(Base):
    """A solve. `status` one of JOB_STATUSES; `reason` says why when failed or cancelled. `attempt`
    counts starts: a worker writes its result only while the job is running its attempt."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # plan | replan | study
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # time_limit, seed, engine, iterations
    scenario_id: Mapped[str | None] = mapped_column(ForeignKey("scenarios.id"), nullable=True)
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id"), nullable=True, index=True)
    plan_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the result
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PlanRecord(Base):
    """A plan as plan.json (docs/plan-format.md)."""

    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str | None] = mapped_column(ForeignKey("scenarios.id"), nullable=True)
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    document: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Incident(Base):
    """A scenario plus an append-only log of updates; `plan_id` is its current plan."""

    __tablename__ = "incidents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"))
    name: Mapped[str] = mapped_column(String(500), default="")
    plan_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IncidentUpdate(Base):
    """One update of an incident (never changed or deleted): `kind` and its `payload`, who sent it
    and when, and the re-plan job it started."""

    __tablename__ = "incident_updates"
    __table_args__ = (UniqueConstraint("incident_id", "seq"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(300))  # a key's name (at most 200) and prefix
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class StudyRecord(Base):
    """A stockpile study: its validated spec (`study_id` is the spec's own id), the job that runs it,
    and once that succeeded its result as study.json (docs/study-format.md; None until then)."""

    __tablename__ = "studies"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    study_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(2000))
    spec: Mapped[dict] = mapped_column(JSON)
    document: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IdempotencyRecord(Base):
    """The first response to a creating POST with an `Idempotency-Key`, per key owner."""

    __tablename__ = "idempotency"
    __table_args__ = (UniqueConstraint("owner", "key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(String(32))  # the API key's id
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))  # method, path and body
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)  # never a secret (api/http/idempotency.py)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
