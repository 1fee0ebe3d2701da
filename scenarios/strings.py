"""Text a scenario may hold: no control characters (tab, line feed and carriage return aside) and no
lone UTF-16 surrogates. PostgreSQL refuses NUL in text and JSON, and a surrogate cannot be encoded as
UTF-8, so either would fail only when stored; they are reported here, with the document's other
problems, before any validation."""

from __future__ import annotations

import json
import re

from .errors import Issue
from .jsontypes import JSONValue
from .jsonwalk import walk
from .sources import SourceMap

__all__ = ["BAD_CHARACTER", "bad_character", "bad_strings", "string_issues"]

# C0 controls but tab, LF and CR; DEL and the C1 controls; surrogates (only lone ones survive decoding)
BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# the same characters as json.dumps (ensure_ascii) escapes them: a cheap test of a whole document
# (tab, LF and CR come out as \t, \n, \r; a legitimate pair of surrogates only costs the walk)
_ESCAPED = re.compile(r"\\u00[0189][0-9a-fA-F]|\\u007[fF]|\\u[dD][89a-fA-F]|\\[bf]")


def bad_character(text: str) -> str | None:
    """The first character `text` may not hold, as U+XXXX, or None."""
    found = BAD_CHARACTER.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def bad_strings(doc: JSONValue) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """(path, the character as U+XXXX, whether it is in a key) of each string of `doc` holding a
    character it may not hold; the first 50, by path."""
    try:
        if not _ESCAPED.search(json.dumps(doc, default=str)):
            return []
    except (TypeError, ValueError, RecursionError):
        pass  # walk it instead
    found = []
    for path, value in walk(doc):
        if isinstance(value, str) and (char := bad_character(value)) is not None:
            found.append((path, char, False))
        elif isinstance(value, dict):
            keys = (k for k in value if isinstance(k, str))
            found += [((*path, k), c, True) for k in keys if (c := bad_character(k)) is not None]
    return sorted(found, key=lambda f: str(f[0]))[:50]


def string_issues(doc: JSONValue, smap: SourceMap) -> list[Issue]:
    """An issue for each string (value or key) of the raw document with a character it may not hold."""
    return [
        smap.issue(
            path,
            f"{'key ' if is_key else ''}holds {char}, a control character or lone surrogate",
            None,
            is_key,
        )
        for path, char, is_key in bad_strings(doc)
    ]
