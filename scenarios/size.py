"""How large a scenario a caller takes: counted as soon as each table or document is read, before
any validation, so an oversized upload costs its reading and nothing more.

The command line loads without limits; the HTTP service passes its own (`SIAGA_MAX_AREAS`, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import Issue, ScenarioError
from .jsontypes import JSONValue

__all__ = ["SizeLimits", "check_document_size", "table_limit", "too_many"]

# the document lists a limit names; any other list is capped by `rows`
_NAMED = {("areas",): "areas", ("network", "edges"): "edges", ("network", "nodes"): "nodes"}


@dataclass(frozen=True)
class SizeLimits:
    """The most areas, vehicles (fleet counts summed), network edges and nodes a scenario may have,
    and `rows`: the most records of any other table (warehouses, stock lines, damage, ...)."""

    areas: int = 20_000
    vehicles: int = 5_000
    edges: int = 400_000
    nodes: int = 200_000
    rows: int = 200_000

    def of(self, root: tuple[str, ...]) -> tuple[int, str]:
        """(the limit, what it counts) for the list at `root` of the document."""
        name = _NAMED.get(root)
        return (getattr(self, name), name) if name else (self.rows, f"{'.'.join(root)} records")


def table_limit(limits: SizeLimits | None, root: tuple[str, ...]) -> int | None:
    """The most rows the table read into `root` may have (None: no limit)."""
    return None if limits is None else limits.of(root)[0]


def too_many(file: str, line: int | None, root: tuple[str, ...], limits: SizeLimits) -> ScenarioError:
    """The error for a table at `root` that goes on past its limit (its rows were not all read)."""
    cap, what = limits.of(root)
    message = f"more than {cap} {what}; at most {cap}"
    return ScenarioError([Issue(file, line, ".".join(root), message, None, root)])


def check_document_size(doc: Mapping[str, JSONValue], limits: SizeLimits | None, file: str) -> None:
    """Raise ScenarioError when a list of the raw document is longer than its limit, or the fleet
    counts more vehicles; cheap (lengths and one sum, no line lookup), so it runs before validation."""
    if limits is None:
        return
    issues = []
    network = doc.get("network")
    lists: dict[tuple[str, ...], JSONValue] = {(k,): v for k, v in doc.items() if isinstance(v, list)}
    if isinstance(network, dict):
        lists |= {("network", k): v for k, v in network.items() if isinstance(v, list)}
    for root, items in lists.items():
        cap, what = limits.of(root)
        if isinstance(items, list) and len(items) > cap:
            message = f"{len(items)} {what}; at most {cap}"
            issues.append(Issue(file, None, ".".join(root), message, None, root))
    vehicles = _vehicle_count(doc.get("fleet"))
    if vehicles > limits.vehicles:
        message = f"{vehicles:g} vehicles; at most {limits.vehicles}"
        issues.append(Issue(file, None, "fleet", message, None, ("fleet",)))
    if issues:
        raise ScenarioError(issues)


def _vehicle_count(fleet: JSONValue) -> float:
    """The fleet's vehicles: each line's count (1 when absent; unreadable counts are validation's)."""
    total = 0.0
    for line in fleet if isinstance(fleet, list) else []:
        count = line.get("count", 1) if isinstance(line, dict) else 1
        total += _count(count)
    return total


def _count(value: JSONValue) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str) or value == "":
        return 1.0
    try:
        return float(value)
    except ValueError:
        return 1.0
    except OverflowError:  # an integer of hundreds of digits
        return float("inf")
