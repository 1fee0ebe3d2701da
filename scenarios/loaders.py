"""Load a scenario from a directory, a JSON document, or a bundled name; validate it whole.

Every loader returns the same validated `Scenario` or raises `ScenarioError` with all problems,
each naming file, line, field, the bad value and what was expected.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Set
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .bundled import CATALOGUE_DIR, bundled_scenarios, display_path, find_bundled, library_dir
from .document import prepare_document
from .errors import Issue, ScenarioError
from .geo import NetworkRecords, read_damage_geojson, read_network_geojson
from .jsontypes import JSONDocument, JSONValue
from .model import Scenario
from .size import SizeLimits, check_document_size, table_limit, too_many
from .sources import Location, SourceMap, line_map_of_node, line_map_of_text
from .strings import string_issues
from .tables import TABLES, read_csv, rows_to_records
from .validation import issues_from_validation_error
from .yamlread import YamlRefused, read_yaml

__all__ = ["load_directory", "load_document", "load_json", "load_scenario"]

SCENARIO_KEYS = {
    "id",
    "name",
    "description",
    "base",
    "policy",
    "commodities",
    "groups",
    "standards",
    "areas",
    "warehouses",
    "vehicle_types",
    "fleet",
    "network",
    "damage",
    "water_points",
    "kitchens",
    "suppliers",
    "charters",
    "hubs",
}
DOCUMENT_KEYS = SCENARIO_KEYS - {"base"}


def load_scenario(ref: str | Path) -> Scenario:
    """Load `ref`: `-` (JSON on stdin), a directory, a JSON file, scenario.yaml or bundled name."""
    text = str(ref)
    if text == "-":
        return load_json(sys.stdin.read(), "<stdin>")
    path = Path(text)
    if path.is_dir():
        return load_directory(path)
    if path.is_file():
        if path.name in ("scenario.yaml", "scenario.yml"):
            return load_directory(path.parent)
        return load_json(_read_text(path), display_path(path))
    bundled = find_bundled(text)
    if bundled is not None:
        return load_directory(bundled)
    names = ", ".join(bundled_scenarios()) or "none"
    raise ScenarioError(
        [
            Issue(
                text,
                None,
                "",
                f"is not a bundled scenario, a directory or a JSON file; bundled scenarios: {names}",
            )
        ]
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        issue = Issue(display_path(path), None, "", f"is not UTF-8 ({err.reason})")
        raise ScenarioError([issue]) from None


def load_json(text: str, display: str = "<document>", limits: SizeLimits | None = None) -> Scenario:
    """Load one JSON document (the format of the HTTP API and of `siaga show`); `limits`: the most
    records it may hold, checked before validation."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        issue = Issue(display, err.lineno, f"column {err.colno}", f"is not valid JSON: {err.msg}")
        raise ScenarioError([issue]) from None
    except RecursionError:
        raise ScenarioError([Issue(display, None, "", "is nested too deeply to read")]) from None
    return load_document(doc, line_map_of_text(text, display, deferred=True), limits)


def load_document(
    doc: JSONValue, smap: SourceMap | None = None, limits: SizeLimits | None = None
) -> Scenario:
    """Validate a parsed document (a dict; anything else is reported); `smap` locates its values
    for messages; `limits` caps its lists before validation."""
    smap = smap or SourceMap()
    if not isinstance(doc, dict):
        raise ScenarioError([smap.issue((), "a scenario document must be a JSON object", None)])
    check_document_size(doc, limits, smap.default_file)
    issues = [
        smap.issue((k,), "is not a known top-level key", k, True) for k in doc if k not in DOCUMENT_KEYS
    ]
    doc = {k: v for k, v in doc.items() if k in DOCUMENT_KEYS}
    return _validate(doc, smap, issues)


def _validate(
    doc: JSONDocument, smap: SourceMap, issues: list[Issue], skip: Set[tuple[str, str]] = frozenset()
) -> Scenario:
    issues = issues + string_issues(doc, smap) + prepare_document(doc, smap)
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as err:
        found = issues_from_validation_error(err, smap)
        issues += [i for i in found if (i.file, i.field) not in skip]
        raise ScenarioError(issues) from None
    if issues:
        raise ScenarioError(issues)
    return scenario


def load_directory(path: Path, limits: SizeLimits | None = None) -> Scenario:
    """Load a scenario directory: `scenario.yaml` plus its CSV/GeoJSON tables (and its base's);
    `limits`: the most records each table may hold, checked as it is read."""
    path = Path(path)
    yaml_file = path / "scenario.yaml"
    display = display_path(yaml_file)
    if not yaml_file.is_file():
        raise ScenarioError([Issue(display_path(path), None, "", "has no scenario.yaml")])
    head, smap, issues = _read_yaml(yaml_file, display)
    if head is None:
        raise ScenarioError(issues)
    dirs = [path]
    base = head.pop("base", None)
    if base is not None:
        base_dir = _base_dir(path, str(base))
        if base_dir is None:
            issues.append(
                smap.issue(
                    ("base",),
                    "is not a bundled library (e.g. kaltim) nor a directory relative to the scenario",
                    base,
                )
            )
        else:
            dirs.insert(0, base_dir)
    check_document_size(head, limits, display)
    reader = _DirectoryReader(dirs, smap, limits)
    doc = reader.read(head)
    check_document_size(doc, limits, display)
    return _validate(doc, smap, issues + reader.issues, reader.missing_columns)


def _base_dir(scenario_dir: Path, base: str) -> Path | None:
    """A bundled library name, or a directory relative to the scenario directory."""
    if "/" in base or base.startswith("."):
        candidate = (scenario_dir / base).resolve()
        return candidate if candidate.is_dir() and candidate != scenario_dir.resolve() else None
    return library_dir(base)


def _yaml_issue(err: yaml.YAMLError, display: str) -> Issue:
    """A YAML syntax error at its line, with the column as the field."""
    if isinstance(err, YamlRefused):
        return Issue(display, err.line, "", err.problem)
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    if mark is None:
        return Issue(display, None, "", f"is not valid YAML: {problem}")
    return Issue(display, mark.line + 1, f"column {mark.column + 1}", f"is not valid YAML: {problem}")


def _read_yaml(file: Path, display: str) -> tuple[JSONDocument | None, SourceMap, list[Issue]]:
    text = _read_text(file)
    try:
        head, root = read_yaml(text)
    except yaml.YAMLError as err:
        return None, SourceMap(display), [_yaml_issue(err, display)]
    smap = line_map_of_node(root, display)
    if not isinstance(head, dict):
        return None, smap, [Issue(display, 1, "", "must be a mapping of keys (id, name, ...)")]
    issues = [smap.issue((k,), "is not a known key", k, True) for k in head if k not in SCENARIO_KEYS]
    return {k: v for k, v in head.items() if k in SCENARIO_KEYS}, smap, issues


class _DirectoryReader:
    """Reads the tables of a scenario directory, each from the last of `dirs` that has it."""

    def __init__(self, dirs: list[Path], smap: SourceMap, limits: SizeLimits | None = None):
        self.dirs = dirs
        self.smap = smap
        self.limits = limits
        self.issues: list[Issue] = []
        self.missing_columns: set[tuple[str, str]] = set()

    def _find(self, filename: str) -> Path | None:
        for d in reversed(self.dirs):
            if (d / filename).is_file():
                return d / filename
        return None

    def _table(
        self, name: str, root: tuple[str, ...], start: int = 0, path: Path | None = None
    ) -> list[JSONDocument]:
        spec = TABLES[name]
        path = path or self._find(spec.filename)
        if path is None:
            return []
        rows, issues = read_csv(path, display_path(path), spec, table_limit(self.limits, root))
        if rows.overflow_line is not None and self.limits is not None:
            raise too_many(rows.file, rows.overflow_line, root, self.limits)
        self.issues += issues
        self.missing_columns |= {(rows.file, c) for c in rows.missing}
        return rows_to_records(rows, spec, root, self.smap, start)

    def read(self, head: JSONDocument) -> JSONDocument:
        """The document of the directory: `head` (scenario.yaml) with every table it lacks read in."""
        # assembled from raw parts (YAML values, CSV records); validation checks its shape
        doc: dict[str, Any] = {k: head[k] for k in ("id", "name", "description") if k in head}
        doc["commodities"] = head.get("commodities") or self._catalogue_table("commodities")
        doc["groups"] = head.get("groups") or self._catalogue_table("groups")
        self._apply_demographics(doc["groups"])
        doc["standards"] = self._standards(head.get("standards"))
        doc["areas"] = head.get("areas") or self._table("areas", ("areas",))
        doc["warehouses"] = head.get("warehouses") or self._table("warehouses", ("warehouses",))
        if "warehouses" not in head:
            self._attach_stock(doc["warehouses"])
            self._attach_arrivals(doc["warehouses"])
        doc["vehicle_types"] = head.get("vehicle_types") or self._table("vehicle_types", ("vehicle_types",))
        doc["fleet"] = head.get("fleet") or self._table("fleet", ("fleet",))
        doc["network"] = head.get("network") or self._network()
        doc["damage"] = head.get("damage") or self._damage()
        doc["water_points"] = head.get("water_points") or self._table("water_points", ("water_points",))
        doc["kitchens"] = head.get("kitchens") or self._table("kitchens", ("kitchens",))
        for name in ("suppliers", "charters", "hubs"):
            doc[name] = head.get(name) or self._table(name, (name,))
        if "policy" in head:
            doc["policy"] = head["policy"]
        return doc

    def _catalogue_table(self, name: str) -> list[JSONDocument]:
        path = self._find(TABLES[name].filename) or CATALOGUE_DIR / TABLES[name].filename
        return self._table(name, (name,), path=path)

    def _apply_demographics(self, groups: list) -> None:
        overrides = self._table("demographics", ("demographics",))
        by_id = {g.get("id"): g for g in groups if isinstance(g, dict)}
        for k, row in enumerate(overrides):
            gid = row.get("group")
            if gid not in by_id:
                self.issues.append(self.smap.issue(("demographics", k, "group"), "unknown group", gid))
                continue
            by_id[gid]["share"] = row.get("share")
            loc, _ = self.smap.locate(("demographics", k, "share"))
            self.smap.add(("groups", groups.index(by_id[gid]), "share"), loc)

    def _standards(self, inline: JSONValue) -> list[JSONValue]:
        files: dict[str, Path] = {}
        for d in [CATALOGUE_DIR, *self.dirs]:
            for f in sorted((d / "standards").glob("*.yaml")):
                files[f.stem] = f
        profiles: list[JSONValue] = []
        for f in files.values():
            display = display_path(f)
            text = _read_text(f)
            try:
                profile, root = read_yaml(text)
            except yaml.YAMLError as err:
                self.issues.append(_yaml_issue(err, display))
                continue
            self.smap.update(line_map_of_node(root, display, ("standards", len(profiles))))
            self.smap.add(("standards", len(profiles)), Location(display, 1, ""))
            profiles.append(profile)
        if isinstance(inline, list):
            ids = {p.get("id") for p in inline if isinstance(p, dict)}
            profiles = [p for p in profiles if not (isinstance(p, dict) and p.get("id") in ids)]
            profiles += inline
        return profiles

    def _attach_stock(self, warehouses: list) -> None:
        lines = self._table("stock", ("stock",))
        index = {w.get("id"): i for i, w in enumerate(warehouses) if isinstance(w, dict)}
        first: dict[tuple, int] = {}
        for k, row in enumerate(lines):
            wid, cid = row.get("warehouse"), row.get("commodity")
            loc, _ = self.smap.locate(("stock", k))
            if wid not in index:
                known = ", ".join([w for w in index if isinstance(w, str)][:8])
                self.issues.append(
                    self.smap.issue(
                        ("stock", k, "warehouse"),
                        f"unknown warehouse; expected one of: {known}",
                        wid,
                    )
                )
                continue
            if (wid, cid) in first:
                self.issues.append(
                    self.smap.issue(
                        ("stock", k, "commodity"),
                        f"is listed twice for warehouse '{wid}' (first: line {first[(wid, cid)]})",
                        cid,
                    )
                )
                continue
            first[(wid, cid)] = loc.line or 0
            i = index[wid]
            warehouses[i].setdefault("stock", {})[cid] = row.get("units")
            if isinstance(cid, str):  # CSV cells are text; a row without a commodity has no key to map
                self.smap.add(
                    ("warehouses", i, "stock", cid), Location(loc.file, loc.line, "units", "commodity")
                )

    def _attach_arrivals(self, warehouses: list) -> None:
        lines = self._table("arrivals", ("arrivals",))
        index = {w.get("id"): i for i, w in enumerate(warehouses) if isinstance(w, dict)}
        for k, row in enumerate(lines):
            wid = row.get("warehouse")
            if wid not in index:
                known = ", ".join([w for w in index if isinstance(w, str)][:8])
                self.issues.append(
                    self.smap.issue(
                        ("arrivals", k, "warehouse"), f"unknown warehouse; expected one of: {known}", wid
                    )
                )
                continue
            i = index[wid]
            arrivals = warehouses[i].setdefault("arrivals", [])
            loc, _ = self.smap.locate(("arrivals", k))
            path = ("warehouses", i, "arrivals", len(arrivals))
            self.smap.add(path, loc)
            for col in ("commodity", "day", "units"):
                self.smap.add((*path, col), Location(loc.file, loc.line, col))
            arrivals.append({c: row.get(c) for c in ("commodity", "day", "units")})

    def _network(self) -> NetworkRecords:
        geo = self._find("network.geojson")
        nodes_csv = self._find("nodes.csv")
        if geo is not None and (nodes_csv is None or geo.parent == self.dirs[-1]):
            net, issues = read_network_geojson(geo, display_path(geo), self.smap)
            self.issues += issues
            return net
        return {
            "nodes": self._table("nodes", ("network", "nodes")),
            "edges": self._table("edges", ("network", "edges")),
        }

    def _damage(self) -> list[JSONDocument]:
        out = self._table("damage", ("damage",))
        geo = self._find("damage.geojson")
        if geo is not None:
            polys, issues = read_damage_geojson(geo, display_path(geo), self.smap, len(out))
            self.issues += issues
            out += polys
        return out
