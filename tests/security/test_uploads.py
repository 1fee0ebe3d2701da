"""Scenario uploads cost bounded work: aliases refused, sizes counted as tables are read, the parse in
a worker process under CPU, memory and time budgets (api/http/parsing.py), deep nesting refused; on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import pytest

from ..api_fixtures import Service, scenario_document, start_service
from .uploads import JSON, ZIP, alias_bomb_zip, areas_json, deep_json, million_areas_zip


@pytest.fixture
def upload_service(database_url) -> Iterator[Service]:
    """The app with its default upload limits (20 MiB bodies, 20,000 areas, 30 s of CPU)."""
    yield from start_service(database_url, poll_interval_s=0.1)


def _refused(r, status: int) -> dict:
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"] == "application/problem+json"
    return r.json()


def test_a_yaml_alias_bomb_is_refused_at_once(upload_service):
    """A 2 KB zip whose scenario.yaml chains six levels of ten aliases: 422 naming the alias and its
    line, in well under a second (before: 61 s of CPU and 4.7 GB)."""
    start = time.monotonic()
    r = upload_service.client.post(
        "/v1/scenarios", content=alias_bomb_zip(), headers=upload_service.auth(**ZIP)
    )
    doc = _refused(r, 422)
    assert time.monotonic() - start < 5
    error = doc["errors"][0]
    assert "alias" in error["detail"] and error["file"] == "scenario.yaml" and error["line"] == 5


@pytest.mark.slow
def test_three_million_areas_stop_at_the_limit(upload_service):
    """3 M areas in a 14 MiB zip: reading areas.csv stops at the row past 20,000 and the answer is
    422 at that row (before: 163 s and 12.6 GB)."""
    r = upload_service.client.post(
        "/v1/scenarios", content=million_areas_zip(), headers=upload_service.auth(**ZIP)
    )
    error = _refused(r, 422)["errors"][0]
    assert error["pointer"] == "/areas" and error["file"] == "areas.csv" and error["line"] == 20_002
    assert "more than 20000 areas; at most 20000" in error["detail"]


def test_a_hundred_thousand_areas_in_json_are_counted_before_validation(upload_service):
    """100 k areas as a 17 MiB JSON body (under the body limit): 422 with the count and the limit,
    without validating (or locating) a single area."""
    start = time.monotonic()
    r = upload_service.client.post("/v1/scenarios", content=areas_json(), headers=upload_service.auth(**JSON))
    error = _refused(r, 422)["errors"][0]
    assert error["pointer"] == "/areas" and error["detail"] == "100000 areas; at most 20000"
    assert time.monotonic() - start < 30


def test_json_nested_990_deep_is_422_with_an_idempotency_key(upload_service):
    """A body nested 990 levels deep with an Idempotency-Key: 422 (the key's hash compares the bytes
    when the body cannot be re-read as JSON), never 500; and 5,000 deep on any route: 422 too."""
    headers = upload_service.auth(**JSON, **{"Idempotency-Key": "deep"})
    r = upload_service.client.post("/v1/scenarios", content=deep_json(), headers=headers)
    assert _refused(r, 422)["errors"][0]["detail"]
    deeper = upload_service.client.post("/v1/scenarios", content=deep_json(5000), headers=headers)
    assert "nested too deeply" in _refused(deeper, 422)["errors"][0]["detail"]
    for path in ("/v1/plans", "/v1/incidents", "/v1/keys"):  # bodies FastAPI itself parses
        other = upload_service.client.post(path, content=deep_json(5000), headers=headers)
        assert "nested too deeply" in _refused(other, 422)["errors"][0]["detail"], path


@pytest.mark.parametrize(
    ("limits", "n_areas", "says"),
    [
        ({"parse_memory_mb": 16}, 19_900, "needs more than 16 MB of memory"),
        ({"parse_cpu_s": 1, "max_areas": 200_000, "max_body_bytes": 2**26}, 150_000, "more than 1 s of CPU"),
        ({"parse_timeout_s": 0.3}, 19_900, "took more than 0.3 s"),
    ],
    ids=["memory", "cpu", "wall-time"],
)
def test_a_parse_past_its_budget_is_413(tmp_path, limits, n_areas, says):
    """A scenario whose reading needs more memory, CPU or time than the service grants: 413
    `parse-budget`, and the service goes on answering (the next upload is read)."""
    gen = start_service(f"sqlite:///{tmp_path / 'api.db'}", **limits)
    svc = next(gen)
    try:
        r = svc.client.post("/v1/scenarios", content=areas_json(n_areas), headers=svc.auth(**JSON))
        doc = _refused(r, 413)
        assert doc["type"].endswith("parse-budget") and says in doc["detail"], doc["detail"]
        assert (
            svc.client.post("/v1/scenarios", content=areas_json(3), headers=svc.auth(**JSON)).status_code
            == 201
        )
    finally:
        gen.close()


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_the_server_keeps_no_memory_of_a_large_parse(tmp_path):
    """A 19,900-area scenario (5 MiB of JSON, a gigabyte-scale parse before) is read in a worker
    process: the server's own memory grows by less than 150 MB (the body and the stored scenario)."""
    gen = start_service(f"sqlite:///{tmp_path / 'api.db'}")
    svc = next(gen)
    try:
        body = areas_json(19_900)
        before = _rss_mb()
        assert svc.client.post("/v1/scenarios", content=body, headers=svc.auth(**JSON)).status_code == 201
        assert _rss_mb() - before < 150
    finally:
        gen.close()


def test_a_fleet_count_of_400_digits_is_422(upload_service):
    """A fleet line whose count is an integer of 400 digits is 422 (counted as too many vehicles),
    not an overflow."""
    doc = scenario_document()
    doc["fleet"][0]["count"] = 10**400
    body = json.dumps(doc).encode()
    error = _refused(
        upload_service.client.post("/v1/scenarios", content=body, headers=upload_service.auth(**JSON)), 422
    )
    assert error["errors"][0]["pointer"] == "/fleet"


def test_a_malformed_multipart_form_is_422(upload_service):
    """A multipart body that cannot be parsed (a part without a name) is 422, not an undocumented 400."""
    body = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"
    headers = upload_service.auth(**{"Content-Type": "multipart/form-data; boundary=b"})
    r = upload_service.client.post("/v1/scenarios", content=body, headers=headers)
    assert _refused(r, 422)["errors"][0]["in"] == "body"


def test_an_affected_count_of_400_digits_is_422(upload_service):
    """An area's `affected` count that is an integer of 400 digits is 422 at its pointer, not an
    overflow in the split into groups."""
    doc = scenario_document()
    doc["areas"][0]["affected"] = 10**400
    body = json.dumps(doc).encode()
    r = upload_service.client.post("/v1/scenarios", content=body, headers=upload_service.auth(**JSON))
    assert _refused(r, 422)["errors"][0]["pointer"] == "/areas/0/affected"
