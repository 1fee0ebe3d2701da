"""What a request meets before its body is read (`GateMiddleware`, outside the body limit):

1. a path, query or Idempotency-Key with a control character (NUL, ...) is 422: PostgreSQL could
   not store it, and no id or name holds one;
2. a client that sent `settings.auth_failures_max` invalid keys within `auth_failure_window_s` gets
   429 with `Retry-After` until the oldest of them leaves the window (`FailedKeys`);
3. a POST, PUT, PATCH or DELETE under /v1 is authenticated here, so a request without a valid key
   is answered 401 before a byte of its body is read (the caller is kept in the scope for the
   route's own check: one key lookup per request);
4. at most `settings.max_uploads` large bodies (over `LARGE_BODY_BYTES`, or of unknown length) are
   read at once; one more is answered 503 with `Retry-After`.
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
from .security import CALLER_KEY, bearer_token, caller_of_token
from .settings import Settings

__all__ = ["LARGE_BODY_BYTES", "FailedKeys", "GateMiddleware", "client_of"]

LARGE_BODY_BYTES = 1 << 20
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
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


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


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
            self._check_client(scope)
            if scope["method"] in BODY_METHODS and scope["path"].startswith("/v1/"):
                scope[CALLER_KEY] = await self._authenticate(scope)
        except Problem as problem:
            await problem.response(scope.get("path", ""))(scope, receive, send)
            return
        if not _large(scope):
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

    def _check_client(self, scope: Scope) -> None:
        wait = self.failed.retry_after_s(client_of(scope))
        if wait is not None:
            detail = f"Too many invalid API keys from this client; retry in {wait} s."
            raise Problem(429, detail, "too-many-failed-keys", headers={"Retry-After": str(wait)})

    async def _authenticate(self, scope: Scope) -> object:
        token = _bearer(scope)
        sessions = scope["app"].state.sessions
        try:
            return await run_in_threadpool(caller_of_token, sessions, token)
        except Problem:
            if token is not None:
                self.failed.record(client_of(scope))
            raise


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


def _large(scope: Scope) -> bool:
    """A body over LARGE_BODY_BYTES, or chunked (of unknown length)."""
    headers = dict(scope.get("headers", []))
    length = headers.get(b"content-length")
    if length is not None:
        return not length.isdigit() or int(length) > LARGE_BODY_BYTES
    return b"chunked" in headers.get(b"transfer-encoding", b"").lower()
