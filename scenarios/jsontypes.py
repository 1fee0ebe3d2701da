"""Names for untyped JSON-like data: raw parsed YAML/JSON documents before validation.

A loader receives whatever the parser produced; these aliases say so in one place, so signatures
name a document instead of `Any`. Validation (`scenarios.model`) turns a document into typed models.
"""

from __future__ import annotations

from typing import TypeAlias

__all__ = ["JSONDocument", "JSONValue"]

JSONValue: TypeAlias = str | int | float | bool | list["JSONValue"] | dict[str, "JSONValue"] | None
"""Any value of a parsed JSON (or YAML, read as JSON-like) document."""

JSONDocument: TypeAlias = dict[str, JSONValue]
"""A parsed JSON object: the top level of a scenario document, a record, a payload."""
