"""Scenario commands: `siaga scenarios`, `validate`, `show`, `schema` and `needs`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from api.i18n import Lang, t
from scenarios import Scenario, bundled_scenarios, compute_needs
from scenarios.model import Scenario as ScenarioModel
from scenarios.needs import household_counts

from ..reports.safe_cells import safe_frame
from .common import LangOpt, ScenarioArg, err, lang_or_exit, load_or_exit, out

__all__ = ["register"]


class NeedsFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ShowFormat(StrEnum):
    json = "json"


def list_scenarios(lang: LangOpt = "id") -> None:
    """List the bundled scenarios."""
    lg = lang_or_exit(lang)
    table = Table(title=t("bundled", lg))
    table.add_column("id", no_wrap=True)
    table.add_column(t("name", lg))
    for col in (t("areas", lg), t("people", lg), t("horizon", lg)):
        table.add_column(col, justify="right", no_wrap=True)
    for name in bundled_scenarios():
        s = load_or_exit(name)
        people = sum(a.total_people for a in s.areas)
        table.add_row(
            name,
            s.name,
            str(len(s.areas)),
            f"{people:,.0f}",
            f"{s.policy.horizon_days} {t('days', lg)}",
        )
    out.print(table)


def validate(scenario: ScenarioArg, lang: LangOpt = "id") -> None:
    """Check a scenario; print a summary, or every error with file, line and field (exit 2)."""
    lg = lang_or_exit(lang)
    s = load_or_exit(scenario)
    vehicles = sum(f.count for f in s.fleet)
    out.print(
        f"{t('valid', lg)}: {s.id} — {len(s.areas)} {t('areas', lg).lower()}, "
        f"{len(s.warehouses)} {t('warehouses', lg).lower()}, {vehicles} "
        f"{t('vehicles', lg).lower()}, {len(s.network.nodes)} {t('nodes', lg).lower()}, "
        f"{len(s.network.edges)} {t('edges', lg).lower()}, {len(s.damage)} "
        f"{t('damage', lg).lower()}",
        markup=False,
    )


def show(
    scenario: ScenarioArg,
    format: Annotated[ShowFormat, typer.Option("--format", help="Output format.")] = ShowFormat.json,
) -> None:
    """Print the whole scenario as one self-contained JSON document (the API's format)."""
    s = load_or_exit(scenario)
    sys.stdout.write(s.model_dump_json(indent=1) + "\n")


def schema() -> None:
    """Print the JSON Schema of a scenario document."""
    sys.stdout.write(json.dumps(ScenarioModel.model_json_schema(), indent=1) + "\n")


def needs(
    scenario: ScenarioArg,
    format: Annotated[NeedsFormat, typer.Option("--format", help="table, csv or json.")] = (
        NeedsFormat.table
    ),
    standards: Annotated[
        str | None, typer.Option("--standards", help="Standards profile (default: the policy's).")
    ] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Override the horizon.")] = None,
    lang: LangOpt = "id",
) -> None:
    """Needs per area, commodity, PMKS group and day: people x standard x days (+ extras)."""
    lg = lang_or_exit(lang)
    s = load_or_exit(scenario)
    try:
        table = compute_needs(s, standards=standards, days=days)
    except KeyError as exc:
        err.print(f"--standards: {exc.args[0]}", markup=False)
        raise typer.Exit(2) from None
    if format is NeedsFormat.csv:
        sys.stdout.write(safe_frame(table).to_csv(index=False, float_format="%.6g"))
    elif format is NeedsFormat.json:
        sys.stdout.write(table.to_json(orient="records", double_precision=15) + "\n")
    else:
        _print_needs(s, table, standards or s.policy.standards, days, lg)


def _print_needs(s: Scenario, needs: pd.DataFrame, profile: str, days, lg: Lang) -> None:
    horizon = days or s.policy.horizon_days
    people = sum(a.total_people for a in s.areas)
    out.print(
        f"[bold]{t('needs_title', lg)}[/] — {t('scenario', lg)}: {s.name} ({s.id}); "
        f"{t('standards', lg)}: {profile}; {t('horizon', lg)}: {horizon} {t('days', lg)}; "
        f"{t('areas', lg)}: {len(s.areas)}; {t('people', lg)}: {people:,.0f}"
    )
    kk = household_counts(s)
    out.print(
        t("kk_line", lg).format(
            kk=kk["kk"].sum(),
            kk_d=kk["kk_displaced"].sum(),
            kk_v=kk["kk_vulnerable"].sum(),
            size=s.policy.kk_size,
            home=s.policy.at_home_share,
        )
    )
    for k in s.kitchens:
        last = k.to_day or horizon
        line = t("kitchen_line", lg).format(
            name=k.name, area=k.area, meals=k.meals_a_day, staff=k.staff, first=k.from_day, last=last
        )
        out.print(line)
    for w in s.water_points:
        out.print(t("water_point_line", lg).format(name=w.name, litres=w.litres_per_day, reach=w.reach_km))
    bases = _bases(s, profile, lg)
    persons = needs[needs["day"] == needs.groupby(["area", "commodity", "group"])["day"].transform("min")]
    persons_c = persons.groupby("commodity")["persons"].sum()
    commodities = {c.id: c for c in s.commodities}
    by_c = needs.groupby("commodity", sort=False)[["units", "kg", "m3"]].sum()
    table = Table(title=t("by_commodity", lg))
    for col in (
        t("commodity", lg),
        t("unit", lg),
        t("basis", lg),
        t("persons_for", lg),
        t("units", lg),
        t("weight_t", lg),
        t("volume_m3", lg),
    ):
        table.add_column(col, justify="right" if col != t("commodity", lg) else "left")
    for cid, row in by_c.iterrows():
        c = commodities[str(cid)]
        label = c.name if lg == "id" else (c.name_en or c.name)
        table.add_row(
            label,
            c.unit,
            bases.get(c.id, "-"),
            f"{persons_c.get(c.id, 0.0):,.0f}",
            f"{row.units:,.0f}",
            f"{row.kg / 1000:,.1f}",
            f"{row.m3:,.1f}",
        )
    table.add_row(
        f"[bold]{t('total', lg)}",
        "",
        "",
        "",
        "",
        f"[bold]{by_c.kg.sum() / 1000:,.1f}",
        f"[bold]{by_c.m3.sum():,.1f}",
    )
    out.print(table)
    _print_groups(s, needs, lg)


def _bases(s: Scenario, profile: str, lg: Lang) -> dict[str, str]:
    """Per commodity: who its items are for, e.g. "pengungsi per KK" or "terdampak x 0.3"."""
    out: dict[str, list[str]] = {}
    for item in s.standards_profile(profile).items:
        text = t(f"basis_{item.basis}", lg)
        if item.per == "household":
            text += " " + t("per_kk", lg)
        if item.share < 1:
            text += f" x {item.share:g}"
        if item.groups:
            text += " (" + ", ".join(item.groups) + ")"
        out.setdefault(item.commodity, []).append(text)
    return {c: "; ".join(dict.fromkeys(v)) for c, v in out.items()}


def _print_groups(s: Scenario, needs: pd.DataFrame, lg: Lang) -> None:
    people: dict[str, float] = {}
    for a in s.areas:
        for g, n in a.people.items():
            people[g] = people.get(g, 0.0) + n
    weight_t = needs.groupby("group")["kg"].sum() / 1000
    table = Table(title=t("by_group", lg))
    for col in (t("group", lg), t("priority", lg), t("people", lg), t("weight_t", lg)):
        table.add_column(col, justify="left" if col == t("group", lg) else "right")
    for g in s.groups:
        if people.get(g.id, 0) <= 0:
            continue
        label = g.name if lg == "id" else (g.name_en or g.name)
        table.add_row(
            label,
            f"{g.priority_weight:g}",
            f"{people[g.id]:,.0f}",
            f"{weight_t.get(g.id, 0.0):,.1f}",
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add this group's commands to `app`, in the order `siaga --help` lists them."""
    app.command("scenarios")(list_scenarios)
    app.command()(validate)
    app.command()(show)
    app.command()(schema)
    app.command()(needs)
