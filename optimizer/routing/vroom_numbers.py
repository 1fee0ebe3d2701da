"""The numbers of a VROOM problem document, checked before it is read (`check_numbers`), each refusal
a `VroomError` with the JSON pointer of the number: every number must be finite (Python's json reads
NaN and Infinity); durations, distances, costs, time windows, service and setup times, skills and
`max_travel_time` are VROOM's 32-bit unsigned integers (0 to `MAX_VALUE`); amounts and capacities are
at most `MAX_AMOUNT`; coordinates are [lon, lat].
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scenarios.jsontypes import JSONDocument
from scenarios.jsonwalk import json_pointer, walk

__all__ = ["MAX_AMOUNT", "MAX_VALUE", "VroomError", "check_numbers", "label", "pointer"]

# durations, distances and costs (matrices, per_hour, per_km, fixed), time windows, service and setup
# times, skills, max_travel_time and max_distance: VROOM reads them as 32-bit unsigned integers
MAX_VALUE = 2**32 - 1
# capacities and amounts: VROOM's are int64, and the engines add loads up in int64; 2**40 (about 1.1e12,
# SIAGA's capacity when a vehicle gives none) keeps the sum of a million of them inside
MAX_AMOUNT = 2**40
_VALUE_KEYS = frozenset(
    {"time_window", "time_windows", "service", "setup", "max_travel_time", "max_distance", "skills"}
    | {"fixed", "per_hour", "per_km"}
)
_AMOUNT_KEYS = frozenset(("capacity", "delivery", "pickup", "amount"))
_COORDINATE_KEYS = frozenset(("location", "start", "end"))
_MATRIX_KEYS = ("durations", "distances", "costs")


class VroomError(ValueError):
    """The input is not a VROOM problem SIAGA can solve; the message says where and why, `pointer`
    (RFC 6901) at what in the document when one place is to blame ("" for the whole document)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


def pointer(*path: str | int) -> str:
    return json_pointer(path)


def label(path: Sequence[str | int]) -> str:
    """("jobs", 3, "delivery", 0) -> "jobs[3].delivery[0]", as the other messages name places."""
    out = ""
    for k in path:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def check_numbers(raw: JSONDocument) -> None:
    """`VroomError` at a number of the document that is not finite or out of its range (matrices first)."""
    doc: Mapping[str, Any] = raw
    matrices = doc.get("matrices")
    if isinstance(matrices, Mapping):
        for prof, m in matrices.items():
            if isinstance(m, Mapping):
                for k in _MATRIX_KEYS:
                    if k in m:
                        _check_matrix(m[k], ("matrices", prof, k))
    if "matrix" in doc:
        _check_matrix(doc["matrix"], ("matrix",))
    rest = {k: v for k, v in doc.items() if k not in ("matrices", "matrix")}
    for path, v in walk(rest):
        if isinstance(v, int | float) and not isinstance(v, bool):
            _check_number(path, v)


def _check_number(path: tuple[str | int, ...], v: float) -> None:
    where, at = label(path), pointer(*path)
    if isinstance(v, float) and not math.isfinite(v):
        raise VroomError(f"{where}: {v!r} is not a finite number", at)
    key = next((k for k in reversed(path) if isinstance(k, str)), "")
    if key in _COORDINATE_KEYS and isinstance(path[-1], int):
        low, high, what = (-180, 180, "longitude") if path[-1] == 0 else (-90, 90, "latitude")
        if not low <= v <= high:
            raise VroomError(f"{where}: {v!r} is not a {what} ({low} to {high})", at)
        return
    most = MAX_VALUE if key in _VALUE_KEYS else MAX_AMOUNT if key in _AMOUNT_KEYS else None
    if most is not None and not 0 <= v <= most:
        raise VroomError(f"{where}: {v!r} is outside 0..{most}", at)


def _check_matrix(m: Any, path: tuple[str | int, ...]) -> None:
    """A matrix of finite numbers in 0..MAX_VALUE (numpy: matrices are the bulk of a document)."""
    where = label(path)
    try:
        a = np.asarray(m, dtype=np.float64)
    except OverflowError:
        raise VroomError(f"{where}: holds a number outside 0..{MAX_VALUE}", pointer(*path)) from None
    except (ValueError, TypeError):
        raise VroomError(f"{where}: must be a square matrix of numbers", pointer(*path)) from None
    if a.ndim != 2:
        raise VroomError(f"{where}: must be a square matrix of numbers", pointer(*path))
    bad = np.argwhere(~np.isfinite(a) | (a < 0) | (a > MAX_VALUE))
    if len(bad):
        r, c = (int(x) for x in bad[0])
        raise VroomError(
            f"{where}[{r}][{c}]: {m[r][c]!r} is not a number in 0..{MAX_VALUE}", pointer(*path, r, c)
        )
