"""The HTTP API end to end, by HTTP alone: scenario -> plan job -> plan; incident -> road closed ->
re-plan; on SQLite and PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from optimizer.plan.check import check_plan
from scenarios import apply_updates, load_scenario

from ...api_fixtures import DATA_DIR, scenario_document, service  # noqa: F401 - fixtures

CLOSED_EDGE = "e_wb"  # diamond: the pick-up's road to Kampung U; closed, the trip takes longer


def _events(client, path: str, headers: dict) -> list[tuple[str, dict]]:
    """The server-sent events of a job until the stream ends: [(event, data)]."""
    events, name = [], None
    with client.stream("GET", path, headers=headers) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[len("data: ") :])))
    return events


@pytest.mark.slow
def test_full_flow_by_http(service):  # noqa: F811
    """Create a scenario, plan it, read the plan (feasible by the checker); open an incident on that
    plan, close a road its trips use: the re-plan is feasible on the updated scenario, where the old
    plan is not (or its trips changed). A viewer cannot write (403); no key is 401."""
    c, auth = service.client, service.auth
    doc = scenario_document("diamond")
    r = c.post("/v1/scenarios", json=doc, headers=auth("admin"))
    assert r.status_code == 201, r.text
    scenario_id = r.json()["id"]
    assert r.headers["location"] == f"/v1/scenarios/{scenario_id}"

    r = c.post("/v1/plans", json={"scenario_id": scenario_id, "time_limit": 2}, headers=auth("coordinator"))
    assert r.status_code == 202, r.text
    assert r.json()["status"] in ("queued", "running")
    assert r.headers["location"] == f"/v1/jobs/{r.json()['id']}"
    job = service.wait_job(r.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["links"]["plan"] == f"/v1/plans/{job['plan_id']}"
    plan = c.get(job["links"]["plan"], headers=auth("viewer")).json()
    scenario = load_scenario(DATA_DIR / "diamond")
    assert check_plan(scenario, plan).violations == []

    r = c.post(
        "/v1/incidents",
        json={"scenario_id": scenario_id, "name": "banjir", "plan_id": job["plan_id"]},
        headers=auth("coordinator"),
    )
    assert r.status_code == 201, r.text
    incident = r.json()
    assert incident["plan_id"] == job["plan_id"] and incident["updates"] == []

    update = {"kind": "road_closed", "payload": {"edge": CLOSED_EDGE}, "replan": {"time_limit": 2}}
    assert (
        c.post(f"/v1/incidents/{incident['id']}/updates", json=update, headers=auth("viewer")).status_code
        == 403
    )
    assert c.post(f"/v1/incidents/{incident['id']}/updates", json=update).status_code == 401
    r = c.post(f"/v1/incidents/{incident['id']}/updates", json=update, headers=auth("coordinator"))
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert accepted["update"]["seq"] == 1 and accepted["update"]["actor"].startswith("test coordinator")
    assert accepted["job"]["kind"] == "replan" and accepted["job"]["params"]["upto_seq"] == 1

    events = _events(c, accepted["job"]["links"]["events"], auth("viewer"))
    assert events[-1][0] == "done" and events[-1][1]["status"] == "succeeded", events[-1]
    replan_id = events[-1][1]["plan_id"]
    now = c.get(f"/v1/incidents/{incident['id']}", headers=auth("viewer")).json()
    assert now["plan_id"] == replan_id
    assert [u["kind"] for u in now["updates"]] == ["road_closed"]

    replan = c.get(f"/v1/plans/{replan_id}", headers=auth("viewer")).json()
    closed, _ = apply_updates(scenario, [("road_closed", {"edge": CLOSED_EDGE})])
    assert check_plan(closed, replan).violations == []
    old_fails = not check_plan(closed, plan).feasible
    assert old_fails or replan["trips"] != plan["trips"]


@pytest.mark.slow
def test_plan_files(service):  # noqa: F811
    """A finished plan reads as GeoJSON, HXL CSVs, XLSX and dispatch HTML (index links to sheets)."""
    c, auth = service.client, service.auth
    r = c.post(
        "/v1/plans", json={"scenario_id": service.scenario(), "time_limit": 1}, headers=auth("coordinator")
    )
    job = service.wait_job(r.json()["id"])
    base = f"/v1/plans/{job['plan_id']}"
    geo = c.get(f"{base}.geojson", headers=auth("viewer"))
    assert geo.headers["content-type"] == "application/geo+json"
    assert geo.json()["type"] == "FeatureCollection"
    csv = c.get(f"{base}/shipments.csv", headers=auth("viewer")).text.splitlines()
    assert csv[1].startswith("#loc+origin+code")
    assert "#inneed+num" in c.get(f"{base}/unmet.csv", headers=auth("viewer")).text.splitlines()[1]
    xlsx = c.get(f"{base}.xlsx?lang=en", headers=auth("viewer"))
    assert xlsx.content[:2] == b"PK"
    index = c.get(f"{base}/dispatch?lang=en", headers=auth("viewer"))
    assert index.headers["content-type"].startswith("text/html")
    link = index.text.split('href="dispatch/')[1].split('"')[0]
    sheet = c.get(f"{base}/dispatch/{link}", headers=auth("viewer"))
    assert sheet.status_code == 200 and "<html" in sheet.text
    vehicle = json.loads(c.get(base, headers=auth("viewer")).text)["trips"][0]["vehicle"]
    assert (
        c.get(f"{base}/dispatch/{vehicle}", headers=auth("viewer")).text
        == c.get(f"{base}/dispatch/{vehicle}?lang=id", headers=auth("viewer")).text
    )
    assert c.get(f"{base}/dispatch/nobody", headers=auth("viewer")).status_code == 404


def _zipped(directory, folder: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(directory.iterdir()):
            z.write(f, f"{folder}{f.name}")
    return buf.getvalue()


def test_zipped_scenario_upload(service):  # noqa: F811
    """A zipped scenario directory is accepted as the body (application/zip) and as a multipart file,
    and reads back as the same document as its JSON."""
    c, auth = service.client, service.auth
    data = _zipped(DATA_DIR / "tiny_flood", "tiny_flood/")
    r = c.post("/v1/scenarios", content=data, headers=auth("admin", **{"Content-Type": "application/zip"}))
    assert r.status_code == 201, r.text
    files = {"file": ("tiny.zip", _zipped(DATA_DIR / "tiny_flood"), "application/zip")}
    r2 = c.post("/v1/scenarios", files=files, headers=auth("admin"))
    assert r2.status_code == 201, r2.text
    one = c.get(f"/v1/scenarios/{r.json()['id']}", headers=auth("viewer")).json()
    assert one["document"] == scenario_document("tiny_flood")
    listed = c.get("/v1/scenarios", headers=auth("viewer")).json()
    assert listed["count"] == 2 and {s["scenario_id"] for s in listed["data"]} == {"tiny-flood"}


def test_bad_zip_points_at_file_and_line(service):  # noqa: F811
    """A zipped directory with a negative head count answers 422; the error names the field's JSON
    pointer, the file and its line."""
    c, auth = service.client, service.auth
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted((DATA_DIR / "tiny_flood").iterdir()):
            text = f.read_text()
            if f.name == "areas.csv":
                text = text.replace(",,100,20,", ",,-3,20,")
            z.writestr(f"flood/{f.name}", text)
    headers = auth("admin", **{"Content-Type": "application/zip"})
    r = c.post("/v1/scenarios", content=buf.getvalue(), headers=headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "pointer": "/areas/1/people/lansia",
            "detail": "'-3' must be >= 0",
            "in": "file",
            "file": "areas.csv",
            "line": 3,
        }
    ]


def test_base_outside_the_archive_is_refused(service):  # noqa: F811
    """A zipped scenario whose `base` points outside the archive is 422 at /base (nothing read there)."""
    c, auth = service.client, service.auth
    data = _zipped(DATA_DIR / "bad_negative_people")
    r = c.post("/v1/scenarios", content=data, headers=auth("admin", **{"Content-Type": "application/zip"}))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/base"


def test_cancel_a_running_job(service):  # noqa: F811
    """DELETE cancels a running solve: the job reads cancelled with a reason; a second DELETE is 409."""
    c, auth = service.client, service.auth
    r = c.post(
        "/v1/plans", json={"scenario_id": service.scenario(), "time_limit": 30}, headers=auth("coordinator")
    )
    job_id = r.json()["id"]
    deadline = time.monotonic() + 30
    while c.get(f"/v1/jobs/{job_id}", headers=auth("viewer")).json()["status"] != "running":
        assert time.monotonic() < deadline, "the job did not start"
        time.sleep(0.1)
    t0 = time.monotonic()
    r = c.delete(f"/v1/jobs/{job_id}", headers=auth("coordinator"))
    assert r.status_code == 202 and r.json()["status"] == "cancelled"
    job = service.wait_job(job_id, timeout=10)
    assert job["status"] == "cancelled" and job["reason"]
    assert time.monotonic() - t0 < 5
    again = c.delete(f"/v1/jobs/{job_id}", headers=auth("coordinator"))
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"


def test_update_that_does_not_apply(service):  # noqa: F811
    """An update naming an unknown road is 422 with a pointer into its payload; nothing is stored."""
    c, auth = service.client, service.auth
    r = c.post("/v1/incidents", json={"scenario_id": service.scenario()}, headers=auth("coordinator"))
    incident = r.json()
    bad = {"kind": "road_closed", "payload": {"edge": "no_such_road"}}
    r = c.post(f"/v1/incidents/{incident['id']}/updates", json=bad, headers=auth("coordinator"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/payload/edge"
    too_much = {
        "kind": "stock_dispatched",
        "payload": {"warehouse": "gudang", "commodity": "beras", "units": 1e9},
    }
    r = c.post(f"/v1/incidents/{incident['id']}/updates", json=too_much, headers=auth("coordinator"))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/payload/units"
    assert c.get(f"/v1/incidents/{incident['id']}", headers=auth("viewer")).json()["updates"] == []


@pytest.mark.slow
def test_newer_update_supersedes_queued_replan(service):  # noqa: F811
    """Updates sent faster than re-plans run: a re-plan still queued when a newer update arrives is
    cancelled as superseded; the newest update's re-plan covers all of them."""
    c, auth = service.client, service.auth
    incident = c.post(
        "/v1/incidents", json={"scenario_id": service.scenario()}, headers=auth("coordinator")
    ).json()
    jobs = []
    for units in (10, 20, 30, 40):
        body = {
            "kind": "stock_received",
            "payload": {"warehouse": "gudang", "commodity": "beras", "units": units},
            "replan": {"time_limit": 1},
        }
        r = c.post(f"/v1/incidents/{incident['id']}/updates", json=body, headers=auth("coordinator"))
        assert r.status_code == 202, r.text
        jobs.append(r.json()["job"]["id"])
    final = [service.wait_job(j) for j in jobs]
    assert final[-1]["status"] == "succeeded" and final[-1]["params"]["upto_seq"] == 4
    superseded = [j for j in final if j["status"] == "cancelled"]
    assert all("superseded" in j["reason"] for j in superseded)
    now = c.get(f"/v1/incidents/{incident['id']}", headers=auth("viewer")).json()
    assert now["plan_id"] == final[-1]["plan_id"] and len(now["updates"]) == 4
