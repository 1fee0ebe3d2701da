"""What `siaga plan` and `siaga check` show: progress bars per stage, the KPI summary, the worst-served
areas and groups with reasons, and a check's violations; in Indonesian or English."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.i18n import Lang, reason_label, t
from api.reports.plan.headline import headline_rows
from optimizer.plan import Plan, PlanKpis
from optimizer.progress import Progress as ProgressCallback
from optimizer.progress import ProgressEvent
from scenarios.model import Scenario

__all__ = ["check_table", "kpi_table", "plan_progress", "worst_tables"]


@contextmanager
def plan_progress(console: Console, lang: Lang) -> Iterator[ProgressCallback]:
    """A progress callback drawing one bar per stage (needs & network, allocation and routing per
    round, final routing); silent when the console is not a terminal."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def task(key: str, label: str) -> TaskID:
        if key not in tasks:
            tasks[key] = bars.add_task(label, total=1.0)
        return tasks[key]

    def on_event(e: ProgressEvent) -> None:
        stage, frac = e.stage, float(e.fraction or 0.0)
        r = e.round or 0
        if stage in ("needs", "network"):
            bars.update(task("needs", t("stage_needs", lang)), completed=0.5)
        elif stage == "allocation":
            bars.update(task("needs", t("stage_needs", lang)), completed=1.0)
            label = f"{t('stage_allocation', lang)} ({t('round', lang)} {r})"
            bars.update(task(f"alloc{r}", label), completed=min(frac, 0.99))
        elif stage == "routing":
            if f"alloc{r}" in tasks:
                bars.update(tasks[f"alloc{r}"], completed=1.0)
            label = (
                t("stage_final", lang) if r == 0 else f"{t('stage_routing', lang)} ({t('round', lang)} {r})"
            )
            bars.update(task(f"route{r}", label), completed=frac)
        elif stage == "fallback":
            console.print(t("engine_fallback", lang).format(engine=e.engine, part=e.step, round=r))
        elif stage == "done":
            for k in tasks.values():
                bars.update(k, completed=1.0)

    with bars:
        yield on_event


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def _num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def kpi_table(k: PlanKpis, lang: Lang) -> Table:
    table = Table(show_header=True)
    table.add_column(t("kpi", lang))
    table.add_column(t("value", lang), justify="right")
    arr = k.arrival_h
    for name, value in headline_rows(k, lang):
        table.add_row(name, value)
    rows = [
        ("kpi_arrival", " / ".join(_num(x, 1) for x in (arr.mean, arr.p90, arr.max))),
        ("kpi_area_range", f"{_pct(k.min_area_fill_rate)} / {_pct(k.max_area_fill_rate)}"),
        ("kpi_gini", f"{k.gini:.3f}"),
        ("kpi_cost", _num(k.cost)),
        ("kpi_tonne_km", _num(k.tonne_km, 1)),
        ("kpi_vehicle_hours", _num(k.vehicle_hours, 1)),
        ("kpi_vehicles", f"{k.vehicles_used} / {k.trips}"),
    ]
    for key, value in rows:
        table.add_row(t(key, lang), value)
    for c, v in k.fill_rate_by_commodity.items():
        table.add_row(f"  {t('fill_rate', lang)}: {c}", _pct(v))
    return table


def worst_tables(s: Scenario, plan: Plan, lang: Lang, n: int = 10) -> list[Table]:
    """The n worst-served areas and every group, each with the main reason its need went unmet."""
    k = plan.kpis
    un = plan.unmet_frame
    areas = {a.id: a for a in s.areas}
    groups = {g.id: g for g in s.groups}

    def main_reason(frame: pd.DataFrame) -> str:
        if frame.empty:
            return "-"
        return reason_label(str(frame.groupby("reason")["units"].sum().idxmax()), lang)

    ta = Table(title=t("worst_areas", lang))
    for col in ("area", "fill_rate", "unmet_units", "main_reason"):
        ta.add_column(t(col, lang), justify="right" if col in ("fill_rate", "unmet_units") else "left")
    worst = sorted(k.fill_rate_by_area.items(), key=lambda kv: (kv[1], kv[0]))[:n]
    for a, fr in worst:
        part = un[un["area"] == a]
        ta.add_row(f"{areas[a].name} ({a})", _pct(fr), _num(part["units"].sum()), main_reason(part))
    tg = Table(title=t("groups_title", lang))
    for col in ("group", "fill_rate", "priority", "main_reason"):
        tg.add_column(t(col, lang), justify="right" if col in ("fill_rate", "priority") else "left")
    for g, fr in sorted(k.fill_rate_by_group.items(), key=lambda kv: (kv[1], kv[0])):
        grp = groups[g]
        name = grp.name if lang == "id" or not grp.name_en else grp.name_en
        tg.add_row(name, _pct(fr), f"{grp.priority_weight:g}", main_reason(un[un["group"] == g]))
    return [ta, tg]


def check_table(violations, lang: Lang, limit: int = 50) -> Table:
    table = Table()
    for col in ("kind", "where", "message"):
        table.add_column(t(col, lang))
    for v in violations[:limit]:
        table.add_row(v.kind, v.where, v.message)
    return table
