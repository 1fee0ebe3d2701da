"""`Idempotency-Key` on creating POSTs. The first response (status, body, Location) is stored with the
created resource in one transaction, per key owner (the API key): the same key with the same request
(method, path, body; JSON compared as parsed) replays it, with `Idempotent-Replayed: true`; the same
key with another request is 422. Two concurrent first requests: one commits, the other's transaction
is rolled back (the unique key) and it replays the winner's response, so nothing is created twice."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db.models import IdempotencyRecord
from .deps import SessionDep
from .limits import BODY_KEY
from .problems import Problem
from .security import Caller, authenticate

__all__ = ["Idempotency", "IdempotencyDep", "install_replay_handler"]


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


@dataclass(frozen=True)
class Idempotency:
    """The request's key (None without the header), its owner and the request's hash."""

    key: str | None
    owner: str
    request_hash: str

    def commit(
        self, session: Session, status: int, body: dict[str, Any], location: str | None = None
    ) -> JSONResponse:
        """Commit `session` (the created resource) with the stored response; the response to send."""
        if self.key is not None:
            response = {"body": body, "location": location}
            session.add(
                IdempotencyRecord(
                    owner=self.owner,
                    key=self.key,
                    request_hash=self.request_hash,
                    status_code=status,
                    response=response,
                )
            )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            record = self.key and _find(session, self.owner, self.key)
            if not record:
                raise
            _replay_or_conflict(record, self.request_hash)
        return _response(status, body, location)


def _response(
    status: int, body: dict[str, Any], location: str | None, replayed: bool = False
) -> JSONResponse:
    headers = {"Location": location} if location else {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status, headers=headers)


def _find(session: Session, owner: str, key: str) -> IdempotencyRecord | None:
    query = select(IdempotencyRecord).where(IdempotencyRecord.owner == owner, IdempotencyRecord.key == key)
    return session.scalars(query).one_or_none()


def _replay_or_conflict(record: IdempotencyRecord, request_hash: str) -> None:
    if record.request_hash != request_hash:
        raise Problem(
            422,
            "This Idempotency-Key was used with another request (method, path or body).",
            "idempotency-key-reused",
            errors=[
                {"pointer": "/idempotency-key", "detail": "already used for another request", "in": "header"}
            ],
        )
    raise _Replay(record)


def _request_hash(request: Request) -> str:
    body: bytes = request.scope.get(BODY_KEY, b"")
    if "json" in request.headers.get("content-type", ""):
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    head = f"{request.method} {request.url.path}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def idempotency(
    request: Request,
    session: SessionDep,
    caller: Annotated[Caller, Depends(authenticate)],
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            description="Retry-safe creation: the same key and body return the first response.",
        ),
    ] = None,
) -> Idempotency:
    """The request's idempotency; a request seen before is answered here (replayed, or 422)."""
    digest = _request_hash(request)
    if idempotency_key is not None:
        record = _find(session, caller.id, idempotency_key)
        if record is not None:
            _replay_or_conflict(record, digest)
    return Idempotency(idempotency_key, caller.id, digest)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]


async def _on_replay(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, _Replay)
    r = exc.record.response
    return _response(exc.record.status_code, r["body"], r.get("location"), replayed=True)


def install_replay_handler(app: FastAPI) -> None:
    app.add_exception_handler(_Replay, _on_replay)
