"""The gate before the body (api/http/gate.py): the key is checked before a body is read, large
uploads are capped, and a client sending invalid keys gets 429 with Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from api.http.gate import FailedKeys, GateMiddleware
from api.http.limits import BodyLimitMiddleware
from api.http.security import Caller, client_of
from api.http.settings import Settings

from ..api_fixtures import Service, start_service

BAD_KEY = {"Authorization": "Bearer siaga_000000000000_not-a-key"}


@pytest.fixture
def gate_service(database_url) -> Iterator[Service]:
    """The app with 5 invalid keys allowed per client per minute."""
    yield from start_service(database_url, poll_interval_s=0.1, auth_failures_max=5)


def _call(app, scope: dict, body: bytes) -> tuple[int, int, dict[bytes, bytes]]:
    """(status, how many times the app asked for the body, headers) of one ASGI request."""
    asked = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], asked, dict(start["headers"])


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
    }


@pytest.mark.parametrize("key", [None, b"Bearer siaga_000000000000_not-a-key"], ids=["no-key", "bad-key"])
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/scenarios"), ("GET", "/v1/scenarios"), ("HEAD", "/v1/jobs"), ("POST", "/nothing")],
)
def test_a_body_without_a_valid_key_is_never_read(gate_service, key, method, path):
    """A 19 MiB body without a valid key is answered 401 before the app asks for one byte of it,
    whatever the method and path (a route that takes no body, or none at all, included)."""
    headers = [(b"content-type", b"application/zip"), (b"content-length", str(19 * 2**20).encode())]
    headers += [(b"authorization", key)] if key else []
    scope = {**_scope(path, headers), "method": method}
    status, asked, _ = _call(gate_service.client.app, scope, b"PK" * 1000)
    assert (status, asked) == (401, 0)


def test_one_large_upload_too_many_is_503_with_retry_after(monkeypatch):
    """With one upload allowed, a second large (authenticated) body while the first is being read is
    answered 503 with Retry-After; small bodies pass meanwhile."""
    release = asyncio.Event()
    admin = Caller("k1", "0123456789ab", "admin", "admin")
    monkeypatch.setattr("api.http.gate.caller_of_token", lambda sessions, token: admin)
    app_state = SimpleNamespace(state=SimpleNamespace(sessions=None))

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    settings = Settings(database_url="sqlite://", max_uploads=1)
    gate = GateMiddleware(slow_app, settings, FailedKeys(5, 60))
    key = (b"authorization", b"Bearer siaga_0123456789ab_secret")
    large = [(b"content-length", str(2 * 2**20).encode()), key]

    async def run() -> list[int]:
        results: list[int] = []

        async def one(headers) -> None:
            sent: list[dict] = []

            async def receive():
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(m):
                sent.append(m)

            await gate({**_scope("/upload", headers), "app": app_state}, receive, send)
            start = next(m for m in sent if m["type"] == "http.response.start")
            results.append(start["status"])
            if start["status"] == 503:
                assert dict(start["headers"])[b"retry-after"] == b"1"

        first = asyncio.create_task(one(large))
        await asyncio.sleep(0.05)
        await one(large)  # refused at once
        release.set()
        await one([(b"content-length", b"10"), key])
        await first
        return results

    assert asyncio.run(run()) == [503, 200, 200]


def test_repeated_invalid_keys_get_429_with_retry_after(gate_service):
    """After 5 invalid keys within the window, each further invalid key gets 429 with Retry-After
    (seconds), on reads and on bodies alike; the client's valid keys still pass, and requests without
    any key (/health) are neither counted nor refused."""
    c = gate_service.client
    for _ in range(10):
        assert c.get("/v1/jobs").status_code == 401  # no key: not a guess
    for _ in range(5):
        assert c.get("/v1/jobs", headers=BAD_KEY).status_code == 401
    for r in (
        c.get("/v1/jobs", headers=BAD_KEY),
        c.post("/v1/plans", json={"scenario_id": "x"}, headers=BAD_KEY),
    ):
        assert r.status_code == 429, r.text
        assert r.json()["type"].endswith("too-many-failed-keys")
        assert 0 < int(r.headers["Retry-After"]) <= 60
    assert c.get("/v1/jobs", headers=gate_service.auth("viewer")).status_code == 200
    assert c.get("/health").status_code == 200


def test_failed_keys_in_post_bodies_count_too(gate_service):
    """Invalid keys on POSTs (checked by the gate, before the body) count toward the 429 as well."""
    c = gate_service.client
    for _ in range(5):
        assert c.post("/v1/incidents", json={"scenario_id": "x"}, headers=BAD_KEY).status_code == 401
    assert c.get("/v1/jobs", headers=BAD_KEY).status_code == 429


def test_failed_keys_forget_a_client_after_the_window(monkeypatch):
    """A blocked client may try again once its oldest failure has left the window."""
    now = [1000.0]
    monkeypatch.setattr("api.http.gate.time.monotonic", lambda: now[0])
    failed = FailedKeys(3, 60)
    for _ in range(3):
        failed.record("10.0.0.1")
    assert failed.retry_after_s("10.0.0.1") == 60 and failed.retry_after_s("10.0.0.2") is None
    now[0] += 61
    assert failed.retry_after_s("10.0.0.1") is None


def test_a_stalled_body_is_408():
    """A body whose client stops sending for the idle timeout is answered 408 (it would hold an upload
    slot for ever otherwise)."""

    async def never(scope, receive, send):  # the app: not reached
        raise AssertionError("the app ran")

    limit = BodyLimitMiddleware(never, max_body_bytes=1000, idle_timeout_s=0.1)
    sent: list[dict] = []

    async def receive() -> dict:
        if not sent and not getattr(receive, "first", False):
            receive.first = True  # type: ignore[attr-defined]
            return {"type": "http.request", "body": b"x" * 10, "more_body": True}
        await asyncio.sleep(10)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(limit(_scope("/v1/scenarios", [(b"content-length", b"100")]), receive, send))
    assert next(m for m in sent if m["type"] == "http.response.start")["status"] == 408


def test_ipv6_clients_count_by_their_64_network():
    """Invalid keys from addresses of one IPv6 /64 count together (a host has many of them)."""
    one = client_of({"client": ("2001:db8:1:2::10", 1)})
    assert one == client_of({"client": ("2001:db8:1:2:ffff::1", 2)}) == "2001:db8:1:2::/64"
    assert client_of({"client": ("192.0.2.7", 3)}) == "192.0.2.7"


@pytest.mark.parametrize(("role", "path"), [("viewer", "/v1/plans"), ("coordinator", "/v1/scenarios")])
def test_a_body_for_a_route_above_the_keys_role_is_never_read(gate_service, role, path):
    """A 19 MiB body to a route that needs a higher role than the key's is answered 403 before the
    app asks for one byte of it."""
    key = gate_service.keys[role].encode()
    headers = [(b"content-length", str(19 * 2**20).encode()), (b"authorization", b"Bearer " + key)]
    headers.append((b"content-type", b"application/json"))
    status, asked, _ = _call(gate_service.client.app, _scope(path, headers), b"{}")
    assert (status, asked) == (403, 0)
