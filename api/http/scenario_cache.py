"""Scenarios, incident states and rendered plans kept in memory. Everything cached is immutable in the
database (scenario documents, plans, the append-only update log), so entries never go stale; each cache
is a small LRU.

Stored data is validated again when read: a scenario document that no longer validates (stored by an
older version, or written to the database directly) or a stored update that no longer applies raises
`Problem` 409 `stored-data-invalid` with the first errors, each a JSON pointer into the stored
scenario document (GET /v1/scenarios/{id}) or into the incident (GET /v1/incidents/{id}); read routes
answer it instead of failing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from network import ScenarioNetwork
from scenarios import Issue, Scenario, ScenarioError, UpdateError, apply_updates, load_document
from scenarios.updates import UpdatePayload

from .db.models import IncidentUpdate, ScenarioRecord
from .problems import Problem
from .uploads import issue_error

__all__ = ["ERRORS_SHOWN", "LRU", "ScenarioCache", "apply_stored_updates", "issue_errors", "stored_scenario"]

ERRORS_SHOWN = 5  # of a stored document that no longer validates, the errors a problem lists

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A thread-safe least-recently-used map of at most `size` entries."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        found = self.get(key)
        return found if found is not None else self.put(key, make())


class ScenarioCache:
    """Base scenarios by record id; incident scenarios by (incident, last update seq) with the updates
    applied; networks of both; serialised plans by plan id."""

    def __init__(self, size: int = 16):
        self.scenarios: LRU[str, Scenario] = LRU(size)
        self.incidents: LRU[tuple[str, int], Scenario] = LRU(size * 4)
        self.networks: LRU[tuple[str, str, int], ScenarioNetwork] = LRU(size)
        self.plans: LRU[str, bytes] = LRU(size * 2)
        self.latest: LRU[str, tuple[int, Scenario]] = LRU(size * 4)

    def scenario(self, session: Session, record_id: str) -> Scenario:
        """The validated scenario of a stored record; `Problem` 409 when it no longer validates."""

        def load() -> Scenario:
            doc: Any = session.scalars(
                select(ScenarioRecord.document).where(ScenarioRecord.id == record_id)
            ).one()
            return stored_scenario(record_id, doc)

        return self.scenarios.get_or_make(record_id, load)

    def incident_scenario(self, session: Session, scenario_id: str, incident_id: str, upto: int) -> Scenario:
        """The incident's scenario after its updates with seq <= `upto` (0: the base scenario)."""
        base = self.scenario(session, scenario_id)
        if upto <= 0:
            return base

        def load() -> Scenario:
            return apply_stored_updates(incident_id, base, updates_upto(session, incident_id, upto))

        return self.incidents.get_or_make((incident_id, upto), load)

    def latest_state(self, session: Session, scenario_id: str, incident_id: str) -> tuple[int, Scenario]:
        """(seq, scenario) after the incident's last update: for validating the next one. Built from the
        cached state plus the updates stored since (by any server), each applied on the previous state."""
        seq, state = self.latest.get(incident_id) or (0, self.scenario(session, scenario_id))
        query = (
            select(IncidentUpdate.seq, IncidentUpdate.kind, IncidentUpdate.payload)
            .where(IncidentUpdate.incident_id == incident_id, IncidentUpdate.seq > seq)
            .order_by(IncidentUpdate.seq)
        )
        newer = [(s, k, p) for s, k, p in session.execute(query)]
        if newer:
            state = apply_stored_updates(incident_id, state, newer)
            seq = newer[-1][0]
        self.latest.put(incident_id, (seq, state))
        return seq, state

    def network(self, key: tuple[str, str, int], scenario: Scenario) -> ScenarioNetwork:
        return self.networks.get_or_make(key, lambda: ScenarioNetwork(scenario))


def updates_upto(
    session: Session, incident_id: str, upto: int | None = None
) -> list[tuple[int, str, UpdatePayload]]:
    """The incident's updates as (seq, kind, payload), in order, up to seq `upto` (None: all)."""
    query = select(IncidentUpdate.seq, IncidentUpdate.kind, IncidentUpdate.payload).where(
        IncidentUpdate.incident_id == incident_id
    )
    if upto is not None:
        query = query.where(IncidentUpdate.seq <= upto)
    return [(q, k, p) for q, k, p in session.execute(query.order_by(IncidentUpdate.seq))]


def issue_errors(issues: list[Issue], where: str = "stored") -> list[dict[str, Any]]:
    """The first ERRORS_SHOWN issues as a problem's errors[] (pointer, detail, `in`)."""
    return [issue_error(i, where=where) for i in issues[:ERRORS_SHOWN]]


def stored_scenario(record_id: str, document: Any) -> Scenario:
    """The scenario of a stored document; `Problem` 409 (stored-data-invalid) when it no longer
    validates: the first errors, each a pointer into the document."""
    try:
        return load_document(document)
    except ScenarioError as exc:
        errors = issue_errors(exc.issues)
        more = f" (and {len(exc.issues) - len(errors)} more)" if len(exc.issues) > len(errors) else ""
        shown = "; ".join(f"{e['pointer'] or '/'}: {e['detail']}" for e in errors)
        raise Problem(
            409,
            f"Stored scenario {record_id} no longer validates: {shown}{more}. Store a corrected scenario.",
            "stored-data-invalid",
            "Stored data is not valid",
            errors,
        ) from None


def apply_stored_updates(
    incident_id: str, scenario: Scenario, updates: list[tuple[int, str, UpdatePayload]]
) -> Scenario:
    """`scenario` after the stored `updates` ((seq, kind, payload) in order); `Problem` 409
    (stored-data-invalid) when one no longer applies, its pointer into the incident's document
    (`/updates/{seq - 1}/payload/...`, as GET /v1/incidents/{id} lists them) and its `seq`."""
    try:
        return apply_updates(scenario, [(k, p) for _, k, p in updates])[0]
    except UpdateError as exc:
        seq, kind, _ = updates[exc.index]
        inner = exc.field if exc.field == "/kind" else f"/payload{exc.field}"
        error = {"pointer": f"/updates/{seq - 1}{inner}", "detail": exc.message, "in": "stored", "seq": seq}
        raise Problem(
            409,
            f"Update {seq} ({kind}) of incident {incident_id} no longer applies: {inner}: {exc.message}.",
            "stored-data-invalid",
            "Stored data is not valid",
            [error],
        ) from None
