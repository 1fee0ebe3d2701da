"""Preparing a raw scenario document for validation: `extends` of standards, bare affected counts.

Both loaders (directory and JSON) pass their document through `prepare_document`, so a JSON
document may use the same conveniences as the CSV tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import SupportsFloat, SupportsIndex

from .errors import Issue
from .jsontypes import JSONDocument, JSONValue
from .sources import SourceMap

__all__ = ["GENERAL_GROUP", "prepare_document", "split_affected"]

GENERAL_GROUP = "umum"
_FLOATABLE = (str, bytes, bytearray, SupportsFloat, SupportsIndex)


def _number(value: object) -> float | None:
    # float() takes text, bytes and objects with __float__ or __index__; anything else is no number
    if isinstance(value, bool) or not isinstance(value, _FLOATABLE):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer of hundreds of digits
        return None
    return out if out == out and out not in (float("inf"), float("-inf")) else None


def group_shares(groups: JSONValue) -> dict[str, float]:
    """Group id -> share, for the well-formed groups of a raw document that have one."""
    shares: dict[str, float] = {}
    for g in groups if isinstance(groups, list) else []:
        gid = g.get("id") if isinstance(g, dict) else None
        if isinstance(g, dict) and isinstance(gid, str):
            share = _number(g.get("share")) if g.get("share") not in (None, "") else None
            if share is not None:
                shares[gid] = share
    return shares


def split_affected(affected: float, shares: Mapping[str, float]) -> dict[str, float]:
    """Split a bare count into groups by their shares; the rest is the general population.

    People are kept fractional (expected counts), so needs stay linear in people: doubling the
    count doubles every need exactly.
    """
    out = {g: affected * s for g, s in shares.items()}
    out[GENERAL_GROUP] = out.get(GENERAL_GROUP, 0.0) + affected * (1.0 - sum(shares.values()))
    return out


def prepare_document(doc: JSONDocument, smap: SourceMap) -> list[Issue]:
    """Resolve standards `extends` and split `affected` counts, in place; return the issues."""
    issues = _resolve_extends(doc, smap)
    issues += _split_areas(doc, smap)
    return issues


def _split_areas(doc: JSONDocument, smap: SourceMap) -> list[Issue]:
    areas = doc.get("areas")
    if not isinstance(areas, list):
        return []
    groups = doc.get("groups")
    shares = group_shares(groups)
    known = {g.get("id") for g in groups if isinstance(g, dict)} if isinstance(groups, list) else set()
    issues = []
    for i, area in enumerate(areas):
        if not isinstance(area, dict) or "affected" not in area:
            continue
        raw = area.pop("affected")
        count = _number(raw)
        if count is None or count < 0:
            issues.append(smap.issue(("areas", i, "affected"), "must be a number >= 0", raw))
            continue
        if GENERAL_GROUP not in known:
            issues.append(
                smap.issue(
                    ("areas", i, "affected"),
                    f"needs the group '{GENERAL_GROUP}' to split into",
                    raw,
                )
            )
            continue
        people = area.get("people")
        people = dict(people) if isinstance(people, dict) else {}
        for g, n in split_affected(count, shares).items():
            current = _number(people.get(g, 0.0))
            if current is not None:
                people[g] = current + n
        area["people"] = people
    return issues


def _resolve_extends(doc: JSONDocument, smap: SourceMap) -> list[Issue]:
    profiles = doc.get("standards")
    if not isinstance(profiles, list):
        return []
    by_id = {p.get("id"): p for p in profiles if isinstance(p, dict)}
    issues: list[Issue] = []
    resolved: dict[JSONValue, list[JSONValue]] = {}

    def items_of(pid: JSONValue, chain: tuple[JSONValue, ...]) -> list[JSONValue]:
        if pid in resolved:
            return resolved[pid]
        p = by_id[pid]
        items = p.get("items")
        own = list(items) if isinstance(items, list) else []
        parent = p.get("extends")
        if parent in (None, ""):
            resolved[pid] = own
        elif parent in chain:
            k = profiles.index(p)
            issues.append(smap.issue(("standards", k, "extends"), "makes a cycle", parent))
            resolved[pid] = own
        elif parent not in by_id:
            resolved[pid] = own  # reported as an unknown profile by validation
            return own
        else:
            resolved[pid] = own + items_of(parent, (*chain, pid))
        return resolved[pid]

    for p in profiles:
        if isinstance(p, dict) and p.get("extends") not in (None, "") and p.get("extends") in by_id:
            p["items"] = items_of(p.get("id"), (p.get("id"),))
            p["extends"] = None
    return issues
