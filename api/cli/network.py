"""Network commands: `siaga network` (reachability after damage) and `siaga import-network`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.i18n import Lang, t
from scenarios import Scenario

from .common import LangOpt, ScenarioArg, err, lang_or_exit, load_or_exit, out

__all__ = ["register"]


class NetworkFormat(StrEnum):
    table = "table"
    json = "json"


def network_report(
    scenario: ScenarioArg,
    format: Annotated[NetworkFormat, typer.Option("--format", help="table or json.")] = (NetworkFormat.table),
    lang: LangOpt = "id",
) -> None:
    """Reachability of every area after damage: from which warehouses, by which vehicles, how fast."""
    from network import reachability

    lg = lang_or_exit(lang)
    s = load_or_exit(scenario)
    records = reachability(s)
    if format is NetworkFormat.json:
        sys.stdout.write(json.dumps([r.to_dict() for r in records], indent=1) + "\n")
        return
    _print_reachability(s, records, lg)


def _print_reachability(s: Scenario, records, lg: Lang) -> None:
    isolated = sum(r.isolated for r in records)
    river_air = sum(r.river_or_air_only for r in records)
    out.print(
        f"[bold]{t('reach_title', lg)}[/] — {s.name} ({s.id}): {len(records)} "
        f"{t('areas', lg).lower()}, {isolated} {t('isolated', lg).lower()}, {river_air} "
        f"{t('river_air_only', lg).lower()}"
    )
    table = Table()
    table.add_column(t("area", lg))
    table.add_column(t("isolated", lg))
    table.add_column(t("modes", lg))
    table.add_column(t("fastest", lg))
    table.add_column(t("time_h", lg), justify="right")
    table.add_column(t("options", lg), justify="right")
    table.add_column(t("cut_edges", lg))
    yes, no = t("yes", lg), t("no", lg)
    for r in records:
        best = r.reachable_from[0] if r.reachable_from else None
        table.add_row(
            r.name,
            yes if r.isolated else no,
            ", ".join(r.modes),
            f"{best['warehouse']} / {best['vehicle_type']}" if best else "-",
            f"{best['time_h']:.1f}" if best else "-",
            str(len(r.reachable_from)),
            ", ".join(r.cut_edges),
        )
    out.print(table)


def import_network(
    file: Annotated[Path, typer.Argument(help="An OpenStreetMap XML file (.osm) or GeoJSON lines.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for nodes.csv and edges.csv.")],
    keep: Annotated[
        str | None,
        typer.Option("--keep", help="A scenario whose warehouses and areas must keep their own nodes."),
    ] = None,
) -> None:
    """Import a road/river network into nodes.csv and edges.csv (the scenario format)."""
    from network import NetworkError
    from network.imports import read_geojson_lines, read_osm, write_network_csv

    points: list[tuple[float, float]] = []
    if keep is not None:
        s = load_or_exit(keep)
        points = [(x.lat, x.lon) for x in (*s.warehouses, *s.areas) if x.lat is not None]
    if not file.is_file():
        err.print(f"{file}: no such file", markup=False)
        raise typer.Exit(2)
    try:
        if file.suffix.lower() in (".geojson", ".json"):
            net = read_geojson_lines(file, points)
        else:
            net = read_osm(file, points)
    except (NetworkError, ValueError) as exc:
        err.print(f"{file}: {exc}", markup=False)
        raise typer.Exit(2) from None
    nodes, edges = write_network_csv(net, out_dir)
    out.print(f"{len(net.nodes)} nodes -> {nodes}; {len(net.edges)} edges -> {edges}", markup=False)


def register(app: typer.Typer) -> None:
    """Add this group's commands to `app`, in the order `siaga --help` lists them."""
    app.command("network")(network_report)
    app.command("import-network")(import_network)
