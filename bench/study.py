"""Benchmark: a stockpile study at scale, in process, on process pools of 1 and 2 and on a Dask cluster.

    .venv/bin/python bench/study.py [--n 1000] [--options 20] [--seed 7] [--chunk-size 20] [--saa-n 200]
                                    [--runs in-process,pool-1,pool-2,dask-2] [--quick] [--no-write]
                                    [--records FILE]

Issue 8 item 5. The bundled study `kaltim-stockpile` with its 5 given options plus generated, seeded
variants (status quo scaled 0.5-2.0, the `provinsi` extra bundle moved to other sites, random
redistributions of the same stock over the sites; `bench_spec`), evaluated without optimisation on a
`kaltim-hazards` set (generated once, outside the timing). Runs, one after the other in this process:

- `in-process`: `run_study(executor=None)`;
- `pool-1`: a real 1-process `ProcessPoolExecutor` (forkserver, as `study_executor` makes them; its
  `study_executor(1)` would run in process), so that efficiency compares pool with pool;
- `pool-2`: `study_executor(2, None)`;
- `dask-2`: `study_executor(2, "local")` (a Dask LocalCluster of 2 one-thread worker processes).

Every executor is started and warmed (one trivial task per worker) before the clock starts; that
start-up is reported beside the wall time. All runs must give exactly the same numbers (every option's
per-scenario lists, metrics and stock). Parallel efficiency = T(pool-1) / (2 x T(pool-2)). One SAA fit
(the bundled study's `optimise` section) is timed separately on the first `--saa-n` scenarios. The
table goes into docs/benchmarks.md between the `study` markers (not with --quick or --no-write).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from doc_blocks import write_block

from api.cli.study_run import study_executor
from api.study_files import StudyFileError, load_study
from optimizer.study import StudyResult, StudySpec, run_study
from optimizer.study.evaluate import BuildTask, CaseSettings, EvalTask, build_chunk, evaluate_chunk
from optimizer.study.run import prepare_scenarios
from scenarios.model import Scenario
from scenarios.sets import ScenarioSet, load_scenario_set

START, END = "<!-- study:start -->", "<!-- study:end -->"
HEADING = "## Stockpile study"
STUDY = "kaltim-stockpile"
BUNDLE_OPTION = "provinsi"  # the given option whose extra stock (one site) the variants move around
SCALES = (0.5, 0.75, 1.25, 1.5, 2.0)
RUNS = ("in-process", "pool-1", "pool-2", "dask-2")
CLUSTER_SIZES = (8, 32, 128)
STAGES = ("cases", "evaluate")


# --- options --------------------------------------------------------------------------------------


def _status_quo(spec: StudySpec, base: Scenario) -> dict[tuple[str, str], float]:
    """(site, commodity) -> units of the scenario's own stock at the study's sites."""
    sites = {s.id for s in spec.sites} or {w.id for w in base.warehouses}
    commodities = {c.id for c in spec.commodities}
    return {
        (w.id, c): float(u)
        for w in base.warehouses
        if w.id in sites
        for c, u in w.stock.items()
        if c in commodities and u > 0
    }


def generated_options(spec: StudySpec, base: Scenario, k: int, seed: int) -> list[dict[str, Any]]:
    """`k` seeded variants, round robin over three families: the status quo scaled, the status quo
    plus the `provinsi` extra bundle moved to another site, and the status quo's stock and that bundle
    together spread at random (Dirichlet shares over 3-8 sites; the same units per commodity as
    `provinsi`, so the same stock cost, opening costs aside)."""
    rng = np.random.default_rng(seed)
    bundle_opt = next((o for o in spec.options if o.id == BUNDLE_OPTION), None)
    bundle_opt = bundle_opt or next(o for o in spec.options if o.stock)
    bundle = {line.commodity: line.units for line in bundle_opt.stock}
    home = {line.site for line in bundle_opt.stock}
    sites = [s.id for s in spec.sites] or [w.id for w in base.warehouses]
    others = [sites[i] for i in rng.permutation(len(sites)) if sites[i] not in home]
    total = {c.id: 0.0 for c in spec.commodities}
    for (_, c), u in _status_quo(spec, base).items():
        total[c] += u
    for c, u in bundle.items():
        total[c] += u
    out: list[dict[str, Any]] = []
    n_scale = n_moved = n_random = 0
    for i in range(k):
        family = i % 3
        if family == 0:
            f = SCALES[n_scale] if n_scale < len(SCALES) else round(float(rng.uniform(0.5, 2.0)), 3)
            n_scale += 1
            out.append(
                {
                    "id": f"sq-x{f:.2f}" if n_scale <= len(SCALES) else f"sq-x{f:.3f}-{n_scale}",
                    "name": f"Status quo x {f:g} (generated)",
                    "from_scenario": True,
                    "scale": f,
                }
            )
        elif family == 1:
            site = others[n_moved % len(others)]
            n_moved += 1
            out.append(
                {
                    "id": f"bundle-at-{site}-{n_moved}",
                    "name": f"Status quo + the {bundle_opt.id} bundle at {site} (generated)",
                    "from_scenario": True,
                    "stock": [{"site": site, "commodity": c, "units": u} for c, u in bundle.items()],
                }
            )
        else:
            n_random += 1
            picked = rng.choice(len(sites), size=int(rng.integers(3, 9)), replace=False)
            share = rng.dirichlet(np.ones(len(picked)))
            lines = [
                {"site": sites[j], "commodity": c, "units": float(u * sh)}
                for j, sh in zip(picked, share, strict=True)
                for c, u in total.items()
                if u > 0
            ]
            out.append(
                {
                    "id": f"random-{n_random}",
                    "name": f"Status quo + {bundle_opt.id} stock spread over {len(picked)} sites (generated)",
                    "stock": lines,
                }
            )
    return out


def bench_spec(spec: StudySpec, base: Scenario, n_options: int, seed: int) -> StudySpec:
    """The study with its given options (the first `n_options`) and generated ones up to
    `n_options`, without optimisation."""
    given = [o.model_dump() for o in spec.options[:n_options]]
    extra = generated_options(spec, base, max(n_options - len(given), 0), seed)
    doc = spec.model_dump() | {"options": given + extra, "optimise": None}
    return StudySpec.model_validate(doc)


# --- executors and runs ---------------------------------------------------------------------------


def _warm(k: int) -> int:
    """A trivial task: imports what a study task needs and returns the worker's pid."""
    from optimizer.study import evaluate  # noqa: F401

    return os.getpid() + 0 * k


@contextmanager
def executor_for(run: str) -> Iterator[tuple[Executor | None, str, float]]:
    """The run's executor, started and warmed; its label and start-up seconds."""
    t0 = time.perf_counter()
    if run == "in-process":
        yield None, "none (this process)", 0.0
        return
    if run == "pool-1":
        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            yield pool, "ProcessPoolExecutor(1, forkserver)", _warmed(pool, 1, t0)
        return
    workers = int(run.rsplit("-", 1)[1])
    scheduler = "local" if run.startswith("dask") else None
    environ = dict(os.environ)  # a Dask nanny writes its pre-spawn-environ into this process's
    try:
        with study_executor(workers, scheduler) as (ex, label):
            assert ex is not None
            yield ex, f"study_executor({workers}, {scheduler!r}): {label}", _warmed(ex, workers, t0)
    finally:
        os.environ.clear()
        os.environ.update(environ)


def _warmed(ex: Executor, workers: int, t0: float) -> float:
    futures = [ex.submit(_warm, k) for k in range(2 * workers)]
    wait(futures)
    for f in futures:
        f.result()
    return time.perf_counter() - t0


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, dict[str, float]]:
    """Run `fn` in the worker and say when (epoch seconds), where (pid) and how much CPU it took."""
    w0, c0 = time.time(), time.process_time()
    result = fn(*args)
    return result, {"pid": os.getpid(), "start": w0, "end": time.time(), "cpu": time.process_time() - c0}


class TimedExecutor(Executor):
    """Wraps an executor: each task also reports its worker's wall and CPU seconds (`records`); the
    futures run_study sees hold the plain results."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.records: list[dict[str, Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        out: Future = Future()
        stage = "cases" if fn.__name__ == "build_chunk" else "evaluate"

        def done(f: Future) -> None:
            try:
                result, rec = f.result()
            except BaseException as e:  # handed on to run_study through its future
                out.set_exception(e)
                return
            self.records.append(rec | {"stage": stage})
            out.set_result(result)

        self.inner.submit(_timed, fn, *args, **kwargs).add_done_callback(done)
        return out

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """The inner executor is shut down by its own context manager."""


@dataclass
class Run:
    name: str
    label: str = ""
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    startup_s: float = 0.0
    wall_s: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    result: StudyResult | None = None
    skipped: str | None = None
    parent_cpu_s: float = 0.0
    tasks: list[dict[str, Any]] = field(default_factory=list)
    workers: int = 1

    @property
    def other_s(self) -> float:
        return self.wall_s - sum(self.seconds.get(s, 0.0) for s in STAGES)


def timed_run(name: str, spec: StudySpec, scenario_set: ScenarioSet, chunk_size: int) -> Run:
    run = Run(name)
    try:
        with executor_for(name) as (ex, label, startup):
            run.label, run.startup_s = label, startup
            run.load = os.getloadavg()
            print(f"{name}: {label}; start-up {startup:.1f} s; load average before {run.load}", flush=True)
            timed = TimedExecutor(ex) if ex is not None else None
            c0, t0 = time.process_time(), time.perf_counter()
            run.result = run_study(spec, scenario_set, executor=timed, chunk_size=chunk_size)
            run.wall_s = time.perf_counter() - t0
            run.parent_cpu_s = time.process_time() - c0
            run.tasks = list(timed.records) if timed is not None else []
            run.workers = 2 if name.endswith("-2") else 1
    except StudyFileError as e:  # no Dask installed
        run.skipped = str(e)
        print(f"{name}: skipped ({e})", flush=True)
        return run
    run.seconds = dict(run.result.seconds)
    print(
        f"{name}: wall {run.wall_s:.1f} s; "
        + ", ".join(f"{k} {v:.2f} s" for k, v in run.seconds.items() if k != "total"),
        flush=True,
    )
    return run


# --- identical numbers ----------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Exact equality, nan equal to nan, through dicts, lists and arrays."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return isinstance(b, list | tuple) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def differences(ref: StudyResult, other: StudyResult) -> list[str]:
    """Options whose per-scenario lists, metrics, stock or rank differ from `ref`'s (exactly)."""
    if [o.id for o in ref.options] != [o.id for o in other.options]:
        return ["option ids"]
    if ref.scenario_ids != other.scenario_ids:
        return ["scenario ids"]
    out = []
    for a, b in zip(ref.options, other.options, strict=True):
        for what in ("per_scenario", "metrics", "stock", "rank"):
            if not _same(getattr(a, what), getattr(b, what)):
                out.append(f"{a.id}.{what}")
    return out


# --- serialisation, projection --------------------------------------------------------------------


def serialisation(
    spec: StudySpec, scenario_set: ScenarioSet, stock: np.ndarray, chunk: int
) -> dict[str, dict[str, float]]:
    """Per stage: pickled bytes, parent-side seconds (dumps of a task, loads of its result) and
    worker-side seconds (loads of the task, dumps of its result) of one task of `chunk` scenarios and
    of one of 1 scenario, as ForkingPickler does them; `stock`: [O, W, C], every option's stock."""
    scenarios, sites = prepare_scenarios(spec, scenario_set.scenarios[:chunk])
    settings = CaseSettings(
        sites,
        tuple(c.id for c in spec.commodities),
        spec.evaluation.max_response_h,
        spec.evaluation.transport,
        spec.seed,
    )
    cases = build_chunk(BuildTask(tuple(scenarios), settings))
    out: dict[str, dict[str, float]] = {}
    for size in (chunk, 1):
        b = BuildTask(tuple(scenarios[:size]), settings)
        e = EvalTask(tuple(cases[:size]), tuple(stock for _ in range(size)), spec.seed)
        for stage, task, fn in (("cases", b, build_chunk), ("evaluate", e, evaluate_chunk)):
            result = fn(task)
            t0 = time.perf_counter()
            blob = ForkingPickler.dumps(task)  # parent
            t1 = time.perf_counter()
            ForkingPickler.loads(blob)  # worker
            t2 = time.perf_counter()
            back = ForkingPickler.dumps(result)  # worker
            t3 = time.perf_counter()
            ForkingPickler.loads(back)  # parent
            t4 = time.perf_counter()
            row = out.setdefault(stage, {})
            row[f"task_bytes_{size}"] = len(blob)
            row[f"result_bytes_{size}"] = len(back)
            row[f"parent_s_{size}"] = (t1 - t0) + (t4 - t3)
            row[f"worker_s_{size}"] = (t2 - t1) + (t3 - t2)
    return out


def _parent_s(ser: dict[str, float], chunk: int, size: int) -> float:
    """Parent-side seconds of one task of `size` scenarios, linear between the 1 and `chunk` measures."""
    one, many = ser["parent_s_1"], ser[f"parent_s_{chunk}"]
    per = (many - one) / max(chunk - 1, 1)
    return max(one + per * (size - 1), 0.0)


def project(
    n_workers: int,
    n: int,
    chunk: int,
    per_scenario_s: dict[str, float],
    serial_s: float,
    eff: float,
    ser: dict[str, dict[str, float]],
) -> float:
    """Projected wall seconds on `n_workers`: serial part + per stage max(parent dispatch of all tasks +
    one task, ceil(tasks / workers) waves of one task), one task = worker seconds per scenario x chunk
    / the measured 2-worker efficiency."""
    tasks = math.ceil(n / chunk)
    total = serial_s
    for stage in STAGES:
        task_s = per_scenario_s[stage] * chunk / eff
        dispatch = tasks * _parent_s(ser[stage], chunk_ref(ser), chunk)
        total += max(dispatch + task_s, math.ceil(tasks / n_workers) * task_s)
    return total


def chunk_ref(ser: dict[str, dict[str, float]]) -> int:
    keys = [k for k in ser["cases"] if k.startswith("parent_s_") and k != "parent_s_1"]
    return int(keys[0].rsplit("_", 1)[1]) if keys else 1


# --- SAA ------------------------------------------------------------------------------------------


def saa_fit(spec: StudySpec, scenario_set: ScenarioSet, n: int) -> dict[str, Any]:
    """The bundled study's optimise section (only the optimum evaluated) on the first `n` scenarios,
    in process."""
    sub = scenario_set.subset(slice(0, n))
    s = StudySpec.model_validate(spec.model_dump() | {"options": []})
    load = os.getloadavg()
    t0 = time.perf_counter()
    result = run_study(s, sub)
    wall = time.perf_counter() - t0
    info = dict(result.optimiser)
    info |= {"n": len(sub), "wall_s": wall, "load": load, "seconds": dict(result.seconds)}
    print(f"SAA on {len(sub)} scenarios: {info}", flush=True)
    return info


# --- report ---------------------------------------------------------------------------------------


def _f(x: float | None, fmt: str = ".1f") -> str:
    return "n/a" if x is None or not math.isfinite(x) else format(x, fmt)


def efficiency(runs: dict[str, Run], name: str) -> float | None:
    one, two = runs.get("pool-1"), runs.get(name)
    if not one or not two or one.skipped or two.skipped or not two.wall_s:
        return None
    return one.wall_s / (2 * two.wall_s)


def waits_s(r: Run) -> float:
    """Seconds the run's workers spent in tasks without a core (task wall minus CPU, summed)."""
    return sum(max(t["end"] - t["start"] - t["cpu"], 0.0) for t in r.tasks)


def contention_note(runs: dict[str, Run]) -> str:
    """Per-task CPU with 2 workers against 1, and the efficiency with the waits for a core removed."""
    one, two = runs.get("pool-1"), runs.get("pool-2")
    if not one or not two or one.skipped or two.skipped or not one.tasks or not two.tasks:
        return ""
    cpu = {
        s: sum(t["cpu"] for t in two.tasks if t["stage"] == s)
        / max(sum(t["cpu"] for t in one.tasks if t["stage"] == s), 1e-9)
        for s in STAGES
    }
    w1, w2 = waits_s(one), waits_s(two)
    corr = (one.wall_s - w1) / (2 * (two.wall_s - w2 / two.workers))
    return (
        f"Task CPU seconds summed, pool-2 / pool-1: cases {cpu['cases']:.2f}, evaluate "
        f"{cpu['evaluate']:.2f} (1.00: running two at once makes the tasks no dearer). Workers waited "
        f"for a core (task wall - CPU) {w1:.1f} s in pool-1 and {w2:.1f} s in pool-2 (other processes, "
        f"this script's parent included); with those waits taken out the efficiency would be {corr:.2f}."
    )


def run_table(runs: dict[str, Run], n: int, n_options: int) -> list[str]:
    lines = [
        "| run | executor | load avg before | start-up s | wall s | parent CPU s | cases s | evaluate s "
        "| other s | case build ms / scenario | evaluation ms / scenario-option | vs pool-1 | efficiency |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    one = runs.get("pool-1")
    for r in runs.values():
        if r.skipped:
            lines.append(f"| {r.name} | skipped: {r.skipped} | | | | | | | | | | | |")
            continue
        workers = 2 if r.name.endswith("-2") else 1
        speed = one.wall_s / r.wall_s if one and not one.skipped else None
        eff = speed / workers if speed is not None and r.name != "in-process" else None
        lines.append(
            f"| {r.name} | {r.label} | {r.load[0]:.2f} | {r.startup_s:.1f} | {r.wall_s:.1f} "
            f"| {r.parent_cpu_s:.1f} | {r.seconds['cases']:.1f} | {r.seconds['evaluate']:.1f} "
            f"| {r.other_s:.2f} "
            f"| {1000 * r.seconds['cases'] / n:.1f} | {1000 * r.seconds['evaluate'] / (n * n_options):.2f} "
            f"| {_f(speed, '.2f')} | {_f(eff, '.2f')} |"
        )
    return lines


def task_stats(r: Run, stage: str) -> dict[str, float] | None:
    """Worker-side seconds of the run's tasks of `stage` (from TimedExecutor)."""
    recs = [t for t in r.tasks if t["stage"] == stage]
    if not recs:
        return None
    wall = sum(t["end"] - t["start"] for t in recs)
    cpu = sum(t["cpu"] for t in recs)
    stage_s = r.seconds[stage]
    return {
        "tasks": len(recs),
        "task_s": wall / len(recs),
        "cpu_ratio": cpu / wall if wall > 0 else float("nan"),
        "sum_s": wall,
        "stage_s": stage_s,
        "busy": wall / (r.workers * stage_s) if stage_s > 0 else float("nan"),
        "pids": len({t["pid"] for t in recs}),
    }


def task_table(runs: dict[str, Run]) -> list[str]:
    lines = [
        "| run | stage | tasks (workers used) | worker s per task | task CPU / wall | task s summed "
        "| stage wall s | workers busy |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs.values():
        if r.skipped:
            continue
        for stage in STAGES:
            st = task_stats(r, stage)
            if st is None:
                continue
            lines.append(
                f"| {r.name} | {stage} | {st['tasks']} ({st['pids']}) | {st['task_s']:.3f} "
                f"| {st['cpu_ratio']:.2f} | {st['sum_s']:.1f} | {st['stage_s']:.1f} | {st['busy']:.2f} |"
            )
    return lines


def projection_table(runs: dict[str, Run], n: int, chunk: int, ser, eff: float) -> tuple[list[str], str]:
    ref = runs["pool-1"]
    worker = {s: sum(t["end"] - t["start"] for t in ref.tasks if t["stage"] == s) for s in STAGES}
    per = {s: (worker[s] or ref.seconds[s]) / n for s in STAGES}
    serial = max(ref.wall_s - n * sum(per.values()), 0.0)
    lines = [
        f"| cluster workers N | chunk {chunk} ({math.ceil(n / chunk)} tasks per stage): wall s "
        "| chunk ceil(n / N): chunk | wall s | speed-up vs pool-1 |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for w in CLUSTER_SIZES:
        fixed = project(w, n, chunk, per, serial, eff, ser)
        c = max(math.ceil(n / w), 1)
        tuned = project(w, n, c, per, serial, eff, ser)
        lines.append(f"| {w} | {fixed:.1f} | {c} | {tuned:.1f} | {ref.wall_s / tuned:.0f} |")
    check = project(2, n, chunk, per, serial, eff, ser)
    how = (
        f"Projection: serial part {serial:.1f} s (pool-1 wall minus the seconds its worker spent in "
        "tasks: the parent's own work, dispatch and collection, the metrics) + per stage max(parent "
        "dispatch of all tasks + one task, ceil(tasks / N) waves x one task); one task = pool-1 worker "
        f"seconds per scenario ({1000 * per['cases']:.1f} ms case build, "
        f"{1000 * per['evaluate']:.1f} ms evaluating all options) x chunk / {eff:.2f} (the measured "
        "2-worker efficiency, so the contention seen here is kept); parent dispatch = pickling a task and "
        "unpickling its result (measured below, linear in the chunk). The same model gives "
        f"{check:.1f} s for N = 2 (measured: {runs['pool-2'].wall_s:.1f} s). It assumes workers as fast "
        "as these cores, started before the clock, a network that moves the pickles no slower than a "
        "pipe, and leaves out the scheduler's own per-task cost."
    )
    return lines, how


def block(
    args: argparse.Namespace,
    runs: dict[str, Run],
    gen_s: float,
    same: str,
    ser: dict[str, dict[str, float]],
    saa: dict[str, Any] | None,
    n_options: int,
    busy: str,
) -> str:
    n = args.n
    cmd = f".venv/bin/python bench/study.py --n {n} --options {n_options} --seed {args.seed}"
    cmd += f" --chunk-size {args.chunk_size} --saa-n {args.saa_n}"
    eff = efficiency(runs, "pool-2")
    eff_dask = efficiency(runs, "dask-2")
    text = [
        START,
        f"### {n_options} options x {n:,} scenarios: process pool and Dask",
        "",
        f"Command: `{cmd}`; {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores. {busy} Study `{STUDY}` with its {min(5, n_options)} given options and "
        f"{max(n_options - 5, 0)} generated ones (seed {args.seed}: status quo x 0.5-2.0, the `provinsi` "
        "extra bundle moved to other sites, the same stock spread at random over 3-8 sites), evaluation "
        f"only (no optimisation), on `kaltim-hazards` n={n} seed={args.seed} (generated once in "
        f"{gen_s:.1f} s, outside the timing); `run_study(chunk_size={args.chunk_size})`. Wall = the "
        "`run_study` call; start-up = starting the executor and one trivial task per worker, before the "
        "clock. Per-scenario costs are wall seconds of each stage divided by scenarios (and options).",
        "",
        *run_table(runs, n, n_options),
        "",
        f"Parallel efficiency T(pool-1) / (2 x T(pool-2)) = **{_f(eff, '.2f')}** (target >= 0.8); "
        f"Dask LocalCluster(2): T(pool-1) / (2 x T(dask-2)) = {_f(eff_dask, '.2f')}. {same}",
        "",
        *([contention_note(runs), ""] if contention_note(runs) else []),
        "Inside the runs (each task timed in its worker: wall and CPU seconds; workers busy = task "
        "seconds summed / (workers x stage wall); task CPU / wall below 1 means the worker waited for a "
        "core):",
        "",
        *task_table(runs),
        "",
    ]
    if eff is not None:
        rows, how = projection_table(runs, n, args.chunk_size, ser, eff)
        text += [
            f"Projected wall time for {n:,} x {n_options} on an N-worker cluster:",
            "",
            *rows,
            "",
            how,
            "",
        ]
    text.append(serialisation_note(ser, args.chunk_size, n_options))
    if saa:
        text += ["", saa_note(saa)]
    text.append(END)
    return "\n".join(text)


def serialisation_note(ser: dict[str, dict[str, float]], c: int, n_options: int) -> str:
    b, e = ser["cases"], ser["evaluate"]
    per_scenario = (b[f"task_bytes_{c}"] - b["task_bytes_1"]) / max(c - 1, 1)
    network = b["task_bytes_1"] - per_scenario
    return (
        f"Serialisation per task of {c} scenarios (ForkingPickler, timed in this process): a case "
        f"build task sends {b[f'task_bytes_{c}'] / 1e6:.2f} MB (of which the shared road network about "
        f"{network / 1e6:.2f} MB) and gets {b[f'result_bytes_{c}'] / 1e3:.0f} kB of cases back; an "
        f"evaluation task sends {e[f'task_bytes_{c}'] / 1e3:.0f} kB (the same cases again, {n_options} "
        f"stocks each) and gets {e[f'result_bytes_{c}'] / 1e3:.0f} kB back. Pickling and unpickling per "
        f"task: in the parent {1000 * b[f'parent_s_{c}']:.0f} ms (case build) and "
        f"{1000 * e[f'parent_s_{c}']:.0f} ms (evaluation), in the worker (outside the task timings above) "
        f"{1000 * b[f'worker_s_{c}']:.0f} ms and {1000 * e[f'worker_s_{c}']:.0f} ms."
    )


def saa_note(saa: dict[str, Any]) -> str:
    full = next(f for f in saa["fits"] if f["fold"] is None)
    folds = [f for f in saa["fits"] if f["fold"] is not None]
    sizes = ", ".join(f"{f['columns']:,} x {f['rows']:,}" for f in folds)
    secs = " + ".join(f"{f['seconds']:.2f}" for f in folds)
    sec = saa["seconds"]
    return (
        f"SAA (the bundled study's `optimise` section, budget {full['budget']:,.0f}, {saa['folds']} folds) "
        f"on the first {saa['n']} of these scenarios, in process, load average {saa['load'][0]:.2f} "
        f"before: the fit on all {saa['n']} is a MIP of {full['columns']:,} columns x {full['rows']:,} "
        f"rows, {full['status']} in {full['seconds']:.2f} s (HiGHS); the {len(folds)} fold fits "
        f"({sizes}) {secs} s; the optimise stage {sec['optimise']:.1f} s in all (model building "
        f"included), the whole study call {saa['wall_s']:.1f} s (cases {sec['cases']:.1f} s, evaluating "
        f"the optimum out of sample {sec['evaluate']:.1f} s)."
    )


def write(text: str) -> None:
    """Into docs/benchmarks.md under the heading (heading and markers added at the end if absent)."""
    from doc_blocks import DOC

    doc = DOC.read_text() if DOC.exists() else ""
    if START not in doc:
        DOC.write_text(doc.rstrip() + f"\n\n{HEADING}\n\n{START}\n{END}\n")
    write_block(text, START, END)


def machine_load() -> str:
    la = os.getloadavg()
    return f"Load average {la[0]:.2f} / {la[1]:.2f} / {la[2]:.2f} (1 / 5 / 15 min) at the start."


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1000, help="scenarios")
    p.add_argument("--options", type=int, default=20, help="options: the 5 given, then generated ones")
    p.add_argument("--seed", type=int, default=7, help="scenario set and generated options")
    p.add_argument("--chunk-size", type=int, default=20, help="run_study's chunk_size")
    p.add_argument("--saa-n", type=int, default=200, help="scenarios of the SAA fit (0: none)")
    p.add_argument("--runs", default=",".join(RUNS), help=f"comma-separated, of {', '.join(RUNS)}")
    p.add_argument("--quick", action="store_true", help="50 scenarios, SAA on 50: a smoke run (no write)")
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--records", type=Path, help="write every task's worker timing (JSON) here")
    args = p.parse_args()
    if args.quick:
        args.n, args.saa_n = 50, min(args.saa_n, 50)
    names = [r.strip() for r in args.runs.split(",") if r.strip()]
    bad = [r for r in names if r not in RUNS]
    if bad:
        p.error(f"--runs: unknown {', '.join(bad)} (known: {', '.join(RUNS)})")
    busy = machine_load()
    print(f"{os.cpu_count()} cores; {busy}", flush=True)
    spec, _ = load_study(STUDY)
    t0 = time.perf_counter()
    scenario_set = load_scenario_set({"kind": "kaltim-hazards", "n": args.n, "seed": args.seed})
    gen_s = time.perf_counter() - t0
    print(f"scenario set: {len(scenario_set)} scenarios in {gen_s:.1f} s", flush=True)
    bench = bench_spec(spec, scenario_set.scenarios[0], args.options, args.seed)
    n_options = len(bench.options)
    print(f"options: {', '.join(o.id for o in bench.options)}", flush=True)
    runs = {name: timed_run(name, bench, scenario_set, args.chunk_size) for name in names}
    done = [r for r in runs.values() if r.result is not None]
    if len(done) > 1:
        diffs = {r.name: differences(done[0].result, r.result) for r in done[1:]}
        bad_runs = {k: v for k, v in diffs.items() if v}
        names_ok = ", ".join(r.name for r in done)
        same = (
            f"Identical numbers in every run ({names_ok}): every option's per-scenario weighted unmet and "
            "fill rate, metrics, stock and rank, compared exactly."
            if not bad_runs
            else "NOT identical: "
            + "; ".join(f"{k} differs from {done[0].name} in {', '.join(v[:5])}" for k, v in bad_runs.items())
        )
    else:
        same = "(one run only: nothing to compare)"
    print(same, flush=True)
    if args.records:
        rows = {r.name: {"wall_s": r.wall_s, "seconds": r.seconds, "tasks": r.tasks} for r in done}
        args.records.write_text(json.dumps(rows, indent=1))
    stock = np.stack([o.stock for o in done[0].result.options])
    ser = serialisation(bench, scenario_set, stock, min(args.chunk_size, args.n))
    saa = saa_fit(spec, scenario_set, min(args.saa_n, args.n)) if args.saa_n > 0 else None
    text = block(args, runs, gen_s, same, ser, saa, n_options, busy)
    print(text)
    if not (args.quick or args.no_write):
        write(text)


if __name__ == "__main__":
    main()
