"""Walking parsed JSON documents: every value with its path, without recursion (a document may be
nested deeper than Python's stack), and the path as an RFC 6901 JSON pointer. The checks of raw
input (control characters, non-finite numbers) and the messages that locate a value share them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

__all__ = ["JsonPath", "json_pointer", "non_finite", "walk"]

JsonPath = tuple[str | int, ...]


def json_pointer(path: Iterable[str | int]) -> str:
    """RFC 6901: ("areas", 3, "people", "a/b") -> "/areas/3/people/a~1b"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def walk(doc: object, root: JsonPath = ()) -> Iterator[tuple[JsonPath, object]]:
    """(path, value) of `doc` and of every value inside it, containers included, depth first."""
    stack: list[tuple[JsonPath, object]] = [(root, doc)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))


def non_finite(doc: object, root: JsonPath = ()) -> Iterator[tuple[JsonPath, float]]:
    """(path, value) of each NaN or +/-Infinity in `doc`: JSON has no such numbers, but Python's
    parser takes the literals NaN and Infinity, and PostgreSQL refuses them."""
    for path, value in walk(doc, root):
        if isinstance(value, float) and not math.isfinite(value):
            yield path, value
