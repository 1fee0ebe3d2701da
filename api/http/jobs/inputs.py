"""What a job solves, read from the database: the scenario (a `plan` job's, or a `replan` job's
incident scenario with its updates applied in order), the goods already delivered, and the solver
options from the job's parameters (time limit capped by the settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.plan import PlanOptions
from optimizer.routing import RoutingOptions
from scenarios import Scenario, ScenarioError, UpdateError, apply_updates, load_document

from ..db.models import Incident, IncidentUpdate, Job, ScenarioRecord
from ..scenario_cache import issue_errors

__all__ = ["JobInputError", "JobInputs", "load_inputs", "plan_options"]

ISSUES_SHOWN = 5


class JobInputError(ValueError):
    """The job cannot start: its scenario, incident or updates are missing or no longer apply."""


@dataclass(frozen=True)
class JobInputs:
    """A job's scenario and committed deliveries; where its plan belongs (`scenario_id`, the
    ScenarioRecord; `incident_id` and `upto_seq`, the last update applied, for re-plans)."""

    scenario: Scenario
    scenario_id: str
    committed: pd.DataFrame | None = None
    incident_id: str | None = None
    upto_seq: int | None = None


def load_inputs(session: Session, job: Job) -> JobInputs:
    """The inputs of a `plan` or `replan` job."""
    if job.kind == "plan":
        record = _scenario_record(session, job.scenario_id)
        return JobInputs(_scenario(record), record.id)
    if job.kind == "replan":
        return _replan_inputs(session, job)
    raise JobInputError(f"unknown job kind {job.kind!r}: expected plan or replan")


def _scenario_record(session: Session, scenario_id: str | None) -> ScenarioRecord:
    record = session.get(ScenarioRecord, scenario_id) if scenario_id else None
    if record is None:
        raise JobInputError(f"scenario {scenario_id!r} does not exist")
    return record


def _scenario(record: ScenarioRecord) -> Scenario:
    """The record's scenario; JobInputError naming the first problems, each at its JSON pointer into
    the stored document (`/areas/0/people/umum: Infinity must be a finite number`), when it no longer
    validates (the read routes answer the same problems as 409 stored-data-invalid)."""
    try:
        return load_document(record.document)
    except ScenarioError as exc:
        errors = issue_errors(exc.issues[:ISSUES_SHOWN])
        shown = "; ".join(f"{e['pointer'] or '/'}: {e['detail']}" for e in errors)
        more = f" (and {len(exc.issues) - ISSUES_SHOWN} more)" if len(exc.issues) > ISSUES_SHOWN else ""
        raise JobInputError(f"scenario {record.id} no longer validates: {shown}{more}") from None


def _replan_inputs(session: Session, job: Job) -> JobInputs:
    incident = session.get(Incident, job.incident_id) if job.incident_id else None
    if incident is None:
        raise JobInputError(f"incident {job.incident_id!r} does not exist")
    record = _scenario_record(session, incident.scenario_id)
    query = select(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id)
    upto = (job.params or {}).get("upto_seq")
    if upto is not None:
        query = query.where(IncidentUpdate.seq <= int(upto))
    updates = list(session.scalars(query.order_by(IncidentUpdate.seq)))
    try:
        scenario, delivered = apply_updates(_scenario(record), [(u.kind, u.payload) for u in updates])
    except UpdateError as exc:
        u = updates[exc.index]
        raise JobInputError(
            f"update {u.seq} ({u.kind}) no longer applies: {exc.field}: {exc.message}"
        ) from None
    committed = None
    if delivered:
        committed = pd.DataFrame(
            [(d.area, d.commodity, d.units) for d in delivered], columns=["area", "commodity", "units"]
        )
    seq = int(upto) if upto is not None else (updates[-1].seq if updates else 0)
    return JobInputs(scenario, record.id, committed, incident.id, seq)


def plan_options(params: dict[str, Any], max_time_limit_s: float, default_time_limit_s: float) -> PlanOptions:
    """Solver options from a job's `params` (time_limit s, seed, engine, iterations). There is always a
    time limit, capped at `max_time_limit_s`: with only an iteration budget, the cap bounds it."""
    limit = params.get("time_limit")
    if limit is None:
        limit = max_time_limit_s if params.get("iterations") is not None else default_time_limit_s
    routing = RoutingOptions(
        engine=str(params.get("engine") or "pyvrp"),
        time_limit_s=min(float(limit), max_time_limit_s),
        iterations=None if params.get("iterations") is None else int(params["iterations"]),
        seed=int(params.get("seed") or 0),
        workers=1,
    )
    return PlanOptions(routing=routing)
