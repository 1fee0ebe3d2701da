"""The request body limit (`settings.max_body_bytes`): 413 when `Content-Length` says more, or when the
streamed body grows past it (chunked uploads); 408 when the client sends nothing for `idle_timeout_s` in the
middle of a body (a slow upload must not hold an upload slot for ever). The body is read whole here, then
replayed to the app; its bytes are kept in the scope (`siaga.body`) for the Idempotency-Key hash."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import Problem

__all__ = ["BODY_KEY", "BodyLimitMiddleware"]

BODY_KEY = "siaga.body"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, idle_timeout_s: float = 30.0):
        self.app = app
        self.max = max_body_bytes
        self.idle_timeout_s = idle_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max:
            await self._too_large(scope, receive, send, f"Content-Length {declared}")
            return
        chunks, size, disconnected = [], 0, False
        while True:
            try:
                message = await asyncio.wait_for(receive(), self.idle_timeout_s)
            except TimeoutError:
                detail = f"The request body stalled: nothing arrived for {self.idle_timeout_s:g} s."
                problem = Problem(408, detail, headers={"Connection": "close"})
                await problem.response(scope.get("path", ""))(scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                disconnected = True
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max:
                await self._too_large(scope, receive, send, f"more than {self.max} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        scope[BODY_KEY] = body
        await self.app(scope, _replay(body, receive, disconnected), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, what: str) -> None:
        detail = f"The request body ({what}) is larger than the limit of {self.max} bytes."
        problem = Problem(413, detail, "body-too-large", headers={"Connection": "close"})
        await problem.response(scope.get("path", ""))(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive, disconnected: bool) -> Receive:
    """A receive that gives the buffered body once, then waits on the client (for disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if disconnected:
            return {"type": "http.disconnect"}
        return await receive()

    return replay
