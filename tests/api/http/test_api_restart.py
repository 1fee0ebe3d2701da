"""A real `siaga serve` process killed with SIGKILL in the middle of a solve, then restarted on the same
database (SQLite and PostgreSQL): the job is never lost nor left running; it is re-run and succeeds, or
fails with a reason when it has no attempts left."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ...api_fixtures import make_keys, scenario_document
from ...live_server import serve_process

pytestmark = pytest.mark.slow  # every test here takes seconds (deselect with -m 'not slow')

HEARTBEAT_TIMEOUT_S = 2.0


@contextmanager
def serve(database_url: str, log: Path, **env: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """`siaga serve` on a free port of 127.0.0.1 until it answers /health; stopped (SIGTERM) on exit
    unless the test killed it."""
    environ = {
        **os.environ,
        "SIAGA_DATABASE_URL": database_url,
        "SIAGA_JOB_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
        "SIAGA_POLL_INTERVAL_S": "0.1",
        "SIAGA_WORKERS": "1",
        **env,
    }
    with serve_process(environ, log) as served:
        yield served


def _wait(base: str, job_id: str, key: str, until: tuple[str, ...], timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = httpx.get(f"{base}/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"}).json()
        if job["status"] in until:
            return job
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s: {job}"
        time.sleep(0.2)


@pytest.mark.parametrize("attempts", [2, 1])
def test_kill_9_mid_solve_then_restart(database_url, tmp_path, attempts):
    """Queue a 6 s solve, SIGKILL the server once the job runs, start a new server on the same
    database: with attempts left the job re-runs and succeeds (attempt 2) with a plan; without, it
    fails with a reason naming the stopped server. Never lost, never left running."""
    keys = make_keys(database_url)
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    log = tmp_path / "serve.log"
    env = {"SIAGA_JOB_MAX_ATTEMPTS": str(attempts)}
    with serve(database_url, log, **env) as (proc, base):
        r = httpx.post(f"{base}/v1/scenarios", json=scenario_document(), headers=admin, timeout=30)
        assert r.status_code == 201, r.text
        r = httpx.post(
            f"{base}/v1/plans", json={"scenario_id": r.json()["id"], "time_limit": 6}, headers=admin
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        _wait(base, job_id, keys["viewer"], ("running",), timeout=30)
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with serve(database_url, log, **env) as (_, base):
        job = _wait(base, job_id, keys["viewer"], ("succeeded", "failed", "cancelled"), timeout=60)
        if attempts > 1:
            assert job["status"] == "succeeded" and job["attempt"] == 2, job
            plan = httpx.get(f"{base}{job['links']['plan']}", headers=admin)
            assert plan.status_code == 200 and plan.json()["scenario"] == "tiny-flood"
        else:
            assert job["status"] == "failed" and "server stopped" in job["reason"], job
        running = httpx.get(f"{base}/v1/jobs?status=running", headers=admin).json()
        assert running["count"] == 0
