"""Benchmark: what hostile scenario uploads cost, before and after bounded parsing (issue 19).

    .venv/bin/python bench/hostile_uploads.py [--levels 5] [--no-write]

1. Reading, side by side in one run, each case in its own forked process (seconds and peak RSS):
   - a YAML alias chain (`--levels` levels of ten aliases): before, PyYAML's pure-Python composer and
     the line-map walk that follows every alias; now `scenarios.yamlread.read_yaml`, which refuses it;
   - a JSON document of 100,000 areas: before, the eager line map (pure-Python compose of the whole
     text) and validation; now `load_json` with the service's limits, which counts first;
   - a valid JSON document of 19,900 areas: before, eager line map and validation; now validation
     alone (the line map is built only when a problem needs a line).
2. A real `siaga serve` (SQLite) while the hostile uploads of tests/security run at once: /health
   latency percentiles (p50, p99, max over a request every 50 ms) and the server's RSS growth.

The tables go into docs/benchmarks.md between the `hostile-uploads` markers (not with --no-write).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from doc_blocks import write_block  # noqa: E402

from scenarios import ScenarioError, load_document, load_json  # noqa: E402
from scenarios.size import SizeLimits  # noqa: E402
from scenarios.sources import SourceMap, _walk  # noqa: E402
from scenarios.yamlread import read_yaml  # noqa: E402
from tests.api_fixtures import make_keys  # noqa: E402
from tests.live_server import serve_process  # noqa: E402
from tests.security.uploads import (  # noqa: E402
    JSON,
    ZIP,
    alias_bomb_zip,
    areas_json,
    deep_json,
    million_areas_zip,
)

START, END = "<!-- hostile-uploads:start -->", "<!-- hostile-uploads:end -->"


def alias_chain(levels: int) -> str:
    lines = ["lol0: &lol0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def before_yaml(text: str) -> None:
    """The reading before: yaml.safe_load, then the line map of the pure-Python composed tree."""
    yaml.safe_load(text)
    _walk(yaml.compose(text, Loader=yaml.SafeLoader), (), "scenario.yaml", SourceMap())


def after_yaml(text: str) -> None:
    with contextlib.suppress(yaml.YAMLError):
        read_yaml(text)


def before_json(text: str) -> None:
    """The reading before: an eager pure-Python line map, then validation of the whole document."""
    import json

    smap = SourceMap("<body>")
    _walk(yaml.compose(text, Loader=yaml.SafeLoader), (), "<body>", smap)
    with contextlib.suppress(ScenarioError):
        load_document(json.loads(text), smap)


def after_json(text: str) -> None:
    with contextlib.suppress(ScenarioError):
        load_json(text, "<body>", SizeLimits())


def _child(fn: Callable[[str], None], text: str, out) -> None:
    start = time.process_time()
    fn(text)
    out.send((time.process_time() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(fn: Callable[[str], None], text: str) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of fn(text) in a forked process."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, text, send))
    proc.start()
    result = receive.recv()
    proc.join()
    return result


def reading_table(levels: int) -> str:
    cases = [
        (f"YAML alias chain, {levels} levels of 10", alias_chain(levels), before_yaml, after_yaml),
        ("JSON, 100,000 areas (over the limit)", areas_json(100_000).decode(), before_json, after_json),
        ("JSON, 19,900 areas (valid)", areas_json(19_900).decode(), before_json, after_json),
    ]
    rows = [
        "| case | before: CPU s | before: peak MB | now: CPU s | now: peak MB | CPU ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, text, before, after in cases:
        (b_s, b_mb), (a_s, a_mb) = measure(before, text), measure(after, text)
        rows.append(
            f"| {name} | {b_s:.2f} | {b_mb:.0f} | {a_s:.2f} | {a_mb:.0f} | {b_s / max(a_s, 1e-3):.0f}x |"
        )
    return "\n".join(rows)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return int(next(x for x in f if x.startswith("VmRSS:")).split()[1]) / 1024


def _post(base: str, body: bytes, headers: dict[str, str]) -> tuple[str, float]:
    """(the status or transport error, seconds) of one upload."""
    start = time.monotonic()
    try:
        r = httpx.post(f"{base}/v1/scenarios", content=body, headers=headers, timeout=300)
        status = str(r.status_code)
    except httpx.TransportError as e:
        status = type(e).__name__
    return status, time.monotonic() - start


def serve_table(tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'bench.db'}"
    key = make_keys(url)["admin"]
    auth = {"Authorization": f"Bearer {key}"}
    big = os.urandom(19 * 2**20)
    cases = [
        ("alias bomb zip (2 KB)", alias_bomb_zip(), {**auth, **ZIP}),
        ("3 M areas zip (14 MiB)", million_areas_zip(), {**auth, **ZIP}),
        ("100 k areas JSON (17 MiB)", areas_json(), {**auth, **JSON}),
        ("JSON nested 990 deep", deep_json(), {**auth, **JSON}),
    ] + [("no key, 19 MiB", big, ZIP)] * 20
    env = {**os.environ, "SIAGA_DATABASE_URL": url, "SIAGA_WORKERS": "1"}
    with serve_process(env, tmp / "serve.log") as (proc, base):
        before = _rss_mb(proc.pid)
        latencies: list[float] = []
        peak = before
        with ThreadPoolExecutor(max_workers=len(cases)) as pool:  # every upload at once
            futures = [pool.submit(_post, base, body, headers) for _, body, headers in cases]
            with httpx.Client(base_url=base, timeout=10) as client:
                while not all(f.done() for f in futures):
                    start = time.monotonic()
                    client.get("/health")
                    latencies.append(time.monotonic() - start)
                    peak = max(peak, _rss_mb(proc.pid))
                    time.sleep(0.05)
        answers = [f.result() for f in futures]
        after = _rss_mb(proc.pid)
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[int(q * (len(latencies) - 1))] * 1000

    rows = ["| upload | answers | slowest |", "| --- | --- | ---: |"]
    by_case: dict[str, list[tuple[str, float]]] = {}
    for (name, _, _), answer in zip(cases, answers, strict=True):
        by_case.setdefault(name, []).append(answer)
    for name, got in by_case.items():
        statuses = ", ".join(sorted({status for status, _ in got}))
        rows.append(f"| {name} ({len(got)}x) | {statuses} | {max(s for _, s in got):.1f} s |")
    summary = (
        f"/health during the uploads: {len(latencies)} requests, p50 {pct(0.5):.0f} ms, "
        f"p99 {pct(0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms. Server RSS: {before:.0f} MB "
        f"before, peak {peak:.0f} MB, {after:.0f} MB after."
    )
    return "\n".join(rows) + "\n\n" + summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import tempfile

    reading = reading_table(args.levels)
    with tempfile.TemporaryDirectory() as tmp:
        serving = serve_table(Path(tmp))
    block = (
        f"{START}\n## Hostile scenario uploads (issue 19)\n\n"
        f"`.venv/bin/python bench/hostile_uploads.py --levels {args.levels}`, {datetime.now():%Y-%m-%d}, "
        f"{platform.machine()}, {os.cpu_count()} cores. Reading cost before and after bounded parsing, "
        "side by side in one run (each case in its own forked process; CPU seconds and peak RSS of that "
        "process, which starts at about 200 MB: the imports). Before: PyYAML's pure-Python composer and an "
        "eager line map; now: libyaml, aliases refused, sizes counted first, lines found only for an "
        f"error:\n\n{reading}\n\n"
        "A real `siaga serve` (SQLite, one solver worker) while all these uploads run at once (one client "
        "thread each):\n\n"
        f"{serving}\n{END}"
    )
    print(block)
    if not args.no_write:
        write_block(block, START, END)


if __name__ == "__main__":
    main()
