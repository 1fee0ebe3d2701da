"""The `ScenarioSet` type: validated scenarios with one probability each, for stockpile studies.

Its own module, below both the generators (`scenarios.hazards`, `scenarios.gulf_coast`) that build
sets and the study-file loader (`scenarios.sets.load_scenario_set`) that dispatches to them.
See docs/scenario-sets.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

from .errors import Issue, ScenarioError
from .model import Scenario

__all__ = ["ScenarioIndex", "ScenarioSet", "scenario_set_error"]

_WHERE = "scenario_set"
_PROBABILITY_TOLERANCE = 1e-9

ScenarioIndex: TypeAlias = int | slice | Sequence[int] | Sequence[bool] | np.ndarray
"""What `ScenarioSet.subset` takes: an index, a slice, indices or a boolean mask."""


def scenario_set_error(field: str, message: str, value: object = None) -> ScenarioError:
    """A `ScenarioError` about field `field` of a scenario set (or of its study-file mapping)."""
    return ScenarioError([Issue(_WHERE, None, field, message, value)])


@dataclass(frozen=True, eq=False)
class ScenarioSet:
    """Scenarios with one probability each (>= 0, summing to 1), checked at construction."""

    id: str
    name: str
    scenarios: tuple[Scenario, ...]
    probabilities: np.ndarray  # one per scenario, >= 0, sums to 1 (checked in __post_init__)
    source: str  # provenance and attribution, printed in study reports
    seed: int | None = None

    def __post_init__(self) -> None:
        scenarios = tuple(self.scenarios)
        p = np.array(self.probabilities, dtype=float).reshape(-1)
        _check_probabilities(p, len(scenarios))
        ids = [s.id for s in scenarios]
        if len(set(ids)) != len(ids):
            dup = next(i for k, i in enumerate(ids) if i in ids[:k])
            raise scenario_set_error("scenarios", "is a duplicate scenario id", dup)
        p.setflags(write=False)
        object.__setattr__(self, "scenarios", scenarios)
        object.__setattr__(self, "probabilities", p)

    def __len__(self) -> int:
        return len(self.scenarios)

    def subset(self, idx: ScenarioIndex) -> ScenarioSet:
        """The scenarios at `idx` (indices, a slice or a boolean mask), probabilities renormalised."""
        picked = np.arange(len(self.scenarios))[idx]
        picked = np.atleast_1d(picked).astype(np.int64)
        p = self.probabilities[picked]
        total = float(p.sum())
        if len(picked) == 0 or total <= 0:
            raise scenario_set_error(
                "subset", "must keep at least one scenario with probability > 0", len(picked)
            )
        return ScenarioSet(
            id=self.id,
            name=self.name,
            scenarios=tuple(self.scenarios[k] for k in picked),
            probabilities=p / total,
            source=self.source,
            seed=self.seed,
        )


def _check_probabilities(p: np.ndarray, n: int) -> None:
    if n == 0:
        raise scenario_set_error("scenarios", "must hold at least one scenario", 0)
    if len(p) != n:
        raise scenario_set_error("probabilities", f"must give one probability per scenario ({n})", len(p))
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        bad = next(float(x) for x in p if not (np.isfinite(x) and x >= 0))
        raise scenario_set_error("probabilities", "must all be finite and >= 0", bad)
    total = float(p.sum())
    if abs(total - 1.0) > _PROBABILITY_TOLERANCE * max(1, n):
        raise scenario_set_error("probabilities", "must sum to 1", round(total, 12))
