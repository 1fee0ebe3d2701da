"""Jobs: plan and re-plan solves through the job runner and its worker processes, on SQLite and
PostgreSQL; cancel, crashes of a worker or of the whole server, recovery, and stale attempts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.http.db.migrate import upgrade
from api.http.db.models import ApiKey, Incident, IncidentUpdate, Job, PlanRecord, ScenarioRecord, utcnow
from api.http.db.session import make_engine, make_sessionmaker
from api.http.jobs import (
    JobCancelled,
    JobRunner,
    LocalProcessExecutor,
    WorkerDied,
    make_executor,
    recover,
    run_job,
)
from api.http.jobs.progress import ProgressWriter, overall_fraction
from api.http.jobs.results import finite
from api.http.settings import Settings
from optimizer.plan.check import check_plan
from optimizer.progress import ProgressEvent
from scenarios import Scenario, apply_updates, load_scenario

ROOT = Path(__file__).parents[3]
FAST = {"iterations": 50, "time_limit": 5, "seed": 1, "engine": "pyvrp"}
LONG = {"time_limit": 30, "seed": 0, "engine": "pyvrp"}


def document(s: Scenario) -> dict:
    """The scenario as the API stores it (`siaga show --format json`)."""
    return json.loads(s.model_dump_json())


@pytest.fixture(scope="module")
def samarinda() -> dict:
    """The bundled Samarinda flood: long enough a solve to cancel or kill."""
    return document(load_scenario("banjir-samarinda-2019"))


@pytest.fixture
def sessions(database_url):
    """A migrated database's sessionmaker."""
    upgrade(database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def settings_for(url: str, **kw) -> Settings:
    base = {"workers": 2, "poll_interval_s": 0.05, "max_time_limit_s": 30, "job_max_attempts": 2}
    return Settings(database_url=url, **{**base, **kw})


def url_of(sessions) -> str:
    return sessions.kw["bind"].url.render_as_string(hide_password=False)


def add_scenario(sessions, doc: dict) -> str:
    with sessions.begin() as s:
        r = ScenarioRecord(
            scenario_id=doc["id"],
            name=doc["name"],
            document=doc,
            n_areas=len(doc["areas"]),
            n_vehicles=sum(f["count"] for f in doc["fleet"]),
        )
        s.add(r)
        s.flush()
        return r.id


def add_job(sessions, **fields) -> str:
    with sessions.begin() as s:
        job = Job(**fields)
        s.add(job)
        s.flush()
        return job.id


def get(sessions, model, key):
    with sessions() as s:
        return s.get(model, key)


def wait_for(sessions, job_id: str, statuses: set[str], timeout: float = 60.0) -> Job:
    """The job once its status is one of `statuses`; fails after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        job = get(sessions, Job, job_id)
        if job.status in statuses:
            return job
        assert time.monotonic() < end, f"job {job_id} still {job.status} ({job.stage}) after {timeout} s"
        time.sleep(0.05)


@pytest.fixture
def runners():
    """Job runners started by a test, stopped afterwards."""
    started: list[JobRunner] = []
    yield started
    for r in started:
        r.stop()


def start_runner(runners, sessions, **kw) -> JobRunner:
    runner = JobRunner(settings_for(url_of(sessions), **kw), sessions)
    runner.start()
    runners.append(runner)
    return runner


def test_plan_job_succeeds_with_a_plan_that_checks(sessions, runners, tiny_flood):
    """A plan job on tiny_flood runs through the runner to `succeeded`, progress 1, with a stored
    plan whose document passes the plan checker without violations."""
    sid = add_scenario(sessions, document(tiny_flood))
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=FAST)
    runner = start_runner(runners, sessions)
    runner.wake()
    job = wait_for(sessions, job_id, {"succeeded", "failed", "cancelled"})
    assert (job.status, job.reason, job.progress, job.attempt) == ("succeeded", None, 1.0, 1)
    assert job.started_at <= job.finished_at
    plan = get(sessions, PlanRecord, job.plan_id)
    assert (plan.scenario_id, plan.job_id, plan.incident_id) == (sid, job_id, None)
    assert plan.document["iterations"] == 50 and plan.document["time_limit_s"] == 5
    check = check_plan(tiny_flood, plan.document)
    assert check.violations == []


def test_replan_applies_updates_keeps_deliveries_and_moves_the_incident_plan(sessions, runners, tiny_flood):
    """A re-plan job applies the incident's updates up to its `upto_seq` (a road closed, a delivery
    confirmed): its plan carries the delivery as `committed`, checks against the updated scenario,
    and becomes the incident's plan."""
    sid = add_scenario(sessions, document(tiny_flood))
    updates = [
        ("road_closed", {"edge": "e_ab"}),
        ("delivery_confirmed", {"area": "desa_a", "commodity": "beras", "units": 300, "warehouse": "gudang"}),
    ]
    with sessions.begin() as s:
        s.add(Incident(id="inc", scenario_id=sid, name="banjir"))
        s.flush()
        for seq, (kind, payload) in enumerate(updates, 1):
            s.add(IncidentUpdate(incident_id="inc", seq=seq, kind=kind, payload=payload, actor="test"))
    job_id = add_job(sessions, kind="replan", incident_id="inc", params={**FAST, "upto_seq": 2})
    start_runner(runners, sessions).wake()
    job = wait_for(sessions, job_id, {"succeeded", "failed", "cancelled"})
    assert job.status == "succeeded", job.reason
    plan = get(sessions, PlanRecord, job.plan_id)
    assert plan.document["committed"] == [{"area": "desa_a", "commodity": "beras", "units": 300.0}]
    assert plan.document["incident"] == {"id": "inc", "upto_seq": 2}
    assert plan.incident_id == "inc" and plan.scenario_id == sid
    assert get(sessions, Incident, "inc").plan_id == plan.id
    updated, _ = apply_updates(tiny_flood, updates)
    assert check_plan(updated, plan.document).violations == []


def test_an_older_replan_finishing_late_does_not_replace_a_newer_plan(sessions, tiny_flood):
    """A re-plan of updates up to seq 1 that finishes after the re-plan up to seq 2 is stored, but the
    incident keeps the newer plan."""
    sid = add_scenario(sessions, document(tiny_flood))
    with sessions.begin() as s:
        s.add(Incident(id="inc", scenario_id=sid))
        s.flush()
        s.add(
            IncidentUpdate(incident_id="inc", seq=1, kind="road_closed", payload={"edge": "e_ab"}, actor="t")
        )
        s.add(
            IncidentUpdate(
                incident_id="inc", seq=2, kind="road_reopened", payload={"edge": "e_ab"}, actor="t"
            )
        )
    url = url_of(sessions)
    jobs = {}
    for upto in (2, 1):
        jobs[upto] = add_job(
            sessions,
            kind="replan",
            incident_id="inc",
            params={**FAST, "upto_seq": upto},
            status="running",
            attempt=1,
        )
        run_job(url, jobs[upto], 1)
    newer, older = get(sessions, Job, jobs[2]), get(sessions, Job, jobs[1])
    assert newer.status == older.status == "succeeded"
    assert get(sessions, Incident, "inc").plan_id == newer.plan_id != older.plan_id


@pytest.mark.slow
def test_cancel_stops_a_running_solve_within_seconds(sessions, runners, samarinda):
    """Cancelling a running 30 s solve makes the job `cancelled` at once and ends its process; a
    second cancel of the finished job returns False."""
    sid = add_scenario(sessions, samarinda)
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=LONG)
    runner = start_runner(runners, sessions)
    runner.wake()
    wait_for(sessions, job_id, {"running"}, timeout=20)
    time.sleep(1.0)  # inside the solve
    t0 = time.monotonic()
    assert runner.cancel(job_id) is True
    job = wait_for(sessions, job_id, {"cancelled", "succeeded", "failed"}, timeout=10)
    assert job.status == "cancelled" and job.reason == "cancelled by request"
    assert time.monotonic() - t0 < 10
    end = time.monotonic() + 10
    while runner.running() and time.monotonic() < end:
        time.sleep(0.05)
    assert runner.running() == {}
    assert get(sessions, Job, job_id).status == "cancelled"
    assert runner.cancel(job_id) is False


def test_stop_kills_running_solves_and_requeues_their_jobs(sessions, runners, samarinda):
    """stop() kills a running solve's process and re-queues its job; the next runner started on the
    database runs it again as attempt 2."""
    sid = add_scenario(sessions, samarinda)
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=LONG)
    runner = JobRunner(settings_for(url_of(sessions)), sessions)
    runner.start()
    runner.wake()
    wait_for(sessions, job_id, {"running"}, timeout=20)
    pid = None
    while pid is None:
        held = runner._held.get(job_id)
        pid = runner.executor.pid(held.future) if held else None
        time.sleep(0.02)
    runner.stop()
    job = get(sessions, Job, job_id)
    assert (job.status, job.attempt) == ("queued", 1)
    assert not _alive(pid)
    again = start_runner(runners, sessions)
    job = wait_for(sessions, job_id, {"running"}, timeout=20)
    assert job.attempt == 2
    assert again.cancel(job_id) is True


@pytest.mark.slow
def test_jobs_succeed_while_the_server_writes_to_sqlite(tmp_path, runners, tiny_flood):
    """Worker processes start clean while the server's threads are inside SQLite transactions (a plain
    fork copied their locks into a third of the workers, which then failed "database is locked")."""
    url = f"sqlite:///{tmp_path / 'siaga.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    sid = add_scenario(sessions, document(tiny_flood))
    done = threading.Event()

    def write(k: int) -> None:
        i = 0
        while not done.is_set():
            with sessions.begin() as s:
                s.add(ApiKey(prefix=f"{k}-{i}", secret_hash="0" * 64, role="viewer"))
                s.scalar(select(func.count()).select_from(Job))
            i += 1
            time.sleep(0.01)

    writers = [threading.Thread(target=write, args=(k,), daemon=True) for k in range(4)]
    for w in writers:
        w.start()
    try:
        runner = start_runner(runners, sessions)
        ids = [
            add_job(sessions, kind="plan", scenario_id=sid, params={**FAST, "iterations": 20})
            for _ in range(10)
        ]
        runner.wake()
        jobs = [wait_for(sessions, j, {"succeeded", "failed", "cancelled"}, timeout=60) for j in ids]
    finally:
        done.set()
        for w in writers:
            w.join()
    assert [(j.status, j.reason) for j in jobs] == [("succeeded", None)] * 10
    engine.dispose()


def test_cancel_of_a_queued_job_is_immediate(sessions, tiny_flood):
    """A queued job is cancelled at once, without a runner thread; unknown jobs give False."""
    sid = add_scenario(sessions, document(tiny_flood))
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=FAST)
    runner = JobRunner(settings_for(url_of(sessions)), sessions)
    assert runner.cancel(job_id) is True
    job = get(sessions, Job, job_id)
    assert job.status == "cancelled" and job.finished_at is not None
    assert runner.cancel("no-such-job") is False


def test_recover_requeues_or_fails_jobs_left_running(sessions, tiny_flood):
    """Jobs left `running` by a dead server: attempt 1 of 2 is re-queued, attempt 2 of 2 failed with
    the reason, one with a cancel request cancelled; queued jobs stay queued, and a running job whose
    server still writes its heartbeat is left alone."""
    sid = add_scenario(sessions, document(tiny_flood))
    old = utcnow() - timedelta(minutes=5)
    ids = {
        name: add_job(sessions, kind="plan", scenario_id=sid, params=FAST, **fields)
        for name, fields in {
            "first": {"status": "running", "attempt": 1, "heartbeat_at": old},
            "last": {"status": "running", "attempt": 2, "heartbeat_at": old},
            "asked": {"status": "running", "attempt": 1, "heartbeat_at": old, "cancel_requested": True},
            "queued": {"status": "queued"},
            "alive": {"status": "running", "attempt": 1, "heartbeat_at": utcnow()},
        }.items()
    }
    settings = settings_for(url_of(sessions), job_max_attempts=2, job_heartbeat_timeout_s=10)
    got = recover(settings, sessions)
    assert got == {ids["first"]: "queued", ids["last"]: "failed", ids["asked"]: "cancelled"}
    jobs = {k: get(sessions, Job, v) for k, v in ids.items()}
    assert jobs["last"].reason == "server stopped during the solve (attempt 2 of 2)"
    assert (jobs["queued"].status, jobs["alive"].status) == ("queued", "running")
    assert recover(settings, sessions, stale_after_s=0) == {ids["alive"]: "queued"}


def _kill_worker(sessions, runner: JobRunner, job_id: str) -> None:
    """Wake `runner`, wait until the job runs, and SIGKILL its worker process."""
    runner.wake()
    wait_for(sessions, job_id, {"running"}, timeout=20)
    pid = None
    while pid is None:
        held = runner._held.get(job_id)
        pid = runner.executor.pid(held.future) if held else None
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)


def test_a_killed_worker_process_fails_its_job(sessions, runners, samarinda):
    """SIGKILL of a solve's worker process ends its job `failed` with the reason, never `running`."""
    sid = add_scenario(sessions, samarinda)
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=LONG)
    runner = start_runner(runners, sessions, job_max_attempts=1)
    _kill_worker(sessions, runner, job_id)
    job = wait_for(sessions, job_id, {"failed", "succeeded", "cancelled"}, timeout=10)
    assert job.status == "failed" and "SIGKILL" in job.reason, job.reason


def test_a_worker_killed_by_a_signal_is_retried(sessions, runners, samarinda):
    """A solve's worker killed from outside (the OOM killer's SIGKILL) re-queues its job while it has
    attempts left: the next attempt runs, and the job is not failed."""
    sid = add_scenario(sessions, samarinda)
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=LONG)
    runner = start_runner(runners, sessions, job_max_attempts=2)
    _kill_worker(sessions, runner, job_id)
    deadline = time.monotonic() + 20
    while (job := get(sessions, Job, job_id)).attempt < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.attempt == 2 and job.status in ("queued", "running"), (job.status, job.reason)
    runner.cancel(job_id)


@pytest.mark.slow
def test_a_solve_far_past_its_time_limit_is_stopped(sessions, runners, samarinda, monkeypatch):
    """The runner's watchdog fails a job whose solve runs far past its time limit (here, with the
    margin shrunk, 5 % of its 30 s) and kills the process: a stuck worker cannot leave it running."""
    monkeypatch.setattr("api.http.jobs.runner.OVERRUN_FACTOR", 0.05)
    monkeypatch.setattr("api.http.jobs.runner.OVERRUN_GRACE_S", 0.0)
    sid = add_scenario(sessions, samarinda)
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=LONG)
    runner = start_runner(runners, sessions)
    runner.wake()
    job = wait_for(sessions, job_id, {"failed", "succeeded", "cancelled"}, timeout=15)
    assert job.status == "failed" and "past its time limit" in job.reason
    end = time.monotonic() + 10
    while runner.running() and time.monotonic() < end:
        time.sleep(0.05)
    assert runner.running() == {}


def test_run_job_ignores_a_stale_attempt(sessions, tiny_flood):
    """A worker whose attempt is no longer the running one (the job was re-queued, re-run or
    cancelled meanwhile) changes nothing and stores no plan."""
    sid = add_scenario(sessions, document(tiny_flood))
    url = url_of(sessions)
    cases = {
        "requeued": {"status": "queued", "attempt": 1},
        "rerun": {"status": "running", "attempt": 2},
        "cancelled": {"status": "cancelled", "attempt": 1, "reason": "cancelled by request"},
    }
    for fields in cases.values():
        job_id = add_job(sessions, kind="plan", scenario_id=sid, params=FAST, **fields)
        run_job(url, job_id, 1)
        job = get(sessions, Job, job_id)
        assert (job.status, job.attempt, job.plan_id, job.progress) == (
            fields["status"],
            fields["attempt"],
            None,
            0.0,
        )
    with sessions() as s:
        assert s.scalars(select(PlanRecord)).all() == []


def test_a_job_that_cannot_load_fails_with_a_reason(sessions, tiny_flood):
    """A scenario that no longer validates, or an update that no longer applies, fails the job with a
    reason saying so."""
    doc = document(tiny_flood)
    doc["areas"][0]["people"]["umum"] = -5
    bad = add_scenario(sessions, doc)
    good = add_scenario(sessions, document(tiny_flood))
    with sessions.begin() as s:
        s.add(Incident(id="inc", scenario_id=good))
        s.flush()
        s.add(
            IncidentUpdate(incident_id="inc", seq=1, kind="road_closed", payload={"edge": "nope"}, actor="t")
        )
    url = url_of(sessions)
    a = add_job(sessions, kind="plan", scenario_id=bad, params=FAST, status="running", attempt=1)
    b = add_job(sessions, kind="replan", incident_id="inc", params=FAST, status="running", attempt=1)
    run_job(url, a, 1)
    run_job(url, b, 1)
    ja, jb = get(sessions, Job, a), get(sessions, Job, b)
    assert ja.status == "failed" and "no longer validates" in ja.reason and "umum" in ja.reason
    assert jb.status == "failed" and jb.reason.startswith("update 1 (road_closed) no longer applies: /edge")


def test_time_limit_is_capped_by_the_settings(sessions, tiny_flood):
    """A job asking for more time than the settings allow runs with the cap."""
    sid = add_scenario(sessions, document(tiny_flood))
    job_id = add_job(
        sessions,
        kind="plan",
        scenario_id=sid,
        params={**FAST, "time_limit": 500},
        status="running",
        attempt=1,
    )
    run_job(url_of(sessions), job_id, 1, max_time_limit_s=3)
    job = get(sessions, Job, job_id)
    assert get(sessions, PlanRecord, job.plan_id).document["time_limit_s"] == 3


def test_progress_is_monotone_throttled_and_stops_a_cancelled_job(sessions, tiny_flood):
    """The overall fraction never goes back over a pipeline's events; writes come at most every
    interval; a cancel request or a lost attempt raises JobCancelled at the next write."""
    events = [
        ProgressEvent("needs"),
        ProgressEvent("network"),
        *(
            ProgressEvent(st, round=r, fraction=f)
            for r in (1, 2, 3, 4)
            for st in ("allocation", "routing")
            for f in (0, 0.5, 1)
        ),
        *(ProgressEvent("routing", round=0, fraction=f) for f in (0, 0.5, 1)),
        ProgressEvent("done", fraction=1.0),
    ]
    values = [overall_fraction(e) for e in events]
    assert values == sorted(values) and values[0] > 0 and values[-1] < 1
    sid = add_scenario(sessions, document(tiny_flood))
    job_id = add_job(sessions, kind="plan", scenario_id=sid, status="running", attempt=1)
    clock = [0.0]
    writer = ProgressWriter(sessions, job_id, 1, min_interval_s=0.5, clock=lambda: clock[0])
    writer(ProgressEvent("network"))
    clock[0] = 0.2
    writer(ProgressEvent("allocation", round=1, fraction=0.5, step="deprivation"))
    job = get(sessions, Job, job_id)
    assert (job.stage, job.progress) == ("network", 0.03) and job.heartbeat_at is not None
    clock[0] = 0.6
    writer(ProgressEvent("routing", round=1, fraction=0.0))
    assert get(sessions, Job, job_id).stage == "routing (round 1)"
    with sessions.begin() as s:
        s.get(Job, job_id).cancel_requested = True
    clock[0] = 2.0
    with pytest.raises(JobCancelled):
        writer(ProgressEvent("routing", round=1, fraction=1.0))
    with pytest.raises(JobCancelled):
        ProgressWriter(sessions, job_id, 2).write()  # not this attempt


@pytest.mark.slow
def test_local_executor_results_errors_and_limits():
    """The local executor returns a task's result, re-raises its exception, runs at most
    `max_workers` tasks at once, and reports a process that died without a result."""
    ex = LocalProcessExecutor(max_workers=1)
    try:
        assert ex.submit(pow, 2, 10).result(timeout=10) == 1024
        with pytest.raises(ZeroDivisionError):
            ex.submit(divmod, 1, 0).result(timeout=10)
        first, second = ex.submit(time.sleep, 0.5), ex.submit(os.getpid)
        time.sleep(0.2)
        assert ex.pid(first) is not None and not second.running()
        assert second.result(timeout=10) != os.getpid()
        with pytest.raises(WorkerDied, match="exit code 3"):
            ex.submit(os._exit, 3).result(timeout=10)
    finally:
        ex.shutdown()


def test_dask_scheduler_without_dask_says_what_to_install(monkeypatch):
    """With SIAGA_DASK_SCHEDULER set but Dask's `distributed` missing (made unimportable here, whether
    or not it is installed), make_executor says what to install."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(RuntimeError, match="distributed"):
        make_executor(Settings(dask_scheduler="tcp://127.0.0.1:8786"))


def test_finite_replaces_nan_for_json():
    """NaN and infinities become None (PostgreSQL's JSON refuses them); other values stay."""
    assert finite({"a": [1.0, float("nan")], "b": {"c": float("inf")}, "d": "x"}) == {
        "a": [1.0, None],
        "b": {"c": None},
        "d": "x",
    }


SERVER = textwrap.dedent(
    """
    import sys, time
    from api.http.db.session import make_engine, make_sessionmaker
    from api.http.jobs import JobRunner
    from api.http.settings import Settings
    url = sys.argv[1]
    runner = JobRunner(Settings(database_url=url, poll_interval_s=0.05), make_sessionmaker(make_engine(url)))
    runner.start()
    runner.wake()
    time.sleep(600)
    """
)


def _descendants(pid: int) -> list[int]:
    """The processes below `pid`: with the fork server, the solves are its grandchildren."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    children = [int(x) for x in out.stdout.split()]
    return children + [d for c in children for d in _descendants(c)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


@pytest.mark.slow
def test_a_server_killed_mid_solve_takes_its_workers_along_and_the_job_is_recovered(sessions, samarinda):
    """kill -9 of a server process mid-solve: its worker processes (the fork server and the solve)
    die with it, and a new runner on the same database recovers the job (here: failed, as its one
    attempt is spent) instead of leaving it `running`."""
    sid = add_scenario(sessions, samarinda)
    job_id = add_job(sessions, kind="plan", scenario_id=sid, params=LONG)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-c", SERVER, url_of(sessions)], env=env, cwd=ROOT)
    try:
        wait_for(sessions, job_id, {"running"}, timeout=30)
        end = time.monotonic() + 10
        while len(workers := _descendants(server.pid)) < 2 and time.monotonic() < end:
            time.sleep(0.05)
        assert len(workers) >= 2, "no fork server and worker process"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    end = time.monotonic() + 5
    while any(_alive(p) for p in workers) and time.monotonic() < end:
        time.sleep(0.05)
    assert not any(_alive(p) for p in workers)
    assert get(sessions, Job, job_id).status == "running"
    settings = settings_for(url_of(sessions), job_max_attempts=1, job_heartbeat_timeout_s=1.0)
    time.sleep(1.0)
    runner = JobRunner(settings, sessions)
    runner.start()
    try:
        job = wait_for(sessions, job_id, {"failed", "queued", "succeeded", "cancelled"}, timeout=10)
    finally:
        runner.stop()
    assert job.status == "failed" and job.reason == "server stopped during the solve (attempt 1 of 1)"
