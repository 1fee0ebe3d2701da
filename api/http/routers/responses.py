"""The error responses routes document in OpenAPI: each a problem document (api/http/problems.py)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from ..schemas import ProblemDocument

__all__ = ["AUTH", "BODY", "errors"]

_TEXT = {
    401: "No API key, or not a valid one.",
    403: "The key's role is too low for this.",
    404: "No such resource.",
    409: "The resource is not in a state that allows this.",
    413: "The request body is larger than the limit.",
    422: "The request is not valid: errors[] points at each bad field.",
    429: "Too many invalid keys from this client; retry after the Retry-After seconds.",
    503: "Too many uploads at once; retry after the Retry-After seconds.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, as application/problem+json."""
    return {
        code: {
            "model": ProblemDocument,
            "description": _TEXT.get(code, HTTPStatus(code).phrase),
            "content": {"application/problem+json": {}},
        }
        for code in codes
    }


AUTH = (401, 403, 422, 429)  # every route with a key: header validation can answer 422 too
BODY = (*AUTH, 413, 503)
