"""Write every output file of a plan into one directory."""

from __future__ import annotations

import json
from pathlib import Path

from api.i18n import Lang
from network import ScenarioNetwork
from optimizer.plan import Plan
from scenarios.model import Scenario

from .dispatch import dispatch_html, index_html, vehicle_file_name, vehicle_trips
from .geojson import routes_geojson
from .hxl import write_hxl_csv
from .tables import shipments_frame, unmet_frame
from .xlsx import write_xlsx

__all__ = ["write_plan"]


def write_plan(
    scenario: Scenario,
    plan: Plan,
    out_dir: Path,
    lang: Lang = "id",
    network: ScenarioNetwork | None = None,
) -> list[Path]:
    """Write plan.json, routes.geojson, shipments.csv, unmet.csv, plan.xlsx and dispatch/ (one sheet per
    vehicle plus index.html) into `out_dir`; return the paths written. The routes are drawn on
    `network`, else on the network the plan was routed on (`plan.network`), else on the scenario's
    own (its damage applied), built here."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if network is None:
        network = plan.network if plan.network is not None else ScenarioNetwork(scenario)
    paths = [
        _write_text(out_dir / "plan.json", json.dumps(plan.to_dict(), indent=1, ensure_ascii=False) + "\n"),
        _write_text(out_dir / "routes.geojson", json.dumps(routes_geojson(scenario, plan, network)) + "\n"),
        write_hxl_csv(shipments_frame(scenario, plan, lang), "shipments", out_dir / "shipments.csv"),
        write_hxl_csv(unmet_frame(scenario, plan, lang), "unmet", out_dir / "unmet.csv"),
        write_xlsx(scenario, plan, out_dir / "plan.xlsx", lang),
    ]
    return paths + _write_dispatch(scenario, plan, out_dir / "dispatch", lang)


def _write_dispatch(scenario: Scenario, plan: Plan, directory: Path, lang: Lang) -> list[Path]:
    """One sheet per vehicle, then the index linking them."""
    directory.mkdir(exist_ok=True)
    paths = [
        _write_text(directory / vehicle_file_name(v), dispatch_html(scenario, plan, v, lang))
        for v in vehicle_trips(plan)
    ]
    return [*paths, _write_text(directory / "index.html", index_html(scenario, plan, lang))]


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
