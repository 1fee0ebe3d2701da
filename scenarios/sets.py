"""Scenario sets from study files: `load_scenario_set` dispatches to the generators (issue 8).

A `ScenarioSet` (`scenarios.scenario_set`) is a tuple of validated scenarios, one probability each
(>= 0, summing to 1), and a `source` string (provenance and attribution, printed in study reports).
`load_scenario_set` builds one from a study file's `scenario_set` mapping:

    {kind: kaltim-hazards, n: 200, seed: 7, hazards: {karhutla: 2, longsor: 1}}
    {kind: gulf-coast, path: tests/data/rawls_turnquist_2010}

See docs/scenario-sets.md.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias

from .gulf_coast import load_gulf_coast
from .hazard_params import hazard_weights
from .hazards import kaltim_hazard_set
from .jsontypes import JSONValue
from .scenario_set import ScenarioSet, scenario_set_error

__all__ = ["MAX_SCENARIOS", "SCENARIO_SET_KINDS", "ScenarioSet", "ScenarioSetSpec", "load_scenario_set"]

SCENARIO_SET_KINDS = ("kaltim-hazards", "gulf-coast")
_KEYS = {"kaltim-hazards": {"kind", "n", "seed", "hazards"}, "gulf-coast": {"kind", "path"}}
MAX_SCENARIOS = 100_000

# a study file's `scenario_set` mapping as parsed (YAML/JSON); `path` may also be a `Path`
ScenarioSetSpec: TypeAlias = Mapping[str, JSONValue | Path]


def load_scenario_set(spec: ScenarioSetSpec) -> ScenarioSet:
    """Build the scenario set a study file describes; dispatch on `spec["kind"]`.

    `kaltim-hazards`: `n` (whole number >= 1), `seed` (whole number >= 0), optional `hazards`
    ({hazard kind: weight >= 0}). `gulf-coast`: optional `path` (a directory of the Rawls & Turnquist
    files). Bad values raise `ScenarioError` naming the field and value.
    """
    if not isinstance(spec, Mapping):
        raise scenario_set_error("", "must be a mapping with a `kind`", type(spec).__name__)
    kind = spec.get("kind")
    if not isinstance(kind, str) or kind not in _KEYS:
        expected = ", ".join(_KEYS)
        raise scenario_set_error(
            "kind", f"is not a known scenario set kind; expected one of: {expected}", kind
        )
    unknown = [k for k in spec if k not in _KEYS[kind]]
    if unknown:
        expected = ", ".join(sorted(_KEYS[kind]))
        raise scenario_set_error(
            str(unknown[0]), f"is not a key of a {kind} set; expected: {expected}", unknown[0]
        )
    if kind == "kaltim-hazards":
        n = _whole(spec, "n", 1, MAX_SCENARIOS, required=True)
        seed = _whole(spec, "seed", 0, None, required=True)
        raw = spec.get("hazards")
        return kaltim_hazard_set(n, seed, None if raw is None else hazard_weights(raw))
    path = spec.get("path")
    if path is not None and not isinstance(path, str | Path):
        raise scenario_set_error("path", "must be a directory path", path)
    return load_gulf_coast(Path(path) if path is not None else None)


def _whole(spec: ScenarioSetSpec, key: str, low: int, high: int | None, required: bool) -> int:
    value = spec.get(key)
    if value is None:
        if required:
            raise scenario_set_error(key, "is required (a whole number)")
        return low
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise scenario_set_error(key, "must be a whole number", value)
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"between {low} and {high}"
        raise scenario_set_error(key, f"must be {bound}", value)
    return int(value)
