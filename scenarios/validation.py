"""Turn pydantic validation errors and reference problems into located `Issue`s."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import Issue
from .references import ReferenceProblems
from .sources import SourceMap

__all__ = ["issues_from_validation_error"]

_SIMPLE = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "is too large for a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "string_pattern_mismatch": "must be an id of letters, digits, '_', '-' or '.'",
    "string_too_short": "must not be empty",
    "dict_type": "must be a mapping",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
}

_BOUNDS = {
    "greater_than_equal": ("ge", ">="),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "<="),
    "less_than": ("lt", "<"),
}


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    if kind in _BOUNDS:
        key, op = _BOUNDS[kind]
        return f"must be {op} {_num(ctx.get(key))}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} item(s)"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"]


def _num(value: object) -> str:
    """A bound as written: 10000000, not 1e+07 (pydantic gives integer bounds back as floats)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _shown(value: object) -> str | int | float | bool | None:
    return value if isinstance(value, str | int | float | bool) else None


def issues_from_validation_error(exc: ValidationError, smap: SourceMap) -> list[Issue]:
    """Every error of `exc` as an Issue located through `smap`."""
    out: list[Issue] = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, ReferenceProblems):
            for p in cause.problems:
                out.append(smap.issue(p.path, p.message, p.value, p.is_key))
            continue
        loc = tuple(err["loc"])
        is_key = bool(loc) and loc[-1] == "[key]"
        if is_key:
            loc = loc[:-1]
        value = None if err["type"] == "missing" else _shown(err.get("input"))
        out.append(smap.issue(loc, _message(err), value, is_key))
    return out
