"""Studies as the API takes them (`POST /v1/studies`): a study spec as JSON (docs/study.md) or
`{"bundled": NAME}`, checked before a job is queued, every problem a JSON pointer into the body:

- the spec itself (`StudySpec`: types, ranges, unknown fields, duplicate ids, stock lines naming
  sites and commodities of the study);
- its `scenario_set`: a known kind, its parameters, at most `settings.max_study_scenarios` scenarios,
  and no `path` (the server's files are not the client's to name; the gulf-coast set is read from the
  bundled instance);
- the spec against the set's first scenario: every site a warehouse of the scenarios or placed by
  lat/lon or a network node, vehicle types and commodities the scenarios know. The set is built with
  one scenario for this (a kaltim-hazards member depends on its seed and index only), not n.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from api.study_files import bundled_studies, load_study
from optimizer.study import StudySpec
from scenarios import Scenario, ScenarioError, load_scenario_set
from scenarios.errors import format_value
from scenarios.sets import SCENARIO_SET_KINDS
from scenarios.strings import bad_strings

from .problems import json_pointer, validation_problem
from .schemas import BundledStudyRef
from .settings import Settings

__all__ = ["bundled_specs", "spec_document", "study_from_body"]

Errors = list[dict[str, Any]]
SET = "scenario_set"
_PATH = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_]\w*)*): (.+)$", re.DOTALL)


def spec_document(spec: StudySpec) -> dict[str, Any]:
    """The spec as stored and shown: JSON, without the fields left empty (null)."""
    return spec.model_dump(mode="json", exclude_none=True)


@lru_cache(maxsize=1)
def bundled_specs() -> dict[str, dict[str, Any]]:
    """Every bundled study's spec as JSON, by name (the file's stem)."""
    return {name: spec_document(load_study(name)[0]) for name in bundled_studies()}


def study_from_body(body: Any, settings: Settings) -> StudySpec:
    """The validated spec of a request body; a 422 problem listing every error otherwise."""
    if not isinstance(body, Mapping):
        raise _invalid([_error("", 'must be a JSON object: a study spec or {"bundled": NAME}')])
    bad = bad_strings(body)
    if bad:
        raise _invalid([_error(json_pointer(p), f"holds {char}, a control character") for p, char, _ in bad])
    spec = _bundled(body) if "bundled" in body else _spec(body)
    errors = _set_errors(spec, settings)
    if errors:
        raise _invalid(errors)
    return spec


def _error(pointer: str, detail: str) -> dict[str, Any]:
    return {"pointer": pointer, "detail": detail, "in": "body"}


def _invalid(errors: Errors) -> Exception:
    return validation_problem(errors)


def _pydantic_errors(exc: ValidationError) -> Errors:
    out = []
    for e in exc.errors():
        loc, msg = tuple(e.get("loc") or ()), str(e.get("msg", "is not valid"))
        if not loc and e.get("type") == "value_error":  # the spec's own cross-checks name their field
            msg = msg.removeprefix("Value error, ")
            m = _PATH.match(msg)
            if m:
                out.append(_error(_pointer(m.group(1)), m.group(2)))
                continue
        value = e.get("input")
        if loc and not isinstance(value, Mapping | list | tuple) and e.get("type") != "missing":
            msg = f"{msg} (got {format_value(value) or 'null'})"
        out.append(_error(json_pointer(loc), msg))
    return out


def _pointer(path: str) -> str:
    """`options[0].stock[1].site` -> `/options/0/stock/1/site`."""
    return json_pointer(re.findall(r"[A-Za-z_]\w*|\d+", path))


def _spec(body: Mapping) -> StudySpec:
    try:
        return StudySpec.model_validate(dict(body))
    except ValidationError as exc:
        raise _invalid(_pydantic_errors(exc)) from None


def _bundled(body: Mapping) -> StudySpec:
    try:
        ref = BundledStudyRef.model_validate(dict(body))
    except ValidationError as exc:
        raise _invalid(_pydantic_errors(exc)) from None
    specs = bundled_specs()
    if ref.bundled not in specs:
        known = ", ".join(specs) or "none"
        raise _invalid([_error("/bundled", f"no bundled study {ref.bundled!r}; bundled: {known}")])
    return StudySpec.model_validate(specs[ref.bundled])


def _set_errors(spec: StudySpec, settings: Settings) -> Errors:
    """The scenario set's problems, then (when it builds) the spec's against its first scenario."""
    raw = spec.scenario_set
    kind = raw.get("kind")
    if kind not in SCENARIO_SET_KINDS:
        expected = ", ".join(SCENARIO_SET_KINDS)
        shown = format_value(kind) or "nothing"
        return [
            _error(f"/{SET}/kind", f"{shown} is not a known scenario set kind; expected one of: {expected}")
        ]
    if "path" in raw:
        return [_error(f"/{SET}/path", "is not accepted by the API: the set is built from the bundled data")]
    probe = dict(raw)
    n = raw.get("n")
    if kind == "kaltim-hazards" and isinstance(n, int) and not isinstance(n, bool):
        if n > settings.max_study_scenarios:
            return [_error(f"/{SET}/n", f"{n} scenarios is above the limit {settings.max_study_scenarios}")]
        if n >= 1:  # else the set reports it
            probe["n"] = 1
    try:
        scenario_set = load_scenario_set(probe)
    except ScenarioError as exc:
        return [_issue_error(i) for i in exc.issues]
    except (TypeError, ValueError) as exc:  # a parameter of a shape the set's own checks do not expect
        return [_error(f"/{SET}", f"does not build a scenario set: {exc}")]
    if kind != "kaltim-hazards" and len(scenario_set) > settings.max_study_scenarios:
        limit = settings.max_study_scenarios
        return [_error(f"/{SET}", f"{len(scenario_set)} scenarios is above the limit {limit}")]
    return _spec_errors(spec, scenario_set.scenarios[0])


def _issue_error(issue: Any) -> dict[str, Any]:
    field = str(issue.field or "")
    pointer = f"/{SET}" + (json_pointer(field.split(".")) if field else "")
    shown = format_value(getattr(issue, "value", None))
    return _error(pointer, f"{issue.message} (got {shown})" if shown else issue.message)


def _spec_errors(spec: StudySpec, base: Scenario) -> Errors:
    """What `run_study` would reject only once running: sites, vehicle types and commodities the
    scenarios do not know."""
    errors: Errors = []
    warehouses = {w.id for w in base.warehouses}
    nodes = {n.id for n in base.network.nodes}
    vehicle_types = {v.id for v in base.vehicle_types}
    commodities = {c.id for c in base.commodities}
    for k, site in enumerate(spec.sites):
        if site.id in warehouses:
            continue
        if (site.lat is None) != (site.lon is None):
            errors.append(_error(f"/sites/{k}", "a new site needs both lat and lon"))
        elif site.lat is None and site.node is None:
            errors.append(
                _error(
                    f"/sites/{k}/id",
                    f"{site.id!r} is not a warehouse of the scenarios and has no lat/lon or node",
                )
            )
        if site.node is not None and nodes and site.node not in nodes:
            errors.append(
                _error(f"/sites/{k}/node", f"{site.node!r} is not a node of the scenarios' network")
            )
        for vt in site.fleet:
            if vt not in vehicle_types:
                known = ", ".join(sorted(vehicle_types))
                pointer = json_pointer(("sites", k, "fleet", vt))
                errors.append(_error(pointer, f"is not a vehicle type of the scenarios: {known}"))
    for k, c in enumerate(spec.commodities):
        if c.id not in commodities:
            known = ", ".join(sorted(commodities))
            errors.append(
                _error(f"/commodities/{k}/id", f"{c.id!r} is not a commodity of the scenarios: {known}")
            )
    if not spec.sites:  # the sites are the scenarios' warehouses
        for k, option in enumerate(spec.options):
            for j, line in enumerate(option.stock):
                if line.site not in warehouses:
                    pointer = f"/options/{k}/stock/{j}/site"
                    errors.append(_error(pointer, f"{line.site!r} is not a warehouse of the scenarios"))
    return errors
