"""Where each value of a scenario document came from: file, line and the field name the user wrote.

Loaders fill a `SourceMap` while they read (CSV rows, YAML/JSON nodes); validation errors carry a
path into the document, and the map turns that path back into `areas.csv:14: people_lansia`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from .errors import Issue
from .yamlread import compose_yaml

__all__ = ["Location", "SourceMap", "line_map_of_node", "line_map_of_text"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    """A file position. `field` names the column or key as written; `key_field` names it when the
    problem is the mapping key itself (e.g. the `commodity` column of a stock line)."""

    file: str
    line: int | None
    field: str | None = None
    key_field: str | None = None


@dataclass
class SourceMap:
    """Path in the document -> Location; lookups fall back to the longest known prefix. A map may
    be `deferred`: filled by a function on its first lookup, so a valid document costs nothing."""

    default_file: str = "<document>"
    entries: dict[Path, Location] = field(default_factory=dict)
    deferred: Callable[[SourceMap], None] | None = None
    default_line: int | None = None  # the line of whatever the map does not know (1 for a one-line text)

    def add(self, path: Path, location: Location) -> None:
        self.entries[tuple(path)] = location

    def update(self, other: SourceMap) -> None:
        other.fill()
        self.entries.update(other.entries)

    def fill(self) -> None:
        """Run the deferred filling, once."""
        if self.deferred is not None:
            fill, self.deferred = self.deferred, None
            fill(self)

    def locate(self, path: Path) -> tuple[Location, Path]:
        """The location of `path` (or of its longest known prefix) and the unmatched rest."""
        self.fill()
        path = tuple(path)
        for n in range(len(path), -1, -1):
            loc = self.entries.get(path[:n])
            if loc is not None:
                return loc, path[n:]
        return Location(self.default_file, self.default_line), path

    def issue(self, path: Path, message: str, value: object = None, is_key: bool = False) -> Issue:
        """An `Issue` at `path`, named by the field the user wrote (`is_key`: the key itself)."""
        loc, rest = self.locate(path)
        if loc.field is not None and not rest:
            name = loc.key_field if (is_key and loc.key_field) else loc.field
        elif loc.field:
            name = ".".join([loc.field, *map(_part, rest)])
        elif loc.field is not None:
            name = _dotted(rest)
        else:
            name = _dotted(path)
        return Issue(loc.file, loc.line, name, message, value, tuple(path))


def _part(p: str | int) -> str:
    return f"[{p}]" if isinstance(p, int) else str(p)


def _dotted(path: Path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def line_map_of_text(text: str, file: str, prefix: Path = (), deferred: bool = False) -> SourceMap:
    """Map every path of a YAML or JSON text to its line (JSON is read as YAML for positions);
    `deferred`: only when a lookup first needs it (a JSON document with no problem is not composed)."""
    smap = SourceMap(file)

    def fill(m: SourceMap) -> None:
        try:
            root = compose_yaml(text)
        except yaml.YAMLError:
            return
        if root is not None:
            _walk(root, tuple(prefix), file, m)

    if deferred and text.count("\n") < 2:  # one line (compact JSON): every value is on line 1
        smap.default_line = 1
        return smap
    if deferred:
        smap.deferred = fill
    else:
        fill(smap)
    return smap


def line_map_of_node(root: yaml.Node | None, file: str, prefix: Path = ()) -> SourceMap:
    """Map every path of a composed YAML document (`scenarios.yamlread`) to its line."""
    smap = SourceMap(file)
    if root is not None:
        _walk(root, tuple(prefix), file, smap)
    return smap


def _walk(node: yaml.Node, path: Path, file: str, smap: SourceMap) -> None:
    smap.add(path, Location(file, node.start_mark.line + 1, _dotted(path) or None))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            smap.add((*path, k), Location(file, key.start_mark.line + 1, _dotted((*path, k))))
            _walk(value, (*path, k), file, smap)
            # the key's own line, for key-level problems, wins over the value's start
            smap.add((*path, k), Location(file, key.start_mark.line + 1, _dotted((*path, k))))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), file, smap)
