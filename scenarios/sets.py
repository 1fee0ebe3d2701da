"""Scenario sets: scenarios with probabilities, for stockpile studies (issue 8).

A `ScenarioSet` is a tuple of validated scenarios, one probability each (>= 0, summing to 1), and a
`source` string (provenance and attribution, printed in study reports). `load_scenario_set` builds one
from a study file's `scenario_set` mapping:

    {kind: kaltim-hazards, n: 200, seed: 7, hazards: {karhutla: 2, longsor: 1}}
    {kind: gulf-coast, path: tests/data/rawls_turnquist_2010}

See docs/scenario-sets.md.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import Issue, ScenarioError
from .model import Scenario

__all__ = ["SCENARIO_SET_KINDS", "ScenarioSet", "load_scenario_set"]

SCENARIO_SET_KINDS = ("kaltim-hazards", "gulf-coast")
_WHERE = "scenario_set"
_KEYS = {"kaltim-hazards": {"kind", "n", "seed", "hazards"}, "gulf-coast": {"kind", "path"}}
_PROBABILITY_TOLERANCE = 1e-9
MAX_SCENARIOS = 100_000


def _error(field: str, message: str, value: Any = None) -> ScenarioError:
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
            raise _error("scenarios", "is a duplicate scenario id", dup)
        p.setflags(write=False)
        object.__setattr__(self, "scenarios", scenarios)
        object.__setattr__(self, "probabilities", p)

    def __len__(self) -> int:
        return len(self.scenarios)

    def subset(self, idx: Any) -> ScenarioSet:
        """The scenarios at `idx` (indices, a slice or a boolean mask), probabilities renormalised."""
        picked = np.arange(len(self.scenarios))[idx]
        picked = np.atleast_1d(picked).astype(np.int64)
        p = self.probabilities[picked]
        total = float(p.sum())
        if len(picked) == 0 or total <= 0:
            raise _error("subset", "must keep at least one scenario with probability > 0", len(picked))
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
        raise _error("scenarios", "must hold at least one scenario", 0)
    if len(p) != n:
        raise _error("probabilities", f"must give one probability per scenario ({n})", len(p))
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        bad = next(float(x) for x in p if not (np.isfinite(x) and x >= 0))
        raise _error("probabilities", "must all be finite and >= 0", bad)
    total = float(p.sum())
    if abs(total - 1.0) > _PROBABILITY_TOLERANCE * max(1, n):
        raise _error("probabilities", "must sum to 1", round(total, 12))


def load_scenario_set(spec: Mapping) -> ScenarioSet:
    """Build the scenario set a study file describes; dispatch on `spec["kind"]`.

    `kaltim-hazards`: `n` (whole number >= 1), `seed` (whole number >= 0), optional `hazards`
    ({hazard kind: weight >= 0}). `gulf-coast`: optional `path` (a directory of the Rawls & Turnquist
    files). Bad values raise `ScenarioError` naming the field and value.
    """
    if not isinstance(spec, Mapping):
        raise _error("", "must be a mapping with a `kind`", type(spec).__name__)
    kind = spec.get("kind")
    if kind not in _KEYS:
        raise _error("kind", f"is not a known scenario set kind; expected one of: {', '.join(_KEYS)}", kind)
    unknown = [k for k in spec if k not in _KEYS[kind]]
    if unknown:
        expected = ", ".join(sorted(_KEYS[kind]))
        raise _error(str(unknown[0]), f"is not a key of a {kind} set; expected: {expected}", unknown[0])
    if kind == "kaltim-hazards":
        from .hazards import kaltim_hazard_set

        n = _whole(spec, "n", 1, MAX_SCENARIOS, required=True)
        seed = _whole(spec, "seed", 0, None, required=True)
        return kaltim_hazard_set(n, seed, _weights(spec.get("hazards")))
    from .gulf_coast import load_gulf_coast

    path = spec.get("path")
    if path is not None and not isinstance(path, str | Path):
        raise _error("path", "must be a directory path", path)
    return load_gulf_coast(Path(path) if path is not None else None)


def _whole(spec: Mapping, key: str, low: int, high: int | None, required: bool) -> int:
    value = spec.get(key)
    if value is None:
        if required:
            raise _error(key, "is required (a whole number)")
        return low
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _error(key, "must be a whole number", value)
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"between {low} and {high}"
        raise _error(key, f"must be {bound}", value)
    return int(value)


def _weights(raw: Any) -> dict[str, float] | None:
    from .hazards import hazard_weights

    return None if raw is None else hazard_weights(raw)
