"""Input problems reported like a compiler: file, line, field, value, what was expected."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

__all__ = ["Issue", "ScenarioError", "format_value"]

_MISSING = object()


def format_value(value: object) -> str:
    """Show a bad value as the user wrote it: strings quoted, others as JSON."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, str):
        return repr(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class Issue:
    """One problem in the input, located as precisely as the source allows. `path` is the place in the
    scenario document (e.g. ("areas", 3, "people", "lansia")) when known: the HTTP API's JSON pointer."""

    file: str
    line: int | None
    field: str
    message: str
    value: Any = _MISSING
    path: tuple[str | int, ...] | None = _field(default=None, compare=False)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        shown = format_value(self.value)
        head = f"{where}: {self.field}:" if self.field else f"{where}:"
        return f"{head} {shown} {self.message}" if shown else f"{head} {self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line or 0, self.field)


class ScenarioError(ValueError):
    """A scenario could not be loaded; carries every issue found, sorted by file and line."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues, key=Issue.sort_key)
        super().__init__("\n".join(str(i) for i in self.issues))
