"""API keys and roles. A key reads `siaga_<prefix>_<secret>`: the prefix (12 hex digits) is stored and
looked up, the secret only as its SHA-256, compared in constant time. Roles are ordered: viewer (read)
< coordinator (plans, incidents, updates, optimization) < admin (keys, scenarios).

Routes declare their role with `Depends(require(role))`; the dependency carries the role as `.role`,
so a test can enumerate the routes and check each one's."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from .db.models import ROLES, ApiKey
from .deps import SessionDep
from .problems import Problem

__all__ = [
    "CALLER_KEY",
    "Admin",
    "Caller",
    "Coordinator",
    "Viewer",
    "bearer_token",
    "caller_of_token",
    "check_role",
    "client_of",
    "create_key",
    "hash_secret",
    "install_key_check_first",
    "parse_key",
    "require",
    "required_role",
    "role_of",
    "verify_key",
]

CALLER_KEY = "siaga.caller"  # the scope's caller, once the gate (api/http/gate.py) checked the key
KEY_HEAD = "siaga_"
PREFIX_LEN = 12
_bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer siaga_...`")


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the key's id, prefix, name and role."""

    id: str
    prefix: str
    name: str
    role: str

    @property
    def actor(self) -> str:
        """How updates record their sender: the key's name and prefix."""
        return f"{self.name} ({self.prefix})" if self.name else self.prefix

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, role: str, name: str = "") -> tuple[ApiKey, str]:
    """A new key (added to `session`, not committed) and its full text, which is never stored."""
    if role not in ROLES:
        raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    prefix, secret = secrets.token_hex(PREFIX_LEN // 2), secrets.token_urlsafe(32)
    key = ApiKey(prefix=prefix, secret_hash=hash_secret(secret), role=role, name=name)
    session.add(key)
    return key, f"{KEY_HEAD}{prefix}_{secret}"


def parse_key(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a key's text, or None when it is not shaped like a key."""
    if not text.startswith(KEY_HEAD):
        return None
    rest = text[len(KEY_HEAD) :]
    prefix, sep, secret = rest[:PREFIX_LEN], rest[PREFIX_LEN : PREFIX_LEN + 1], rest[PREFIX_LEN + 1 :]
    return (prefix, secret) if sep == "_" and secret else None


def verify_key(session: Session, text: str) -> ApiKey | None:
    """The live key `text` is, or None (unknown prefix, wrong secret, revoked)."""
    parts = parse_key(text)
    if parts is None:
        return None
    key = session.scalars(select(ApiKey).where(ApiKey.prefix == parts[0])).one_or_none()
    given = hash_secret(parts[1])
    if key is None or not hmac.compare_digest(key.secret_hash, given) or key.revoked:
        return None
    return key


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="siaga"'})


def authenticate(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller of a request with a valid key (checked by the gate already, for requests with a
    body); 401 without one, and the client's failure counted when it sent an invalid key."""
    known = request.scope.get(CALLER_KEY)
    if isinstance(known, Caller):
        return known
    token = credentials.credentials if credentials is not None else None
    try:
        return _caller(session, token)
    except Problem:
        failed = getattr(request.app.state, "failed_keys", None)
        if token is not None and failed is not None:  # the gate saw no key (not under /v1)
            failed.record(client_of(request.scope))
        raise


def client_of(scope: Mapping[str, Any]) -> str:
    """Who sent a request, for counting its invalid keys: its address (IPv6: its /64 network)."""
    client = scope.get("client")
    host = str(client[0]) if client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return str(ipaddress.ip_network(f"{host}/64", strict=False)) if address.version == 6 else host


def caller_of_token(sessions: sessionmaker[Session], token: str | None) -> Caller:
    """The caller `token` is (a new session of `sessions`); 401 when it is no valid key."""
    with sessions() as session:
        return _caller(session, token)


def _caller(session: Session, token: str | None) -> Caller:
    if token is None:
        raise _unauthorized("An API key is required: send `Authorization: Bearer <key>`.")
    key = verify_key(session, token)
    if key is None:
        raise _unauthorized("The API key is not valid (unknown, revoked or mistyped).")
    return Caller(key.id, key.prefix, key.name, key.role)


def check_role(caller: Caller, role: str) -> Caller:
    if not caller.at_least(role):
        raise Problem(403, f"This needs the {role} role; the key has the {caller.role} role.")
    return caller


def require(role: str) -> Callable[[Caller], Caller]:
    """A dependency: the caller, who must hold `role` or a higher one (else 403)."""
    if role not in ROLES:
        raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")

    def check(caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
        return check_role(caller, role)

    check.role = role  # type: ignore[attr-defined]
    check.__name__ = f"require_{role}"
    return check


def install_key_check_first(app: FastAPI) -> None:
    """A body that is not JSON fails while FastAPI reads it, before the route's dependencies run, so
    a caller without a valid key would get the 422 meant for key holders. On a route that needs a key,
    such a request now gets what any other request would: 401 without a valid key, 403 without the
    role, and only then the 422."""
    answer_invalid = app.exception_handlers[RequestValidationError]

    async def on_invalid(request: Request, exc: Exception) -> Response:
        role = _route_role(request)
        if role is not None:
            try:
                await run_in_threadpool(_check_request, request, role)
            except Problem as problem:
                return problem.response(request.url.path)
        return await answer_invalid(request, exc)

    app.add_exception_handler(RequestValidationError, on_invalid)


def _route_role(request: Request) -> str | None:
    """The role the request's route requires (viewer where it only authenticates), or None."""
    return role_of(request.scope.get("route"))


def role_of(route: object) -> str | None:
    """The role `route` requires (viewer where it only authenticates), or None (no key needed)."""
    dependant = getattr(route, "dependant", None)
    found = None
    stack = list(dependant.dependencies) if dependant is not None else []
    while stack:
        dep = stack.pop()
        if getattr(dep.call, "role", None):
            return dep.call.role
        found = found or ("viewer" if dep.call is authenticate else None)
        stack.extend(dep.dependencies)
    return found


def _check_request(request: Request, role: str) -> None:
    caller = request.scope.get(CALLER_KEY)
    if not isinstance(caller, Caller):
        token = bearer_token(request.headers.get("authorization", ""))
        caller = caller_of_token(request.app.state.sessions, token)
    check_role(caller, role)


def bearer_token(authorization: str) -> str | None:
    """The key of an `Authorization: Bearer <key>` header's value, or None."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


Viewer = Annotated[Caller, Depends(require("viewer"))]
Coordinator = Annotated[Caller, Depends(require("coordinator"))]
Admin = Annotated[Caller, Depends(require("admin"))]


def _api_routes(routes: Iterable[object]) -> Iterator[APIRoute]:
    for r in routes:
        if isinstance(r, APIRoute):
            yield r
        else:  # an included router (FastAPI keeps the original), or a mount
            inner = getattr(getattr(r, "original_router", r), "routes", None)
            yield from _api_routes(inner or ())


def required_role(app: Any, scope: Mapping[str, Any]) -> str | None:
    """The role the route that `scope` (path and method) reaches requires, before routing: so the
    gate (api/http/gate.py) refuses a body that the route would refuse for its role, unread."""
    for route in _api_routes(getattr(getattr(app, "router", None), "routes", ())):
        if route.matches(scope)[0] == Match.FULL:
            return role_of(route)
    return None
