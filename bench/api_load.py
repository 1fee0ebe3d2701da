"""Benchmark: the HTTP API under load, and how soon an incident update has its re-plan.

    .venv/bin/python bench/api_load.py [--users 50] [--seconds 30] [--replans 5] [--workers 1] [--no-write]

Starts `siaga serve` on 127.0.0.1 (a free port) with a fresh SQLite database in a temporary directory,
creates keys with `siaga keys create`, stores the bundled Samarinda flood (banjir-samarinda-2019), plans
it and opens an incident on that plan. Then:

1. quiet: `--replans` times, one update (people_changed) and the time until its re-plan is available
   (the job succeeded and GET /v1/plans/{id} answered), nothing else running;
2. load (locust, in this process): `--users` concurrent users for `--seconds`, four in five reading the
   plan (GET /v1/plans/{id}) and one in five posting updates (people_changed, stock_received), each
   user waiting 0.5-1.5 s between requests; latency percentiles and errors per request kind, and for
   every update sent under load the time until a finished re-plan covers it (re-plans still queued when
   a newer update arrives are superseded, so one re-plan covers many updates).

Re-plans use REPLAN (a 2 s routing time limit and a 100-iteration budget): enough for a feasible
re-plan of Samarinda in about 3 s of solving. The table goes into docs/benchmarks.md between the `api`
markers (not with --no-write).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import gevent
import locust  # before requests: importing locust monkey-patches the standard library for gevent
import requests
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from doc_blocks import write_block

from scenarios import load_scenario

START, END = "<!-- api:start -->", "<!-- api:end -->"
SCENARIO = "banjir-samarinda-2019"
REPLAN = {"time_limit": 2, "iterations": 100}
RAMP_S = 5.0
GET_NAME, POST_NAME = "GET /v1/plans/{id}", "POST /v1/incidents/{id}/updates"


class Target:
    """What the load users hit (set before the run)."""

    plan: str = ""
    incident: str = ""
    key: str = ""
    areas: tuple[str, ...] = ()
    warehouse: str = ""
    commodity: str = ""
    plan_bytes: int = 0


class PlanReader(locust.FastHttpUser):
    weight = 4
    wait_time = locust.between(0.5, 1.5)

    @locust.task
    def read_plan(self) -> None:
        self.client.get(f"/v1/plans/{Target.plan}", headers=_auth(Target.key), name=GET_NAME)


class UpdatePoster(locust.FastHttpUser):
    weight = 1
    wait_time = locust.between(0.5, 1.5)

    @locust.task
    def post_update(self) -> None:
        body = {"payload": {}, "replan": REPLAN}
        if random.random() < 0.5:
            body |= {"kind": "people_changed"}
            body["payload"] = {
                "area": random.choice(Target.areas),
                "people": {"umum": random.randint(50, 5000)},
            }
        else:
            body |= {"kind": "stock_received"}
            body["payload"] = {"warehouse": Target.warehouse, "commodity": Target.commodity, "units": 10}
        self.client.post(
            f"/v1/incidents/{Target.incident}/updates", json=body, headers=_auth(Target.key), name=POST_NAME
        )


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _siaga(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "api", *args], env=env, **kwargs)


def create_key(role: str, env: dict[str, str]) -> str:
    proc = _siaga(
        "keys", "create", "--role", role, "--name", f"bench {role}", env=env, stdout=subprocess.PIPE
    )
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, f"siaga keys create failed ({proc.returncode})"
    return out.decode().strip()


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    with open(log, "wb") as out:
        proc = _siaga("serve", "--host", "127.0.0.1", "--port", str(port), env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/health", timeout=1).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"siaga serve did not start; see {log}")


def wait_job(base: str, key: str, job_id: str, timeout: float = 300, poll: float = 0.05) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = requests.get(f"{base}/v1/jobs/{job_id}", headers=_auth(key)).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(poll)
    raise SystemExit(f"job {job_id} did not end in {timeout} s")


def setup(base: str, admin: str, coordinator: str) -> None:
    """Store the scenario, plan it, open an incident on the plan; fill `Target`."""
    s = load_scenario(SCENARIO)
    r = requests.post(f"{base}/v1/scenarios", json=json.loads(s.model_dump_json()), headers=_auth(admin))
    r.raise_for_status()
    scenario_id = r.json()["id"]
    r = requests.post(
        f"{base}/v1/plans", json={"scenario_id": scenario_id, **REPLAN}, headers=_auth(coordinator)
    )
    job = wait_job(base, coordinator, r.json()["id"])
    assert job["status"] == "succeeded", job
    body = {"scenario_id": scenario_id, "name": "bench", "plan_id": job["plan_id"]}
    r = requests.post(f"{base}/v1/incidents", json=body, headers=_auth(coordinator))
    r.raise_for_status()
    Target.plan, Target.incident, Target.key = job["plan_id"], r.json()["id"], coordinator
    Target.areas = tuple(a.id for a in s.areas)
    w = next(w for w in s.warehouses if w.stock)
    Target.warehouse, Target.commodity = w.id, next(iter(w.stock))


def quiet_replans(base: str, n: int) -> list[dict]:
    """Update -> re-plan available, one at a time: seconds end to end, and the job's solve seconds."""
    out = []
    for i in range(n):
        body = {
            "kind": "people_changed",
            "payload": {"area": Target.areas[i % len(Target.areas)], "people": {"umum": 1000 + i}},
            "replan": REPLAN,
        }
        t0 = time.perf_counter()
        r = requests.post(
            f"{base}/v1/incidents/{Target.incident}/updates", json=body, headers=_auth(Target.key)
        )
        r.raise_for_status()
        job = wait_job(base, Target.key, r.json()["job"]["id"])
        assert job["status"] == "succeeded", job
        assert requests.get(f"{base}/v1/plans/{job['plan_id']}", headers=_auth(Target.key)).status_code == 200
        total = time.perf_counter() - t0
        solve = _ts(job["finished_at"]) - _ts(job["started_at"])
        out.append(
            {"total_s": total, "solve_s": solve, "queued_s": _ts(job["started_at"]) - _ts(job["created_at"])}
        )
        print(f"re-plan {i + 1}: {total:.2f} s (solve {solve:.2f} s)", flush=True)
    return out


def _ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def load(base: str, users: int, seconds: float) -> tuple[Environment, float]:
    """`users` started over RAMP_S seconds (not counted: the statistics restart once all run), then
    `seconds` of steady load."""
    env = Environment(user_classes=[PlanReader, UpdatePoster], host=base)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users / RAMP_S)
    gevent.sleep(RAMP_S + 1)
    env.stats.reset_all()
    t0 = time.perf_counter()
    gevent.sleep(seconds)
    runner.quit()
    return env, time.perf_counter() - t0


def coverage_after_load(base: str, first_seq: int, timeout: float = 300) -> dict:
    """For each update sent under load, the seconds until a finished re-plan covered it."""
    deadline = time.monotonic() + timeout
    while True:
        incident = requests.get(f"{base}/v1/incidents/{Target.incident}", headers=_auth(Target.key)).json()
        jobs = requests.get(f"{base}/v1/jobs?limit=1000", headers=_auth(Target.key)).json()["data"]
        mine = [j for j in jobs if j["incident_id"] == Target.incident]
        if not any(j["status"] in ("queued", "running") for j in mine) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    done = sorted(
        (j["params"]["upto_seq"], _ts(j["finished_at"])) for j in mine if j["status"] == "succeeded"
    )
    delays = []
    for u in incident["updates"]:
        if u["seq"] < first_seq:
            continue
        covering = [t for seq, t in done if seq >= u["seq"]]
        if covering:
            delays.append(min(covering) - _ts(u["created_at"]))
    statuses = [j["status"] for j in mine]
    return {
        "updates": sum(u["seq"] >= first_seq for u in incident["updates"]),
        "delays": sorted(delays),
        "succeeded": statuses.count("succeeded"),
        "superseded": sum(
            1 for j in mine if j["status"] == "cancelled" and "superseded" in (j["reason"] or "")
        ),
        "failed": statuses.count("failed"),
    }


def _row(env: Environment, name: str, method: str, seconds: float) -> str:
    e = env.stats.get(name, method)
    p = e.get_response_time_percentile
    return (
        f"| `{name}` | {e.num_requests:,} | {e.num_requests / seconds:.1f} | {p(0.5):.0f} | {p(0.99):.0f} "
        f"| {e.max_response_time:.0f} | {e.num_failures} |"
    )


def block(args, loadavg, quiet: list[dict], env: Environment, seconds: float, cover: dict) -> str:
    totals = [q["total_s"] for q in quiet]
    solves = [q["solve_s"] for q in quiet]
    delays = cover["delays"]
    pct = (
        (lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]) if delays else (lambda q: float("nan"))
    )
    cmd = f".venv/bin/python bench/api_load.py --users {args.users} --seconds {args.seconds:g} "
    cmd += f"--replans {args.replans} --workers {args.workers}"
    return "\n".join(
        [
            START,
            "### HTTP API: latency under load, and update to re-plan",
            "",
            f"Command: `{cmd}`; {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, load average {loadavg[0]:.2f} at the start (other processes on the "
            "machine included). One `siaga serve` (uvicorn, 1 process) on 127.0.0.1 with SQLite (WAL), "
            f"{args.workers} solver worker(s) at nice +10; locust in this script's process on the same "
            f"cores. Scenario `{SCENARIO}` (19 areas, 56 vehicles, 2,603 network links); plan.json "
            f"{Target.plan_bytes / 1000:,.0f} kB. Re-plans: `{json.dumps(REPLAN)}` (time limit s, "
            "iteration budget).",
            "",
            f"Load: {args.users} users (started over {RAMP_S:g} s, not counted) for {seconds:.0f} s, 4 in 5 "
            "reading the plan and 1 in 5 posting updates (people_changed / stock_received, each queueing a "
            "re-plan), 0.5 to 1.5 s between a user's requests. Latency in ms, as locust measures it "
            "(percentiles rounded to whole ms).",
            "",
            "| request | requests | per s | p50 ms | p99 ms | max ms | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            _row(env, GET_NAME, "GET", seconds),
            _row(env, POST_NAME, "POST", seconds),
            "",
            "| update to re-plan | n | median s | max s |",
            "| --- | ---: | ---: | ---: |",
            f"| quiet: POST update until its re-plan's plan answers | {len(totals)} | "
            f"{statistics.median(totals):.2f} | {max(totals):.2f} |",
            f"| quiet: of which solving (worker process: load, plan, store) | {len(solves)} | "
            f"{statistics.median(solves):.2f} | {max(solves):.2f} |",
            f"| under load: update until a finished re-plan covers it | {len(delays)} of {cover['updates']} "
            "| "
            f"{pct(0.5):.2f} | {max(delays) if delays else float('nan'):.2f} |",
            "",
            f"Under load {cover['updates']} updates were stored; {cover['succeeded']} re-plans finished, "
            f"{cover['superseded']} were superseded while queued (a newer update's re-plan covers them), "
            f"{cover['failed']} failed.",
            END,
        ]
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--replans", type=int, default=5)
    p.add_argument("--workers", type=int, default=1, help="SIAGA_WORKERS: solver processes")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    loadavg = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="siaga-bench-") as tmp:
        env = {
            **os.environ,
            "SIAGA_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "SIAGA_WORKERS": str(args.workers),
        }
        admin, coordinator = create_key("admin", env), create_key("coordinator", env)
        server, base = start_server(env, Path(tmp) / "serve.log")
        try:
            setup(base, admin, coordinator)
            Target.plan_bytes = len(
                requests.get(f"{base}/v1/plans/{Target.plan}", headers=_auth(admin)).content
            )
            quiet = quiet_replans(base, args.replans)
            first_seq = args.replans + 1
            stats, seconds = load(base, args.users, args.seconds)
            cover = coverage_after_load(base, first_seq)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    text = block(args, loadavg, quiet, stats, seconds, cover)
    print(text)
    if not args.no_write:
        write_block(text, START, END)


if __name__ == "__main__":
    main()
