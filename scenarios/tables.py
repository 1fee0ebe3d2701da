"""CSV tables of a scenario directory: which columns each table has and how a row becomes a record.

Every cell's position is recorded in a `SourceMap`, so a bad value is reported as
`areas.csv:14: people_lansia: '-3' must be >= 0`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from .errors import Issue
from .jsontypes import JSONDocument
from .sources import Location, SourceMap

__all__ = ["TABLES", "CsvRows", "TableSpec", "read_csv", "rows_to_records"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class TableSpec:
    """The columns of one CSV table and how its cells map onto a record of the document."""

    name: str
    filename: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    lists: frozenset[str] = frozenset()
    prefixes: dict[str, str] = field(default_factory=dict)  # column prefix -> dict field
    pairs: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (col0, col1)

    def allowed(self, column: str) -> bool:
        if column in self.columns or column == "note":
            return True
        return any(column.startswith(p) and len(column) > len(p) for p in self.prefixes)


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        TableSpec(
            "areas",
            "areas.csv",
            (
                "id",
                "name",
                "code",
                "kind",
                "kab_code",
                "lat",
                "lon",
                "node",
                "affected",
                "displaced_share",
                "access_open_h",
                "access_close_h",
                "modes",
            ),
            ("id", "name"),
            lists=frozenset({"modes"}),
            prefixes={"people_": "people", "need_": "needs"},
            pairs={"access_window_h": ("access_open_h", "access_close_h")},
        ),
        TableSpec(
            "warehouses",
            "warehouses.csv",
            (
                "id",
                "name",
                "operator",
                "kind",
                "kab_code",
                "lat",
                "lon",
                "node",
                "capacity_m3",
                "throughput_t_per_day",
                "owner",
                "reserve_share",
            ),
            ("id", "name"),
        ),
        TableSpec(
            "stock",
            "stock.csv",
            ("warehouse", "commodity", "units"),
            ("warehouse", "commodity", "units"),
        ),
        TableSpec(
            "arrivals",
            "arrivals.csv",
            ("warehouse", "commodity", "day", "units"),
            ("warehouse", "commodity", "day", "units"),
        ),
        TableSpec(
            "vehicle_types",
            "vehicle_types.csv",
            (
                "id",
                "name",
                "name_en",
                "modes",
                "road_classes",
                "speed_kmh",
                "capacity_kg",
                "capacity_m3",
                "weight_t",
                "cost_per_km",
                "cost_per_h",
                "fixed_cost",
                "shift_h",
                "daylight_only",
            ),
            ("id", "name", "modes", "speed_kmh", "capacity_kg", "capacity_m3"),
            lists=frozenset({"modes", "road_classes"}),
            prefixes={"speed_kmh_": "class_speed_kmh"},
        ),
        TableSpec(
            "fleet",
            "fleet.csv",
            ("warehouse", "vehicle_type", "count"),
            ("warehouse", "vehicle_type", "count"),
        ),
        TableSpec("nodes", "nodes.csv", ("id", "name", "lat", "lon", "kind"), ("id", "lat", "lon")),
        TableSpec(
            "edges",
            "edges.csv",
            (
                "id",
                "source",
                "target",
                "mode",
                "road_class",
                "length_km",
                "speed_kmh",
                "duration_h",
                "max_weight_t",
                "oneway",
                "daylight_only",
                "vessels",
                "vessels_low",
                "vessels_flood",
            ),
            ("id", "source", "target", "mode", "length_km"),
            lists=frozenset({"vessels", "vessels_low", "vessels_flood"}),
        ),
        TableSpec(
            "damage",
            "damage.csv",
            ("id", "edge", "effect", "speed_factor", "max_weight_t", "probability"),
            ("edge", "effect"),
        ),
        TableSpec("demographics", "demographics.csv", ("group", "share"), ("group", "share")),
        TableSpec(
            "kitchens",
            "kitchens.csv",
            (
                "id",
                "name",
                "area",
                "reach_km",
                "meals_per_day",
                "staff",
                "meals_per_staff_day",
                "meals_per_person_day",
                "from_day",
                "to_day",
                "rice_kg_per_meal",
                "side_dish_per_meal",
            ),
            ("id", "name", "area", "meals_per_day", "staff"),
        ),
        TableSpec(
            "water_points",
            "water_points.csv",
            (
                "id",
                "name",
                "kind",
                "operator",
                "lat",
                "lon",
                "commodity",
                "litres_per_day",
                "reach_km",
                "from_day",
            ),
            ("id", "name", "lat", "lon", "litres_per_day", "reach_km"),
        ),
        TableSpec(
            "suppliers",
            "suppliers.csv",
            (
                "id",
                "name",
                "kind",
                "warehouse",
                "commodity",
                "units_per_day",
                "max_units",
                "price_per_unit",
                "lead_time_h",
                "from_day",
            ),
            ("id", "name", "warehouse", "commodity", "units_per_day"),
        ),
        TableSpec(
            "charters",
            "charters.csv",
            (
                "id",
                "vehicle_type",
                "count",
                "warehouse",
                "from_h",
                "cost_per_day",
                "cost_per_h",
                "provider",
                "provider_kind",
            ),
            ("id", "vehicle_type", "warehouse", "provider"),
        ),
        TableSpec(
            "hubs",
            "hubs.csv",
            ("id", "name", "warehouse", "handling_h", "capacity_t_per_day", "reach_h", "sources"),
            ("id", "name", "warehouse"),
            lists=frozenset({"sources"}),
        ),
        TableSpec(
            "commodities",
            "commodities.csv",
            ("id", "name", "name_en", "unit", "kg_per_unit", "m3_per_unit", "kind"),
            ("id", "name", "unit", "kg_per_unit", "m3_per_unit"),
        ),
        TableSpec(
            "groups",
            "groups.csv",
            ("id", "pmks_no", "kind", "name", "name_en", "priority_weight", "share"),
            ("id", "name"),
        ),
    ]
}


@dataclass
class CsvRows:
    """The rows of one CSV file: (line number, {column: non-empty cell text})."""

    file: str
    header_line: int
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    missing: list[str] = field(default_factory=list)
    overflow_line: int | None = None  # the first row past `max_rows`, where reading stopped


def read_csv(
    path: FsPath, display: str, spec: TableSpec, max_rows: int | None = None
) -> tuple[CsvRows, list[Issue]]:
    """Read a CSV file; report unknown, duplicate and missing columns at the header line. Reading
    stops at the row after `max_rows` (its line is the result's `overflow_line`)."""
    issues: list[Issue] = []
    overflow: int | None = None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        issue = Issue(display, None, "", f"is not UTF-8 text ({err.reason})")
        return CsvRows(display, 1, [], []), [issue]
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    header_line = 1
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header_line = reader.line_num
                header = [c.strip() for c in cells]
                issues += _check_header(header, header_line, display, spec)
                continue
            line = reader.line_num
            if max_rows is not None and len(rows) >= max_rows:
                overflow = line
                break
            if len(cells) > len(header):
                issues.append(
                    Issue(
                        display,
                        line,
                        "",
                        f"has {len(cells)} cells; the header has {len(header)} columns",
                    )
                )
            row = {h: c.strip() for h, c in zip(header, cells, strict=False) if h and c.strip()}
            rows.append((line, row))
    except csv.Error as err:
        issues.append(Issue(display, reader.line_num, "", f"is not valid CSV: {err}"))
    if header is None:
        header = []
        issues.append(Issue(display, 1, "", "is empty; expected a header row"))
    missing = [c for c in spec.required if c not in header]
    for col in missing:
        issues.append(Issue(display, header_line, col, "column is missing (required)"))
    return CsvRows(display, header_line, header, rows, missing, overflow), issues


def _check_header(header: list[str], line: int, display: str, spec: TableSpec) -> list[Issue]:
    issues = []
    seen: set[str] = set()
    expected = ", ".join([*spec.columns, *(p + "<id>" for p in spec.prefixes), "note"])
    for col in header:
        if col in seen:
            issues.append(Issue(display, line, col, "column appears twice"))
        seen.add(col)
        if col and not spec.allowed(col):
            issues.append(Issue(display, line, col, f"unknown column; expected: {expected}"))
    return issues


def rows_to_records(
    table: CsvRows, spec: TableSpec, root: Path, smap: SourceMap, start: int = 0
) -> list[JSONDocument]:
    """Turn rows into document records at `root + (start + i,)`, recording each cell's location."""
    records: list[JSONDocument] = []
    for i, (line, row) in enumerate(table.rows):
        path = (*root, start + i)
        smap.add(path, Location(table.file, line, ""))
        records.append(_record(row, spec, path, table.file, line, smap))
    return records


def _record(
    row: dict[str, str], spec: TableSpec, path: Path, file: str, line: int, smap: SourceMap
) -> JSONDocument:
    rec: dict[str, Any] = {}
    paired = {c: (f, k) for f, cols in spec.pairs.items() for k, c in enumerate(cols)}
    for col, text in row.items():
        if not spec.allowed(col):
            continue
        prefix = next((p for p in spec.prefixes if col.startswith(p) and col not in spec.columns), None)
        if prefix is not None:
            key = col[len(prefix) :]
            rec.setdefault(spec.prefixes[prefix], {})[key] = text
            smap.add((*path, spec.prefixes[prefix], key), Location(file, line, col, col))
        elif col in paired:
            name, k = paired[col]
            rec.setdefault(name, [None, None])[k] = text
            smap.add((*path, name, k), Location(file, line, col))
            smap.add((*path, name), Location(file, line, "/".join(spec.pairs[name])))
        elif col in spec.lists:
            items = [t.strip() for t in text.split(";") if t.strip()]
            rec[col] = items
            smap.add((*path, col), Location(file, line, col))
            for k in range(len(items)):
                smap.add((*path, col, k), Location(file, line, col))
        else:
            rec[col] = text
            smap.add((*path, col), Location(file, line, col))
    return rec
