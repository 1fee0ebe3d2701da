"""Errors as RFC 9457 problem details (`application/problem+json`): `type`, `title`, `status`, `detail`,
`instance`, and for validation `errors: [{pointer, detail}]`, each pointer a JSON pointer to the bad
field (RFC 6901) in the request body, or in the parameters (`in`: query, path or header).

`Problem` is raised by routes; the handlers turn it, FastAPI's validation errors, Starlette's HTTP errors
(404, 405, ...) and anything unexpected (500) into the same shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from scenarios.jsonwalk import json_pointer

__all__ = [
    "MEDIA_TYPE",
    "PROBLEM_TYPES",
    "Problem",
    "ProblemResponse",
    "install_problem_handlers",
    "json_pointer",
    "validation_problem",
]

MEDIA_TYPE = "application/problem+json"
_TAG = "tag:siaga.id,2026:problems/"
PROBLEM_TYPES = {
    "validation": _TAG + "validation",
    "idempotency-key-reused": _TAG + "idempotency-key-reused",
    "job-finished": _TAG + "job-finished",
    "body-too-large": _TAG + "body-too-large",
    "parse-budget": _TAG + "parse-budget",
    "too-many-uploads": _TAG + "too-many-uploads",
    "too-many-failed-keys": _TAG + "too-many-failed-keys",
    "stored-data-invalid": _TAG + "stored-data-invalid",
}


class ProblemResponse(JSONResponse):
    """A problem document, written as ASCII (\\u escapes) so that no client guesses its encoding wrong:
    `application/problem+json` has no charset parameter and not every client assumes UTF-8."""

    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


class Problem(Exception):
    """An error answered as a problem document. `kind` is a key of PROBLEM_TYPES, or None for a plain
    HTTP error (`type` about:blank, the status phrase as title)."""

    def __init__(
        self,
        status: int,
        detail: str,
        kind: str | None = None,
        title: str | None = None,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status, self.detail, self.kind = status, detail, kind
        self.title = title or HTTPStatus(status).phrase
        self.errors = list(errors) if errors is not None else None
        self.headers = headers

    def __reduce__(self) -> tuple:  # a worker process raises it too (api/http/parsing.py)
        return (Problem, (self.status, self.detail, self.kind, self.title, self.errors, self.headers))

    def document(self, instance: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": PROBLEM_TYPES[self.kind] if self.kind else "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.errors is not None:
            doc["errors"] = self.errors
        return doc

    def response(self, instance: str) -> ProblemResponse:
        return ProblemResponse(self.document(instance), status_code=self.status, headers=self.headers)


def validation_problem(errors: Sequence[dict[str, Any]], detail: str | None = None) -> Problem:
    """422 with `errors[]` ({pointer, detail, ...}); the detail counts them unless given."""
    n = len(errors)
    text = detail or f"{n} invalid field{'s' if n != 1 else ''}: " + "; ".join(
        f"{e['pointer'] or '/'}: {e['detail']}" for e in errors[:5]
    )
    return Problem(422, text, "validation", "Request is not valid", errors)


def _fastapi_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        where, *path = err.get("loc") or ("body",)
        inner = (err.get("ctx") or {}).get("pointer", "")  # a body-wide check names its place here
        detail = err.get("msg", "is not valid")
        item = {"pointer": json_pointer(path) + inner, "detail": detail, "in": str(where)}
        out.append(item)
    return out


def _instance(request: Request) -> str:
    return request.url.path


async def _on_problem(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, Problem)
    return exc.response(_instance(request))


async def _on_validation(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    return validation_problem(_fastapi_errors(exc)).response(_instance(request))


BODY_PARSE_FAILED = "There was an error parsing the body"  # FastAPI's 400 (e.g. JSON nested too deep)


async def _on_http(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # FastAPI's and Starlette's: a body (JSON, multipart form) not readable
        why = "JSON nested too deeply?" if exc.detail == BODY_PARSE_FAILED else str(exc.detail)
        error = {"pointer": "", "in": "body", "detail": f"cannot be read ({why})"}
        return validation_problem([error]).response(_instance(request))
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return Problem(exc.status_code, detail, headers=exc.headers).response(_instance(request))


async def _on_error(request: Request, exc: Exception) -> ProblemResponse:
    return Problem(500, "The server failed to answer; the error is logged.").response(_instance(request))


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of `app` as a problem document."""
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_error)
