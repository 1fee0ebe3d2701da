"""Scenarios, incident states and rendered plans kept in memory. Everything cached is immutable in the
database (scenario documents, plans, the append-only update log), so entries never go stale; each cache
is a small LRU."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from network import ScenarioNetwork
from scenarios import Scenario, apply_updates, load_document

from .db.models import IncidentUpdate, ScenarioRecord

__all__ = ["LRU", "ScenarioCache"]

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
        """The validated scenario of a stored record."""

        def load() -> Scenario:
            doc = session.scalars(select(ScenarioRecord.document).where(ScenarioRecord.id == record_id)).one()
            return load_document(doc)

        return self.scenarios.get_or_make(record_id, load)

    def incident_scenario(self, session: Session, scenario_id: str, incident_id: str, upto: int) -> Scenario:
        """The incident's scenario after its updates with seq <= `upto` (0: the base scenario)."""
        base = self.scenario(session, scenario_id)
        if upto <= 0:
            return base

        def load() -> Scenario:
            return apply_updates(base, updates_upto(session, incident_id, upto))[0]

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
        newer = session.execute(query).all()
        if newer:
            state = apply_updates(state, [(k, p) for _, k, p in newer])[0]
            seq = newer[-1][0]
        self.latest.put(incident_id, (seq, state))
        return seq, state

    def network(self, key: tuple[str, str, int], scenario: Scenario) -> ScenarioNetwork:
        return self.networks.get_or_make(key, lambda: ScenarioNetwork(scenario))


def updates_upto(
    session: Session, incident_id: str, upto: int | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The incident's updates as (kind, payload), in order, up to seq `upto` (None: all)."""
    query = select(IncidentUpdate.kind, IncidentUpdate.payload).where(
        IncidentUpdate.incident_id == incident_id
    )
    if upto is not None:
        query = query.where(IncidentUpdate.seq <= upto)
    return [(k, p) for k, p in session.execute(query.order_by(IncidentUpdate.seq))]
