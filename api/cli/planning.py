"""Planning commands: `siaga allocate`, `route`, `vroom`, `plan` (needs -> allocation -> routing -> the
plan's files) and `check` (a plan against its scenario)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.i18n import t
from api.reports.plan.formats import eta

from ..reports.safe_cells import safe_frame
from .common import LangOpt, ScenarioArg, err, lang_or_exit, load_or_exit, out

__all__ = ["register"]


def allocate(
    scenario: ScenarioArg,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write shipments.csv and unmet.csv here.")
    ] = None,
    lang: LangOpt = "id",
) -> None:
    """Allocate stock to areas day by day (vulnerable first); print KPIs and unmet need by reason."""
    from optimizer.allocation import solve_allocation

    lg = lang_or_exit(lang)
    s = load_or_exit(scenario)
    r = solve_allocation(s)
    k = r.kpis
    out.print(
        f"[bold]{t('alloc_title', lg)}[/] — {s.name} ({s.id}): {r.status}; {t('fill_rate', lg)} "
        f"{k['fill_rate']:.1%}; {t('worst_area', lg)} {k['min_area_fill_rate']:.1%}; "
        f"{t('shipments', lg)} {len(r.shipments)}; {r.solve_seconds:.1f} s"
    )
    table = Table(title=t("unmet_by_reason", lg))
    table.add_column(t("commodity", lg))
    table.add_column(t("reason", lg))
    table.add_column(t("units", lg), justify="right")
    for (c, reason), units in r.unmet.groupby(["commodity", "reason"])["units"].sum().items():
        table.add_row(c, reason, f"{units:,.0f}")
    out.print(table)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        safe_frame(r.shipments).to_csv(out_dir / "shipments.csv", index=False)
        safe_frame(r.unmet).to_csv(out_dir / "unmet.csv", index=False)
        out.print(f"-> {out_dir / 'shipments.csv'}, {out_dir / 'unmet.csv'}", markup=False)


EngineOpt = Annotated[str, typer.Option("--engine", help="Routing engine: pyvrp (default) or ortools.")]
TimeLimitOpt = Annotated[float | None, typer.Option("--time-limit", help="Seconds of search (wall clock).")]
IterationsOpt = Annotated[
    int | None,
    typer.Option("--iterations", help="Work budget: same input, seed and budget give the same result."),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="Processes (seeds or sub-problems in parallel).")]


def _routing_options(engine: str, time_limit: float | None, iterations: int | None, seed: int, workers: int):
    from optimizer.routing import RoutingOptions

    try:
        return RoutingOptions(
            engine, time_limit if time_limit or iterations else 10.0, iterations, seed, workers
        )
    except ValueError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(2) from None


def route(
    scenario: ScenarioArg,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the trips as JSON here.")] = None,
    time_limit: TimeLimitOpt = None,
    iterations: IterationsOpt = None,
    seed: SeedOpt = 0,
    engine: EngineOpt = "pyvrp",
    workers: WorkersOpt = 1,
    lang: LangOpt = "id",
) -> None:
    """Allocate, then route: which vehicle carries which load, in what order, arriving when."""
    from optimizer.allocation import solve_allocation
    from optimizer.routing.dispatch import route_shipments

    lg = lang_or_exit(lang)
    opts = _routing_options(engine, time_limit, iterations, seed, workers)
    s = load_or_exit(scenario)
    alloc = solve_allocation(s)
    r = route_shipments(s, alloc.shipments, opts)
    k = r.kpis
    out.print(
        f"[bold]{t('route_title', lg)}[/] — {s.name} ({s.id}): {r.status}; {t('trips', lg)} {k.trips}; "
        f"{t('vehicles_used', lg)} {k.vehicles_used}; {t('carried', lg)} {k.kg_carried_share:.1%}; "
        f"{k.distance_km:,.0f} km; {t('cost_idr', lg)} {k.cost:,.0f}; {r.solve_seconds:.1f} s"
    )
    table = Table()
    for col in ("vehicle", "day", "depart", "stops", "load_kg"):
        table.add_column(t(col, lg))
    for trip in r.trips[:40]:
        stops = ", ".join(f"{st.area} ({st.arrive_h or 0.0:.1f} h)" for st in trip.stops)
        depart = eta(trip.depart_h or 0.0, lg, s.policy.start)
        table.add_row(trip.vehicle, str(trip.day), depart, stops, f"{trip.load_kg or 0.0:,.0f}")
    out.print(table)
    if len(r.unassigned):
        tab = Table(title=t("unassigned_by_reason", lg))
        tab.add_column(t("reason", lg))
        tab.add_column("kg", justify="right")
        for reason, kg in r.unassigned.groupby("reason")["kg"].sum().items():
            tab.add_row(reason, f"{kg:,.0f}")
        out.print(tab)
    if out_file is not None:
        doc = {
            "scenario": s.id,
            "status": r.status,
            "kpis": k.to_dict(),
            "trips": [trip.to_dict() for trip in r.trips],
            "unassigned": r.unassigned.to_dict(orient="records"),
        }
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(json.dumps(doc, indent=1, ensure_ascii=False))
        out.print(f"-> {out_file}", markup=False)


def vroom(
    problem: Annotated[str, typer.Argument(help="A VROOM problem JSON file, or - for stdin.")] = "-",
    time_limit: TimeLimitOpt = None,
    iterations: IterationsOpt = None,
    seed: SeedOpt = 0,
    engine: EngineOpt = "pyvrp",
    workers: WorkersOpt = 1,
) -> None:
    """Solve a VROOM-format problem (jobs, vehicles, matrices); print a VROOM-format solution."""
    from optimizer.routing.vroom import solve_vroom

    opts = _routing_options(
        engine,
        time_limit if time_limit is not None else (None if iterations else 5.0),
        iterations,
        seed,
        workers,
    )
    try:
        text = sys.stdin.read() if problem == "-" else Path(problem).read_text()
        raw = json.loads(text)
        sol = solve_vroom(raw, opts)
    except (OSError, ValueError) as e:  # json.JSONDecodeError and VroomError are ValueErrors
        print(json.dumps({"code": 2, "error": str(e)}))  # noqa: T201 - the solution document is the output
        raise typer.Exit(2) from None
    print(json.dumps(sol))  # noqa: T201


def plan(
    scenario: ScenarioArg,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write plan.json, routes.geojson, ...")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds of routing search for the final plan.")
    ] = None,
    iterations: IterationsOpt = None,
    seed: SeedOpt = 0,
    engine: EngineOpt = "pyvrp",
    workers: Annotated[int, typer.Option("--workers", help="Processes for routing sub-problems.")] = 2,
    lang: LangOpt = "id",
) -> None:
    """The main job: needs -> allocation -> routing -> a plan with dispatch sheets and KPIs."""
    from optimizer.plan import PlanOptions, plan_scenario

    from .plan_output import kpi_table, plan_progress, worst_tables

    lg = lang_or_exit(lang)
    limit = time_limit if time_limit is not None else (None if iterations else 30.0)
    opts = PlanOptions(routing=_routing_options(engine, limit, iterations, seed, workers))
    s = load_or_exit(scenario)
    with plan_progress(err, lg) as progress:
        p = plan_scenario(s, opts, progress)
    written = []
    if out_dir is not None:  # files first: the summary goes to a terminal or pipe that may close
        from api.reports.plan import write_plan

        written = write_plan(s, p, out_dir, lg)  # on the network the plan was routed on
    out.print(
        f"[bold]{t('plan_title', lg)}[/] — {s.name} ({s.id}): {t('status', lg)} {p.status}; "
        f"{t('first_feasible', lg)} {p.first_feasible_s:.1f} s; {p.solve_seconds:.1f} {t('seconds', lg)}"
    )
    out.print(kpi_table(p.kpis, lg))
    for table in worst_tables(s, p, lg):
        out.print(table)
    if out_dir is not None:
        out.print(f"{t('written', lg)}: {out_dir} ({len(written)} files)", markup=False)


def check(
    scenario: ScenarioArg,
    plan_file: Annotated[Path, typer.Argument(help="A plan.json (from siaga plan, or made by hand).")],
    lang: LangOpt = "id",
) -> None:
    """Check a plan against the scenario: violations (exit 1 when any) and KPIs (exit 0 when feasible)."""
    from optimizer.plan.check import check_plan

    from .plan_output import check_table, kpi_table

    lg = lang_or_exit(lang)
    s = load_or_exit(scenario)
    try:
        doc = json.loads(plan_file.read_text())
    except (OSError, ValueError) as e:
        err.print(f"{plan_file}: {e}", markup=False)
        raise typer.Exit(2) from None
    if not isinstance(doc, dict):
        err.print(f"{plan_file}: expected a JSON object with trips, shipments, unmet", markup=False)
        raise typer.Exit(2)
    if doc.get("scenario") not in (None, s.id):
        err.print(f"{plan_file}: plan is for scenario {doc['scenario']!r}, not {s.id!r}", markup=False)
        raise typer.Exit(2)
    c = check_plan(s, doc)
    head = t("feasible_plan", lg) if c.feasible else t("infeasible_plan", lg)
    out.print(
        f"[bold]{t('check_title', lg)}[/] — {s.id}: {head}; {len(c.violations)} {t('violations', lg)}, "
        f"{len(c.warnings)} {t('warnings', lg)}"
    )
    if c.violations:
        out.print(check_table(c.violations, lg))
    if c.warnings:
        out.print(check_table(c.warnings, lg))
    if c.kpis is not None:
        out.print(kpi_table(c.kpis, lg))
    raise typer.Exit(0 if c.feasible else 1)


def register(app: typer.Typer) -> None:
    """Add this group's commands to `app`, in the order `siaga --help` lists them."""
    app.command()(allocate)
    app.command()(route)
    app.command()(vroom)
    app.command()(plan)
    app.command()(check)
