"""Only finite numbers, with physical upper bounds (issue 19). NaN, Infinity and absurd numbers (1e308)
in a scenario (the loaders, POST /v1/scenarios), an incident update or a VROOM problem are refused with
a JSON pointer to the number; stored data that no longer validates (written around the API, or by an
older version) never breaks a read route: the map, plans, incidents and lists answer, saying what is
wrong. One named fixture of tests/data per malformed input; on SQLite and PostgreSQL where the
database matters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.http.db.models import Incident, IncidentUpdate, Job, PlanRecord, ScenarioRecord
from optimizer.plan import FORMAT
from optimizer.routing.vroom import VroomError, read_vroom
from scenarios import ScenarioError, UpdateError, apply_updates, load_scenario
from scenarios import fields as bounds
from scenarios.sets import load_scenario_set

from ..api_fixtures import DATA_DIR, Service, scenario_document, service, sqlite_service  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
STORED_INVALID = "tag:siaga.id,2026:problems/stored-data-invalid"
JSON_TYPE = {"Content-Type": "application/json"}

# fixture -> (pointer of the bad number, what the message says), for the loaders and POST /v1/scenarios
SCENARIO_CASES = {
    "bad_people_infinite.json": (("areas", 0, "people", "umum"), "Infinity must be a finite number"),
    "bad_people_huge.json": (("areas", 0, "people", "umum"), "1e+308 must be <= 10000000"),
    "bad_stock_nan.json": (("warehouses", 0, "stock", "beras"), "NaN must be a finite number"),
    "bad_stock_huge.json": (("warehouses", 0, "stock", "beras"), "1e+308 must be <= 10000000000"),
    "bad_capacity_infinite.json": (("vehicle_types", 0, "capacity_kg"), "Infinity must be a finite number"),
    "bad_capacity_huge.json": (("vehicle_types", 0, "capacity_kg"), "1e+308 must be <= 100000000"),
}
CSV_CASES = {
    "bad_people_infinite_csv": (
        ("areas", 1, "people", "lansia"),
        "bad_people_infinite_csv/areas.csv:3: people_lansia: 'inf' must be a finite number",
    ),
    "bad_speed_huge_csv": (
        ("vehicle_types", 0, "speed_kmh"),
        "bad_speed_huge_csv/vehicle_types.csv:2: speed_kmh: '1e308' must be <= 1000",
    ),
}


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{p}" for p in path)


def _problem(r, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return r.json()


# --- the loaders (what `siaga validate`, `siaga plan` and the API read scenarios with)


@pytest.mark.parametrize("name", [*SCENARIO_CASES, *CSV_CASES])
def test_loader_refuses_non_finite_and_huge_numbers(name):
    """A scenario with NaN, Infinity or a number above its bound (a JSON document, or 'inf' / '1e308'
    in a CSV table) fails to load with one ScenarioError issue at the number: its JSON pointer path,
    the value as written, and the bound or "must be a finite number"."""
    path, message = {**SCENARIO_CASES, **CSV_CASES}[name]
    with pytest.raises(ScenarioError) as err:
        load_scenario(DATA_DIR / name)
    assert len(err.value.issues) == 1, err.value
    issue = err.value.issues[0]
    assert issue.path == path
    assert message in str(issue).replace(str(DATA_DIR) + "/", ""), str(issue)


def test_bounds_keep_every_shipped_scenario_valid():
    """The bounds are generous: every bundled scenario, every tests/data scenario that is not a bad_*
    fixture, and generated hazard and Gulf-coast scenario sets still validate."""
    dirs = [
        p.parent for base in ("scenarios/library", "tests/data") for p in (ROOT / base).rglob("scenario.yaml")
    ]
    good = [d for d in dirs if not d.name.startswith("bad_")]
    assert len(good) >= 15
    for d in good:
        load_scenario(d)
    load_scenario(DATA_DIR / "tiny_flood.json")
    assert len(load_scenario_set({"kind": "kaltim-hazards", "n": 40, "seed": 11}).scenarios) == 40
    assert len(load_scenario_set({"kind": "gulf-coast"}).scenarios) > 0


def test_docs_list_every_bound():
    """docs/scenario-format.md's "Numbers and bounds" table gives every MAX_* bound of the model with
    its value."""
    text = (ROOT / "docs" / "scenario-format.md").read_text()
    section = text.split("## Numbers and bounds", 1)[1].split("\n## ", 1)[0]
    for name in (n for n in bounds.__all__ if n.startswith("MAX_")):
        value = getattr(bounds, name)
        assert f"`{name}`" in section, name
        assert f"{value:,}" in section, (name, value)


# --- incident updates, as applied (scenarios.apply_updates)

UPDATE_CASES = [
    ("people_changed", {"area": "desa_a", "people": {"umum": 1e308}}, "/people/umum", "<= 10000000"),
    ("people_changed", {"area": "desa_a", "people": {"umum": float("inf")}}, "/people/umum", "finite"),
    (
        "stock_received",
        {"warehouse": "gudang", "commodity": "beras", "units": float("nan")},
        "/units",
        "finite",
    ),
    ("stock_received", {"warehouse": "gudang", "commodity": "beras", "units": 10**400}, "/units", "<= 1"),
    ("stock_received", {"warehouse": "gudang", "commodity": "beras", "units": True}, "/units", ">= 0"),
    ("delivery_confirmed", {"area": "desa_a", "commodity": "beras", "units": 1e308}, "/units", "<= 1"),
    ("road_degraded", {"edge": "e_ab", "speed_factor": float("nan")}, "/speed_factor", "finite"),
    ("road_degraded", {"edge": "e_ab", "max_weight_t": 1e308}, "/max_weight_t", "<= 100000"),
    ("road_closed", {"edge": "e_ab", "note": {"depth_m": [1.5, float("-inf")]}}, "/note/depth_m/1", "finite"),
]


@pytest.mark.parametrize(("kind", "payload", "pointer", "says"), UPDATE_CASES)
def test_update_refuses_non_finite_and_huge_numbers(tiny_flood, kind, payload, pointer, says):
    """An update holding NaN or Infinity anywhere in its payload, or a count above the model's bound
    (people, units, tonnes), does not apply: UpdateError at the number's pointer into the payload."""
    with pytest.raises(UpdateError) as err:
        apply_updates(tiny_flood, [(kind, payload)])
    assert err.value.index == 0 and err.value.field == pointer
    assert says in err.value.message, err.value.message


# --- VROOM problems


@pytest.mark.parametrize(
    ("name", "pointer", "says"),
    [
        ("vroom_bad_infinity.json", "/jobs/1/delivery/0", "inf is not a finite number"),
        ("vroom_bad_huge.json", "/vehicles/0/capacity/0", "1e+308 is outside 0..1099511627776"),
    ],
)
def test_vroom_reader_refuses_non_finite_and_huge_numbers(name, pointer, says):
    """read_vroom refuses a non-finite amount or an absurd capacity with VroomError: the place in the
    message, its JSON pointer in `pointer`."""
    with pytest.raises(VroomError) as err:
        read_vroom(json.loads((DATA_DIR / name).read_text()))
    assert err.value.pointer == pointer and says in str(err.value)


def test_vroom_reader_checks_matrices_windows_costs_and_coordinates():
    """Matrix entries outside VROOM's 32-bit range, a reversed or non-finite time window, a coordinate
    off the globe and rates that make an arc cost overflow are refused, each at its pointer."""
    base = json.loads((DATA_DIR / "vroom_bad_huge.json").read_text())
    base["vehicles"][0]["capacity"] = [10]
    read_vroom(base)  # the fixture with a sane capacity reads

    def pointer_of(change) -> str:
        doc = json.loads(json.dumps(base))
        change(doc)
        with pytest.raises(VroomError) as err:
            read_vroom(doc)
        return err.value.pointer

    assert pointer_of(lambda d: d["matrix"][1].__setitem__(2, -5)) == "/matrix/1/2"
    assert pointer_of(lambda d: d["matrix"][2].__setitem__(0, 1e300)) == "/matrix/2/0"
    assert (
        pointer_of(lambda d: d["jobs"][0].__setitem__("time_windows", [[100, 50]]))
        == "/jobs/0/time_windows/0"
    )
    assert pointer_of(lambda d: d["jobs"][1].__setitem__("time_windows", [[0, float("nan")]])) == (
        "/jobs/1/time_windows/0/1"
    )
    assert pointer_of(lambda d: d["jobs"][0].__setitem__("service", 2**40)) == "/jobs/0/service"
    assert pointer_of(lambda d: d["vehicles"][0].__setitem__("start", [200.0, 0.0])) == "/vehicles/0/start/0"
    assert pointer_of(lambda d: d["vehicles"][0].__setitem__("time_window", [0, float("inf")])) == (
        "/vehicles/0/time_window/1"
    )
    big = {"per_hour": 2**32 - 1, "per_km": 0}
    base["matrix"] = [[0, 2**32 - 1, 9], [9, 0, 9], [9, 9, 0]]
    assert pointer_of(lambda d: d["vehicles"][0].__setitem__("costs", big)) == "/vehicles/0/costs"


def test_vroom_endpoint_refuses_bad_numbers_with_a_pointer(sqlite_service):  # noqa: F811
    """POST /v1/optimization with Infinity (the JSON literal, as a client can send it) or 1e308 in the
    problem answers 422 with errors[0].pointer at the number, before any solve."""
    c, auth = sqlite_service.client, sqlite_service.auth("coordinator", **JSON_TYPE)
    for name, pointer in (
        ("vroom_bad_infinity.json", "/jobs/1/delivery/0"),
        ("vroom_bad_huge.json", "/vehicles/0/capacity/0"),
    ):
        doc = _problem(c.post("/v1/optimization", content=(DATA_DIR / name).read_bytes(), headers=auth), 422)
        assert doc["errors"][0]["pointer"] == pointer, doc
        assert doc["errors"][0]["in"] == "body"


# --- over HTTP, on both databases


def test_scenario_upload_refuses_non_finite_and_huge_numbers(service):  # noqa: F811
    """POST /v1/scenarios with Infinity, NaN or 1e308 in people, stock or capacity (each fixture sent as
    is: Python's json reads the literals) answers 422 with errors[] at the number's JSON pointer, the
    value and the bound in its detail; nothing is stored."""
    c, auth = service.client, service.auth("admin", **JSON_TYPE)
    for name, (path, message) in SCENARIO_CASES.items():
        r = c.post("/v1/scenarios", content=(DATA_DIR / name).read_bytes(), headers=auth)
        errors = _problem(r, 422)["errors"]
        assert [e["pointer"] for e in errors] == [_pointer(path)], (name, errors)
        assert errors[0]["detail"] == message and isinstance(errors[0]["line"], int), (name, errors)
    assert c.get("/v1/scenarios", headers=service.auth("viewer")).json()["count"] == 0


def _raw_update(kind: str, payload: str) -> bytes:
    """An update body as a client may write it: `payload` is JSON text (NaN, Infinity, huge integers)."""
    return f'{{"kind": "{kind}", "payload": {payload}, "replan": {{"time_limit": 1}}}}'.encode()


def test_incident_update_refuses_non_finite_and_huge_numbers(service):  # noqa: F811
    """An incident update with 1e308 people, NaN or Infinity units, an integer of 400 digits, a NaN speed
    factor or an absurd weight limit answers 422 with the JSON pointer into the payload in errors[];
    nothing is stored and no re-plan is queued."""
    c, auth = service.client, service.auth("coordinator", **JSON_TYPE)
    incident = c.post("/v1/incidents", json={"scenario_id": service.scenario()}, headers=auth).json()
    url = f"/v1/incidents/{incident['id']}/updates"
    stock = '{"warehouse": "gudang", "commodity": "beras", "units": %s}'
    for kind, payload, pointer in (
        ("people_changed", '{"area": "desa_a", "people": {"umum": 1e308}}', "/payload/people/umum"),
        ("people_changed", '{"area": "desa_a", "people": {"umum": Infinity}}', "/payload/people/umum"),
        ("stock_received", stock % "NaN", "/payload/units"),
        ("stock_received", stock % "-Infinity", "/payload/units"),
        ("stock_received", stock % ("1" + "0" * 400), "/payload/units"),
        ("delivery_confirmed", '{"area": "desa_a", "commodity": "beras", "units": 1e308}', "/payload/units"),
        ("road_degraded", '{"edge": "e_ab", "speed_factor": NaN}', "/payload/speed_factor"),
        ("road_degraded", '{"edge": "e_ab", "max_weight_t": 1e308}', "/payload/max_weight_t"),
    ):
        doc = _problem(c.post(url, content=_raw_update(kind, payload), headers=auth), 422)
        assert pointer in [e["pointer"] for e in doc["errors"]], (payload, doc)
    assert c.get(f"/v1/incidents/{incident['id']}", headers=service.auth("viewer")).json()["updates"] == []
    with c.app.state.sessions() as s:
        assert s.scalars(select(Job).where(Job.kind == "replan")).all() == []


def _store_raw(service: Service, doc: dict[str, Any]) -> str:  # noqa: F811
    """A scenario record written straight into the database, bypassing validation; its id."""
    with service.client.app.state.sessions.begin() as s:
        r = ScenarioRecord(scenario_id=doc["id"], name=doc["name"], document=doc, n_areas=2, n_vehicles=3)
        s.add(r)
        s.flush()
        return r.id


def _store_update(service: Service, incident_id: str, kind: str, payload: dict[str, Any]) -> None:  # noqa: F811
    """An update row appended straight into the database (seq 1), bypassing the checks."""
    with service.client.app.state.sessions.begin() as s:
        s.add(IncidentUpdate(incident_id=incident_id, seq=1, kind=kind, payload=payload, actor="test"))


@pytest.mark.parametrize("people", [None, 1e308], ids=["null", "1e308"])
def test_stored_scenario_that_no_longer_validates(service, people):  # noqa: F811
    """A stored scenario whose people are null (Infinity as the old API stored it) or 1e308 breaks no
    read route: the map answers 409 stored-data-invalid naming /areas/0/people/umum; the scenario and
    its incident are listed and read; a plan job fails with a reason naming the pointer (the runner
    lives on: a re-plan after it fails the same way); an update to its incident is 409 too."""
    c, viewer, coordinator = service.client, service.auth("viewer"), service.auth("coordinator")
    doc = scenario_document()
    doc["areas"][0]["people"]["umum"] = people
    sid = _store_raw(service, doc)

    problem = _problem(c.get(f"/v1/dashboard/scenarios/{sid}/map", headers=viewer), 409)
    assert problem["type"] == STORED_INVALID
    assert problem["errors"][0]["pointer"] == "/areas/0/people/umum", problem
    assert "/areas/0/people/umum" in problem["detail"]
    listed = c.get("/v1/scenarios", headers=viewer)
    assert listed.status_code == 200 and sid in [x["id"] for x in listed.json()["data"]]
    assert c.get(f"/v1/scenarios/{sid}", headers=viewer).status_code == 200

    job = c.post("/v1/plans", json={"scenario_id": sid, "time_limit": 1}, headers=coordinator)
    assert job.status_code == 202, job.text
    failed = service.wait_job(job.json()["id"])
    assert failed["status"] == "failed" and "no longer validates: /areas/0/people/umum" in failed["reason"]

    incident = c.post("/v1/incidents", json={"scenario_id": sid}, headers=coordinator)
    assert incident.status_code == 201, incident.text
    iid = incident.json()["id"]
    assert c.get(f"/v1/incidents/{iid}", headers=viewer).status_code == 200
    assert c.get("/v1/incidents", headers=viewer).json()["count"] == 1
    r = c.get(f"/v1/dashboard/scenarios/{sid}/map?incident={iid}", headers=viewer)
    assert _problem(r, 409)["type"] == STORED_INVALID
    update = {"kind": "road_closed", "payload": {"edge": "e_ab"}, "replan": {"time_limit": 1}}
    r = c.post(f"/v1/incidents/{iid}/updates", json=update, headers=coordinator)
    assert _problem(r, 409)["errors"][0]["pointer"] == "/areas/0/people/umum"

    with c.app.state.sessions.begin() as s:
        replan = Job(kind="replan", incident_id=iid, params={"time_limit": 1, "upto_seq": 0})
        s.add(replan)
        s.flush()
        replan_id = replan.id
    again = service.wait_job(replan_id)
    assert again["status"] == "failed" and "/areas/0/people/umum" in again["reason"]


def test_stored_update_that_no_longer_applies(service):  # noqa: F811
    """An update row with 1e308 people (stored before the bound existed) in an incident's append-only
    log breaks no read route: the incident's map and the renderings of its plans answer 409
    stored-data-invalid at /updates/0/payload/people/umum; the incident, its update and the lists
    read; the scenario's own map still draws; a further update is 409; its re-plan fails with a
    reason."""
    c, viewer, coordinator = service.client, service.auth("viewer"), service.auth("coordinator")
    sid = service.scenario()
    iid = c.post("/v1/incidents", json={"scenario_id": sid}, headers=coordinator).json()["id"]
    _store_update(service, iid, "people_changed", {"area": "desa_a", "people": {"umum": 1e308}})

    problem = _problem(c.get(f"/v1/dashboard/scenarios/{sid}/map?incident={iid}", headers=viewer), 409)
    assert problem["type"] == STORED_INVALID
    assert (
        problem["errors"][0]["pointer"] == "/updates/0/payload/people/umum"
        and problem["errors"][0]["seq"] == 1
    )
    assert "Update 1 (people_changed)" in problem["detail"]
    assert c.get(f"/v1/dashboard/scenarios/{sid}/map", headers=viewer).status_code == 200

    got = c.get(f"/v1/incidents/{iid}", headers=viewer)
    assert got.status_code == 200 and got.json()["updates"][0]["payload"]["people"]["umum"] == 1e308
    assert c.get("/v1/incidents", headers=viewer).json()["data"][0]["n_updates"] == 1
    update = {"kind": "road_closed", "payload": {"edge": "e_ab"}, "replan": {"time_limit": 1}}
    r = c.post(f"/v1/incidents/{iid}/updates", json=update, headers=coordinator)
    assert _problem(r, 409)["type"] == STORED_INVALID

    with c.app.state.sessions.begin() as s:
        replan = Job(kind="replan", incident_id=iid, params={"time_limit": 1, "upto_seq": 1})
        plan = PlanRecord(
            scenario_id=sid, incident_id=iid, document={"format": FORMAT, "incident": {"upto_seq": 1}}
        )
        s.add_all([replan, plan])
        s.flush()
        replan_id, plan_id = replan.id, plan.id
    failed = service.wait_job(replan_id)
    assert failed["status"] == "failed"
    assert failed["reason"].startswith("update 1 (people_changed) no longer applies: /people/umum")
    for suffix in (".geojson", "/shipments.csv", "/dispatch"):
        r = c.get(f"/v1/plans/{plan_id}{suffix}", headers=viewer)
        assert _problem(r, 409)["type"] == STORED_INVALID, suffix


def test_stored_nan_is_listed_on_sqlite(sqlite_service):  # noqa: F811
    """SQLite keeps NaN and Infinity in JSON text (PostgreSQL refuses them): a stored update holding
    one is still listed, the number shown as the text "NaN", and the incident's map says which update
    is wrong; a stored scenario holding Infinity answers 409 on its map."""
    svc = sqlite_service
    c, viewer = svc.client, svc.auth("viewer")
    sid = svc.scenario()
    iid = c.post("/v1/incidents", json={"scenario_id": sid}, headers=svc.auth("coordinator")).json()["id"]
    _store_update(
        svc, iid, "stock_received", {"warehouse": "gudang", "commodity": "beras", "units": float("nan")}
    )
    got = c.get(f"/v1/incidents/{iid}", headers=viewer)
    assert got.status_code == 200 and got.json()["updates"][0]["payload"]["units"] == "NaN"
    problem = _problem(c.get(f"/v1/dashboard/scenarios/{sid}/map?incident={iid}", headers=viewer), 409)
    assert problem["errors"][0]["pointer"] == "/updates/0/payload/units"

    doc = scenario_document()
    doc["warehouses"][0]["stock"]["beras"] = float("inf")
    bad = _store_raw(svc, doc)
    problem = _problem(c.get(f"/v1/dashboard/scenarios/{bad}/map", headers=viewer), 409)
    assert problem["errors"][0] == {
        "pointer": "/warehouses/0/stock/beras",
        "detail": "Infinity must be a finite number",
        "in": "stored",
    }
    with c.app.state.sessions() as s:
        assert s.get(Incident, iid) is not None
