"""Safe exports (issue 19): no cell of a plan's XLSX or CSV, nor of a study's CSV, is something a
spreadsheet would run, whatever the scenario's names; the dispatch HTML carries a strict
Content-Security-Policy and every plan download `X-Content-Type-Options: nosniff`.

The fixture tests/data/formula_names names its areas, warehouse, nodes and vehicle types
`=HYPERLINK("http://x","y")`, `=1+1`, `@SUM(A1)`, `+1`, `-2`, a tab and a carriage return, and gives
ids starting with `-`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from api.reports.plan import HXL_TAGS, shipments_frame, write_hxl_csv, write_plan
from api.reports.safe_cells import DANGEROUS_FIRST, safe_frame, safe_text
from api.reports.study.write import _write_csv
from optimizer.plan import Plan
from scenarios import Scenario, load_scenario

from ..api.reports.test_export import _plan
from ..api_fixtures import DATA_DIR, sqlite_service  # noqa: F401 - fixtures
from ..conftest import run_siaga

PAYLOADS = ('=HYPERLINK("http://x","y")', "=1+1", "@SUM(A1)", "+1", "-2", "\tcmd")


@pytest.fixture(scope="module")
def formula_names() -> Scenario:
    """The scenario whose names and ids are formula payloads."""
    return load_scenario(DATA_DIR / "formula_names")


@pytest.fixture(scope="module")
def exports(formula_names: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory write_plan fills with the plan of `formula_names`."""
    plan: Plan = _plan(formula_names)
    out = tmp_path_factory.mktemp("formula_names")
    write_plan(formula_names, plan, out)
    return out


def _dangerous(text: str) -> bool:
    """Whether a spreadsheet could read `text` (a cell as written) as a formula."""
    return text.startswith(DANGEROUS_FIRST) and not _is_number(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_safe_text_rule():
    """Text starting with = + - @ tab or CR gets a leading quote, and its line breaks become LF; other
    text, numbers (negative too) and None are unchanged; safe_frame keeps numeric columns numeric."""
    for payload in PAYLOADS:
        assert safe_text(payload) == "'" + payload
    assert safe_text("\rx") == "'\nx" and safe_text("Desa\r\n=1+1\r") == "Desa\n=1+1\n"
    for value in ("Desa A", "'=1+1", "", " =1", -2, -2.5, 0, None):
        assert safe_text(value) == value
    frame = pd.DataFrame({"name": ["=1+1", "Desa"], "units": [-2.5, 3.0]})
    safe = safe_frame(frame)
    assert safe["name"].tolist() == ["'=1+1", "Desa"]
    assert safe["units"].tolist() == [-2.5, 3.0] and pd.api.types.is_float_dtype(safe["units"])


def test_xlsx_has_no_formula_cells(exports):
    """plan.xlsx of the formula-named scenario has zero formula cells; every text cell that would
    start with a dangerous character starts with "'" (the payloads are there, neutralised), and the
    numbers are still numbers."""
    book = openpyxl.load_workbook(exports / "plan.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert [t for t in texts if t.startswith(DANGEROUS_FIRST)] == []
    assert {"'" + p for p in PAYLOADS} <= texts
    assert texts & {"'\rx", "'\nx"}  # XML reads a carriage return back as a line feed
    units = [row[10] for row in book["shipments"].iter_rows(min_row=2, values_only=True)]
    assert units and all(isinstance(u, int | float) for u in units)


@pytest.mark.parametrize("name", ["shipments.csv", "unmet.csv"])
def test_csv_cells_neutralised(exports, name):
    """shipments.csv and unmet.csv (read with the csv module) have no cell starting with = + - @ tab or
    CR unless it is a number; the payloads are there, each behind a quote."""
    cells = _csv_cells(exports / name)
    assert [c for c in cells if _dangerous(c)] == []
    assert {'\'=HYPERLINK("http://x","y")', "'=1+1", "'@SUM(A1)", "'-2", "'\tcmd", "'\nx"} <= set(cells)


def test_csv_line_break_starts_no_row(tiny_flood, tmp_path):
    """A carriage return inside a name ("Desa\\r=1+1") does not end the CSV row, which would start a
    new row with "=1+1": the line break is written as a quoted LF, and the rows read back whole."""
    plan = _plan(tiny_flood)
    frame = shipments_frame(tiny_flood, plan).assign(area_name="Desa\r=1+1")
    path = write_hxl_csv(frame, "shipments", tmp_path / "shipments.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 2 + len(frame) and {len(r) for r in rows} == {len(HXL_TAGS["shipments"])}
    assert {r[5] for r in rows[2:]} == {"Desa\n=1+1"}


def test_study_csv_neutralised(tmp_path):
    """study.csv neutralises an option's id and name but writes its numbers, negative ones too, as
    numbers."""
    metrics = dict.fromkeys(
        ["expected_weighted_unmet", "worst_decile_weighted_unmet", "fill_rate", "mean_arrival_h"], -1.5
    )
    option = {
        "rank": 1,
        "id": "-opt",
        "name": "=1+1",
        "kind": "@SUM(A1)",
        "cost": {"total": -2.0},
        "budget": None,
        "metrics": {**metrics, "p90_arrival_h": None, "fill_rate_by_group": {"+g": 0.5}},
        "in_sample_weighted_unmet": None,
    }
    path = tmp_path / "study.csv"
    _write_csv({"groups": [{"id": "+g"}], "options": [option]}, path)
    cells = _csv_cells(path)
    assert [c for c in cells if _dangerous(c)] == []
    assert {"'-opt", "'=1+1", "'@SUM(A1)", "-2.0", "-1.5"} <= set(cells)


@pytest.mark.slow
def test_downloads_carry_security_headers(sqlite_service):  # noqa: F811
    """The dispatch index and a vehicle's sheet answer with a Content-Security-Policy that loads and runs
    nothing but inline styles, and nosniff; plan.json, GeoJSON, both CSVs and the XLSX with nosniff."""
    c, auth = sqlite_service.client, sqlite_service.auth
    r = c.post(
        "/v1/plans",
        json={"scenario_id": sqlite_service.scenario(), "time_limit": 1},
        headers=auth("coordinator"),
    )
    assert r.status_code == 202, r.text
    job = sqlite_service.wait_job(r.json()["id"])
    assert job["status"] == "succeeded", job
    base = f"/v1/plans/{job['plan_id']}"
    index = c.get(f"{base}/dispatch", headers=auth("viewer"))
    link = index.text.split('href="dispatch/')[1].split('"')[0]
    sheet = c.get(f"{base}/dispatch/{link}", headers=auth("viewer"))
    for page in (index, sheet):
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = {d.split()[0]: d.split()[1:] for d in page.headers["content-security-policy"].split("; ")}
        assert policy["default-src"] == ["'none'"] and policy["style-src"] == ["'unsafe-inline'"]
        assert "script-src" not in policy and policy["frame-ancestors"] == ["'none'"]
        assert page.headers["x-content-type-options"] == "nosniff"
    for path in ("", ".geojson", ".xlsx", "/shipments.csv", "/unmet.csv"):
        r = c.get(f"{base}{path}", headers=auth("viewer"))
        assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff", path


@pytest.mark.slow
def test_command_line_csvs_are_neutralised(tmp_path):
    """`siaga needs --format csv` and `siaga allocate --out` write the same safe cells as the plan's
    exports: no text cell of theirs starts with a dangerous character."""
    scenario = str(DATA_DIR / "formula_names")
    needs = run_siaga("needs", scenario, "--format", "csv")
    assert needs.returncode == 0, needs.stderr
    (tmp_path / "needs.csv").write_text(needs.stdout)
    allocated = run_siaga("allocate", scenario, "--out", str(tmp_path))
    assert allocated.returncode == 0, allocated.stderr
    for name in ("needs.csv", "shipments.csv", "unmet.csv"):
        cells = _csv_cells(tmp_path / name)
        assert cells and not [c for c in cells if _dangerous(c) and not _is_number(c)], name
