"""An incident's append-only update log. A new update is checked by applying it after all the stored
ones (`scenarios.apply_updates`), stored with the next `seq`, its sender and time, and queues a re-plan
of the updates up to it. Re-plans still queued for older updates are cancelled as superseded: the new
one covers them (a running one is left to finish).

Two servers appending at once: the unique (incident, seq) makes one of them fail; it re-reads the log
and tries again. Within a server a lock per incident keeps that from happening at all."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scenarios import Scenario, UpdateError, apply_updates
from scenarios.updates import check_fields

from .db.models import Incident, IncidentUpdate, Job, utcnow
from .problems import Problem, validation_problem
from .scenario_cache import ScenarioCache
from .schemas import UpdateCreate
from .security import Caller

__all__ = ["IncidentLocks", "append_update"]

ATTEMPTS = 8


class IncidentLocks:
    """A fixed set of locks, an incident's chosen by its id."""

    def __init__(self, n: int = 64):
        self._locks = [threading.Lock() for _ in range(n)]

    @contextmanager
    def hold(self, incident_id: str) -> Iterator[None]:
        with self._locks[zlib.crc32(incident_id.encode()) % len(self._locks)]:
            yield


def _check(state: Scenario, body: UpdateCreate) -> Scenario:
    try:
        check_fields(body.kind, body.payload)
        return apply_updates(state, [(body.kind, body.payload)])[0]
    except UpdateError as e:
        pointer = e.field if e.field == "/kind" else f"/payload{e.field}"
        raise validation_problem(
            [{"pointer": pointer, "detail": e.message, "in": "body"}],
            f"The update does not apply: {e.message}",
        ) from None


def append_update(
    session: Session,
    cache: ScenarioCache,
    incident: Incident,
    body: UpdateCreate,
    params: dict,
    caller: Caller,
) -> tuple[IncidentUpdate, Job, Scenario]:
    """Add the update and its re-plan job to `session` (flushed, not committed); also the scenario
    after it. 422 when it does not apply."""
    for _ in range(ATTEMPTS):
        seq, state = cache.latest_state(session, incident.scenario_id, incident.id)
        after = _check(state, body)
        u = IncidentUpdate(incident_id=incident.id, seq=seq + 1, kind=body.kind, payload=body.payload)
        u.actor, u.created_at = caller.actor, utcnow()
        job = Job(
            kind="replan",
            incident_id=incident.id,
            params={**params, "upto_seq": seq + 1},
            created_by=caller.id,
        )
        session.add_all([u, job])
        try:
            session.flush()
        except IntegrityError:  # another server took this seq: read the log again
            session.rollback()
            continue
        u.job_id = job.id
        _supersede(session, incident.id, job.id, seq + 1)
        return u, job, after
    raise Problem(409, "The incident is being updated by others at this moment; send the update again.")


def _supersede(session: Session, incident_id: str, job_id: str, seq: int) -> None:
    session.execute(
        update(Job)
        .where(Job.incident_id == incident_id, Job.kind == "replan", Job.status == "queued", Job.id != job_id)
        .values(
            status="cancelled",
            reason=f"superseded by the re-plan of update {seq} (job {job_id})",
            finished_at=utcnow(),
        )
    )
