"""What a request meets before its body is read (`GateMiddleware`, outside the body limit):

1. a path, query or Idempotency-Key with a control character (NUL, ...) is 422: PostgreSQL could
   not store it, and no id or name holds one;
2. a request with a body, and a request under /v1 with a key, is authenticated here: without a valid
   key a body is answered 401, and with a key whose role the route lacks 403, before a byte of it is
   read (the caller is kept in the scope for the route's own check: one key lookup per request);
3. a client that sent `settings.auth_failures_max` invalid keys within `auth_failure_window_s` gets
   429 with `Retry-After` for each further invalid key (`FailedKeys`), until the oldest failure leaves
   the window; its valid keys, and requests without a key (/health), still pass;
4. at most `settings.max_uploads` large bodies (over `LARGE_BODY_BYTES`, or of unknown length) are
   read at once; one more is answered 503 with `Retry-After`. Only authenticated bodies get that far.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict, deque
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from scenarios.strings import bad_character

from .problems import Problem, validation_problem
from .security import CALLER_KEY, Caller, bearer_token, caller_of_token, check_role, client_of, required_role
from .settings import Settings

__all__ = ["LARGE_BODY_BYTES", "FailedKeys", "GateMiddleware"]

LARGE_BODY_BYTES = 1 << 20
MAX_CLIENTS = 10_000  # clients with recent failures remembered; the oldest are forgotten first


class FailedKeys:
    """Invalid keys per client (its address) in a sliding window; thread-safe."""

    def __init__(self, max_failures: int, window_s: float):
        self.max, self.window_s = max_failures, window_s
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, client: str) -> None:
        with self._lock:
            times = self._seen.pop(client, None) or deque(maxlen=self.max)
            times.append(time.monotonic())
            self._seen[client] = times
            while len(self._seen) > MAX_CLIENTS:
                self._seen.popitem(last=False)

    def retry_after_s(self, client: str) -> int | None:
        """Seconds until `client` may try again, or None when it may now."""
        with self._lock:
            times = self._seen.get(client)
            if times is None or len(times) < self.max:
                return None
            wait = times[0] + self.window_s - time.monotonic()
            return math.ceil(wait) if wait > 0 else None


class GateMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, failed: FailedKeys):
        self.app = app
        self.settings = settings
        self.failed = failed
        self._uploads: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            _check_text(scope)
            token, body = _bearer(scope), _body_bytes(scope)
            if body > 0 or (token is not None and scope["path"].startswith("/v1/")):
                caller = scope[CALLER_KEY] = await self._authenticate(scope, token)
                if body > 0:
                    _check_role(scope, caller)
        except Problem as problem:
            await problem.response(scope.get("path", ""))(scope, receive, send)
            return
        if body <= LARGE_BODY_BYTES:
            await self.app(scope, receive, send)
            return
        uploads = self._uploads = self._uploads or asyncio.Semaphore(self.settings.max_uploads)
        if uploads.locked():
            detail = f"{self.settings.max_uploads} uploads are being read; retry in a moment."
            problem = Problem(503, detail, "too-many-uploads", headers={"Retry-After": "1"})
            await problem.response(scope["path"])(scope, receive, send)
            return
        async with uploads:
            await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope, token: str | None) -> Caller:
        """The caller of `token`; 401 when it is none or not valid, 429 when the client has sent too
        many invalid ones (each invalid key counts)."""
        try:
            return await run_in_threadpool(caller_of_token, scope["app"].state.sessions, token)
        except Problem:
            if token is not None:
                client = client_of(scope)
                _check_client(self.failed, client)
                self.failed.record(client)
            raise


def _check_role(scope: Scope, caller: Caller) -> None:
    """403 for a body sent to a route whose role the caller lacks (before the body is read)."""
    role = required_role(scope["app"], scope)
    if role is not None:
        check_role(caller, role)


def _check_client(failed: FailedKeys, client: str) -> None:
    wait = failed.retry_after_s(client)
    if wait is not None:
        detail = f"Too many invalid API keys from this client; retry in {wait} s."
        raise Problem(429, detail, "too-many-failed-keys", headers={"Retry-After": str(wait)})


def _bearer(scope: Scope) -> str | None:
    value = dict(scope.get("headers", [])).get(b"authorization", b"")
    return bearer_token(value.decode("latin-1"))


def _check_text(scope: Scope) -> None:
    """422 for a control character in the path, the query or the Idempotency-Key."""
    query = unquote(scope.get("query_string", b"").decode("latin-1"))
    places = [("path", scope.get("path", "")), ("query", query)]
    places += [
        ("header", value.decode("latin-1"))
        for name, value in scope.get("headers", [])
        if name == b"idempotency-key"
    ]
    errors = [
        {"pointer": "", "in": where, "detail": f"holds {char}, a control character; remove it"}
        for where, text in places
        if (char := bad_character(text)) is not None
    ]
    if errors:
        raise validation_problem(errors)


def _body_bytes(scope: Scope) -> float:
    """The size of the body the request declares: 0 for none, its Content-Length, or inf when it is
    chunked (of unknown length) or its length cannot be read."""
    headers = dict(scope.get("headers", []))
    length = headers.get(b"content-length")
    if length is not None:
        return int(length) if length.strip().isdigit() else math.inf
    return math.inf if b"transfer-encoding" in headers else 0
