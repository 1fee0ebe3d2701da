"""A stored plan's files, rendered on request with the exports of `siaga plan` (api/reports/plan): GeoJSON,
HXL CSV, XLSX and dispatch sheets. A plan is rendered against the scenario it was made for: an
incident's re-plan against the incident scenario with its updates up to the plan's."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from functools import cached_property
from html import escape
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.orm import Session

from api.i18n import Lang
from api.reports.plan import (
    dispatch_html,
    index_html,
    routes_geojson,
    shipments_frame,
    unmet_frame,
    vehicle_file_name,
    write_hxl_csv,
    write_xlsx,
)
from api.reports.plan.dispatch import vehicle_trips
from network import ScenarioNetwork
from optimizer.plan import FORMAT, Plan
from scenarios import Scenario

from .db.models import PlanRecord
from .problems import Problem
from .scenario_cache import ScenarioCache
from .views import get_or_404

__all__ = ["PlanContext", "plan_bytes", "plan_context"]


@dataclass(frozen=True)
class PlanContext:
    record: PlanRecord
    scenario: Scenario
    network_key: tuple[str, str, int]
    cache: ScenarioCache

    @cached_property
    def plan(self) -> Plan:
        """The stored plan.json, read back; a plan stored in an older format (before `siaga-plan/3`:
        the one clock, the KPIs in people) is answered 409: plan the scenario again."""
        fmt = self.record.document.get("format")
        if fmt != FORMAT:
            raise Problem(
                409, f"The plan is stored in format {fmt!r}, not {FORMAT!r}: plan the scenario again."
            )
        return Plan.from_dict(self.record.document)

    def network(self) -> ScenarioNetwork:
        return self.cache.network(self.network_key, self.scenario)

    def geojson(self) -> dict:
        return routes_geojson(self.scenario, self.plan, self.network())

    def csv(self, table: str, lang: Lang) -> bytes:
        make = shipments_frame if table == "shipments" else unmet_frame
        with tempfile.TemporaryDirectory(prefix="siaga-csv-") as tmp:
            path = write_hxl_csv(make(self.scenario, self.plan, lang), table, Path(tmp) / f"{table}.csv")
            return path.read_bytes()

    def xlsx(self, lang: Lang) -> bytes:
        with tempfile.TemporaryDirectory(prefix="siaga-xlsx-") as tmp:
            return write_xlsx(self.scenario, self.plan, Path(tmp) / "plan.xlsx", lang).read_bytes()

    def dispatch_index(self, lang: Lang) -> str:
        """The index of dispatch sheets, its links pointing at this API's sheet routes."""
        html = index_html(self.scenario, self.plan, lang)
        for vehicle in vehicle_trips(self.plan):
            name = vehicle_file_name(vehicle)
            html = html.replace(
                f'href="{escape(name)}"', f'href="dispatch/{escape(quote(name))}?lang={lang}"'
            )
        return html

    def dispatch_sheet(self, vehicle: str, lang: Lang) -> str:
        """The sheet of a vehicle named by its id or its sheet's file name (with or without .html)."""
        for v in vehicle_trips(self.plan):
            if vehicle in (v, vehicle_file_name(v), vehicle_file_name(v).removesuffix(".html")):
                return dispatch_html(self.scenario, self.plan, v, lang)
        raise Problem(404, f"The plan has no trips of a vehicle {vehicle!r}.")


def plan_context(session: Session, cache: ScenarioCache, plan_id: str) -> PlanContext:
    record = get_or_404(session, PlanRecord, plan_id, "plan")
    if record.scenario_id is None:
        raise Problem(404, f"Plan {plan_id!r} has no stored scenario to render it against.")
    upto = int((record.document.get("incident") or {}).get("upto_seq") or 0)
    if record.incident_id is not None:
        scenario = cache.incident_scenario(session, record.scenario_id, record.incident_id, upto)
    else:
        scenario = cache.scenario(session, record.scenario_id)
    return PlanContext(record, scenario, (record.scenario_id, record.incident_id or "", upto), cache)


def plan_bytes(session: Session, cache: ScenarioCache, plan_id: str) -> bytes:
    """plan.json as stored, serialised once per plan (plans never change)."""

    def load() -> bytes:
        record = get_or_404(session, PlanRecord, plan_id, "plan")
        return json.dumps(record.document, ensure_ascii=False).encode()

    return cache.plans.get_or_make(plan_id, load)
