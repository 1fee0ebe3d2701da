"""`/v1/keys` (admin): create a key (its text is shown once), list them, revoke one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from ..db.models import ApiKey
from ..deps import SessionDep
from ..idempotency import IdempotencyDep
from ..problems import Problem
from ..schemas import KeyCreate, KeyCreated, KeyPublic, KeysPublic
from ..security import Admin, create_key
from ..views import get_or_404, key_public
from .responses import AUTH, BODY, errors

__all__ = ["router"]

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.post(
    "", operation_id="create_key", status_code=201, response_model=KeyCreated, responses=errors(*BODY)
)
def create(body: KeyCreate, caller: Admin, session: SessionDep, idem: IdempotencyDep) -> JSONResponse:
    """A new API key with a role; the answer holds the key's text, which is not stored (only its hash):
    a replay of the same Idempotency-Key answers `key` null."""
    key, text = create_key(session, body.role, body.name)
    session.flush()
    created = KeyCreated(**key_public(key).model_dump(), key=text)
    body = created.model_dump(mode="json")
    return idem.commit(session, 201, body, f"/v1/keys/{key.id}", secret=("key",))


@router.get("", operation_id="list_keys", response_model=KeysPublic, responses=errors(*AUTH))
def list_keys(
    caller: Admin,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> KeysPublic:
    """Every key (without its secret), oldest first."""
    keys = session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id).limit(limit).offset(offset))
    count = session.scalar(select(func.count()).select_from(ApiKey)) or 0
    return KeysPublic(data=[key_public(k) for k in keys], count=count)


@router.delete(
    "/{key_id}", operation_id="revoke_key", response_model=KeyPublic, responses=errors(*AUTH, 404, 409)
)
def revoke(key_id: str, caller: Admin, session: SessionDep) -> KeyPublic:
    """Revoke a key: it answers 401 from now on. An admin cannot revoke the key it is using."""
    key = get_or_404(session, ApiKey, key_id, "key")
    if key.id == caller.id:
        raise Problem(409, "A key cannot revoke itself; use another admin key.")
    key.revoked = True
    session.commit()
    return key_public(key)
