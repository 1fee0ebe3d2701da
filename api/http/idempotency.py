"""`Idempotency-Key` on creating POSTs. The first response (status, body, Location) is stored with the
created resource in one transaction, per key owner (the API key): the same key with the same request
(method, path, body; JSON compared as parsed, up to 1 MiB) replays it, with `Idempotent-Replayed:
true`; the same key with another request is 422. Two concurrent first requests: one commits, the
other's transaction is rolled back (the unique key) and it replays the winner's response, so nothing
is created twice.

No secret is stored: the fields a route names as `secret` (a new API key's text) are written as null,
and a replay answers them null (the key was shown once). Records older than
`settings.idempotency_retention_h` are not replayed (the key may be used afresh) and are purged, at
most every PURGE_EVERY_S, by the next creating request."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db.models import IdempotencyRecord, utcnow
from .deps import SessionDep, SettingsDep
from .limits import BODY_KEY
from .problems import Problem
from .security import Caller, authenticate

__all__ = ["Idempotency", "IdempotencyDep", "install_replay_handler", "purge_expired"]

PURGE_EVERY_S = 600.0
# JSON bodies up to this size are compared as parsed; larger ones byte for byte (parsing 17 MiB holds
# the interpreter for a second, and with it the server's event loop)
PARSED_HASH_BYTES = 1 << 20
_purged = {"at": 0.0}
_purge_lock = threading.Lock()


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


@dataclass(frozen=True)
class Idempotency:
    """The request's key (None without the header), its owner and the request's hash."""

    key: str | None
    owner: str
    request_hash: str
    retention_h: float = 24.0

    def commit(
        self,
        session: Session,
        status: int,
        body: dict[str, Any],
        location: str | None = None,
        secret: Sequence[str] = (),
    ) -> JSONResponse:
        """Commit `session` (the created resource) with the stored response, the `secret` fields of
        its body as null; the response to send (whole)."""
        if self.key is not None:
            stored = {k: (None if k in secret else v) for k, v in body.items()}
            response = {"body": stored, "location": location}
            session.add(
                IdempotencyRecord(
                    owner=self.owner,
                    key=self.key,
                    request_hash=self.request_hash,
                    status_code=status,
                    response=response,
                )
            )
        _maybe_purge(session, self.retention_h)
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


def _cutoff(retention_h: float) -> datetime:
    return utcnow() - timedelta(hours=retention_h)


def purge_expired(session: Session, retention_h: float) -> int:
    """Delete the records older than `retention_h` hours (not committed); how many."""
    old = delete(IdempotencyRecord).where(IdempotencyRecord.created_at < _cutoff(retention_h))
    result = session.execute(old)
    return int(getattr(result, "rowcount", 0) or 0)


def _maybe_purge(session: Session, retention_h: float) -> None:
    """Purge expired records with this commit, when the last purge is PURGE_EVERY_S old."""
    with _purge_lock:
        if time.monotonic() - _purged["at"] < PURGE_EVERY_S:
            return
        _purged["at"] = time.monotonic()
    purge_expired(session, retention_h)


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
    if "json" in request.headers.get("content-type", "") and len(body) <= PARSED_HASH_BYTES:
        # not JSON, or nested too deep to compare as parsed: the bytes as sent
        with contextlib.suppress(ValueError, RecursionError):
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    head = f"{request.method} {request.url.path}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def idempotency(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
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
    digest = _request_hash(request) if idempotency_key is not None else ""
    if idempotency_key is not None:
        record = _find(session, caller.id, idempotency_key)
        if record is not None and record.created_at < _cutoff(settings.idempotency_retention_h):
            session.delete(record)  # expired: the key starts afresh
            session.commit()
        elif record is not None:
            _replay_or_conflict(record, digest)
    return Idempotency(idempotency_key, caller.id, digest, settings.idempotency_retention_h)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]


async def _on_replay(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, _Replay)
    r = exc.record.response
    return _response(exc.record.status_code, r["body"], r.get("location"), replayed=True)


def install_replay_handler(app: FastAPI) -> None:
    app.add_exception_handler(_Replay, _on_replay)
