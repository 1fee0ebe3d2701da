"""The `siaga` command line (typer + rich). Errors in input exit with code 2, never a traceback."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scenarios import Scenario, ScenarioError, bundled_scenarios, compute_needs, load_scenario
from scenarios.model import Scenario as ScenarioModel

from .i18n import Lang, t

app = typer.Typer(
    name="siaga",
    help="SIAGA relief-logistics optimizer: scenarios, needs, plans (East Kalimantan first).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)

ScenarioArg = Annotated[
    str, typer.Argument(help="A bundled scenario name, a directory, a JSON file, or - for stdin.")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of labels: id or en.")]


class NeedsFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ShowFormat(StrEnum):
    json = "json"


class NetworkFormat(StrEnum):
    table = "table"
    json = "json"


def _load(ref: str) -> Scenario:
    try:
        return load_scenario(ref)
    except ScenarioError as exc:
        for issue in exc.issues:
            err.print(str(issue), markup=False, highlight=False)
        err.print(f"{len(exc.issues)} error(s)", style="bold red", markup=False)
        raise typer.Exit(2) from None


def _lang(value: str) -> Lang:
    if value not in ("id", "en"):
        err.print(f"--lang: {value!r} must be one of 'id', 'en'", markup=False)
        raise typer.Exit(2)
    return value  # type: ignore[return-value]


@app.command("scenarios")
def list_scenarios(lang: LangOpt = "id") -> None:
    """List the bundled scenarios."""
    lg = _lang(lang)
    table = Table(title=t("bundled", lg))
    table.add_column("id", no_wrap=True)
    table.add_column(t("name", lg))
    for col in (t("areas", lg), t("people", lg), t("horizon", lg)):
        table.add_column(col, justify="right", no_wrap=True)
    for name in bundled_scenarios():
        s = _load(name)
        people = sum(a.total_people for a in s.areas)
        table.add_row(
            name,
            s.name,
            str(len(s.areas)),
            f"{people:,.0f}",
            f"{s.policy.horizon_days} {t('days', lg)}",
        )
    out.print(table)


@app.command()
def validate(scenario: ScenarioArg, lang: LangOpt = "id") -> None:
    """Check a scenario; print a summary, or every error with file, line and field (exit 2)."""
    lg = _lang(lang)
    s = _load(scenario)
    vehicles = sum(f.count for f in s.fleet)
    out.print(
        f"{t('valid', lg)}: {s.id} — {len(s.areas)} {t('areas', lg).lower()}, "
        f"{len(s.warehouses)} {t('warehouses', lg).lower()}, {vehicles} "
        f"{t('vehicles', lg).lower()}, {len(s.network.nodes)} {t('nodes', lg).lower()}, "
        f"{len(s.network.edges)} {t('edges', lg).lower()}, {len(s.damage)} "
        f"{t('damage', lg).lower()}",
        markup=False,
    )


@app.command()
def show(
    scenario: ScenarioArg,
    format: Annotated[ShowFormat, typer.Option("--format", help="Output format.")] = ShowFormat.json,
) -> None:
    """Print the whole scenario as one self-contained JSON document (the API's format)."""
    s = _load(scenario)
    sys.stdout.write(s.model_dump_json(indent=1) + "\n")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a scenario document."""
    sys.stdout.write(json.dumps(ScenarioModel.model_json_schema(), indent=1) + "\n")


@app.command()
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
    lg = _lang(lang)
    s = _load(scenario)
    try:
        table = compute_needs(s, standards=standards, days=days)
    except KeyError as exc:
        err.print(f"--standards: {exc.args[0]}", markup=False)
        raise typer.Exit(2) from None
    if format is NeedsFormat.csv:
        sys.stdout.write(table.to_csv(index=False, float_format="%.6g"))
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
    commodities = {c.id: c for c in s.commodities}
    by_c = needs.groupby("commodity", sort=False)[["units", "kg", "m3"]].sum()
    table = Table(title=t("by_commodity", lg))
    for col in (
        t("commodity", lg),
        t("unit", lg),
        t("units", lg),
        t("weight_t", lg),
        t("volume_m3", lg),
    ):
        table.add_column(col, justify="right" if col != t("commodity", lg) else "left")
    for cid, row in by_c.iterrows():
        c = commodities[str(cid)]
        label = c.name if lg == "id" else (c.name_en or c.name)
        table.add_row(label, c.unit, f"{row.units:,.0f}", f"{row.kg / 1000:,.1f}", f"{row.m3:,.1f}")
    table.add_row(
        f"[bold]{t('total', lg)}",
        "",
        "",
        f"[bold]{by_c.kg.sum() / 1000:,.1f}",
        f"[bold]{by_c.m3.sum():,.1f}",
    )
    out.print(table)
    _print_groups(s, needs, lg)


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


@app.command("network")
def network_report(
    scenario: ScenarioArg,
    format: Annotated[NetworkFormat, typer.Option("--format", help="table or json.")] = (NetworkFormat.table),
    lang: LangOpt = "id",
) -> None:
    """Reachability of every area after damage: from which warehouses, by which vehicles, how fast."""
    from network import reachability

    lg = _lang(lang)
    s = _load(scenario)
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


@app.command("import-network")
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
        s = _load(keep)
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


@app.command()
def allocate(
    scenario: ScenarioArg,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write shipments.csv and unmet.csv here.")
    ] = None,
    lang: LangOpt = "id",
) -> None:
    """Allocate stock to areas day by day (vulnerable first); print KPIs and unmet need by reason."""
    from optimizer.allocation import solve_allocation

    lg = _lang(lang)
    s = _load(scenario)
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
        r.shipments.to_csv(out_dir / "shipments.csv", index=False)
        r.unmet.to_csv(out_dir / "unmet.csv", index=False)
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


@app.command()
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

    lg = _lang(lang)
    opts = _routing_options(engine, time_limit, iterations, seed, workers)
    s = _load(scenario)
    alloc = solve_allocation(s)
    r = route_shipments(s, alloc.shipments, opts)
    k = r.kpis
    out.print(
        f"[bold]{t('route_title', lg)}[/] — {s.name} ({s.id}): {r.status}; {t('trips', lg)} {k['trips']}; "
        f"{t('vehicles_used', lg)} {k['vehicles_used']}; {t('carried', lg)} {k['kg_carried_share']:.1%}; "
        f"{k['distance_km']:,.0f} km; {t('cost_idr', lg)} {k['cost']:,.0f}; {r.solve_seconds:.1f} s"
    )
    table = Table()
    for col in ("vehicle", "day", "depart", "stops", "load_kg"):
        table.add_column(t(col, lg))
    for trip in r.trips[:40]:
        stops = ", ".join(f"{st['area']} ({st['arrive_h']:.1f})" for st in trip["stops"])
        table.add_row(
            trip["vehicle"], str(trip["day"]), f"{trip['depart_h']:.1f}", stops, f"{trip['load_kg']:,.0f}"
        )
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
            "kpis": k,
            "trips": r.trips,
            "unassigned": r.unassigned.to_dict(orient="records"),
        }
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(json.dumps(doc, indent=1, ensure_ascii=False))
        out.print(f"-> {out_file}", markup=False)


@app.command()
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


@app.command()
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

    from .plan_cli import kpi_table, plan_progress, worst_tables

    lg = _lang(lang)
    limit = time_limit if time_limit is not None else (None if iterations else 30.0)
    opts = PlanOptions(routing=_routing_options(engine, limit, iterations, seed, workers))
    s = _load(scenario)
    with plan_progress(err, lg) as progress:
        p = plan_scenario(s, opts, progress)
    doc = p.to_dict()
    written = []
    if out_dir is not None:  # files first: the summary goes to a terminal or pipe that may close
        from .export import write_plan

        written = write_plan(s, doc, out_dir, lg)
    out.print(
        f"[bold]{t('plan_title', lg)}[/] — {s.name} ({s.id}): {t('status', lg)} {p.status}; "
        f"{t('first_feasible', lg)} {p.first_feasible_s:.1f} s; {p.solve_seconds:.1f} {t('seconds', lg)}"
    )
    out.print(kpi_table(p.kpis, lg))
    for table in worst_tables(s, doc, lg):
        out.print(table)
    if out_dir is not None:
        out.print(f"{t('written', lg)}: {out_dir} ({len(written)} files)", markup=False)


@app.command()
def check(
    scenario: ScenarioArg,
    plan_file: Annotated[Path, typer.Argument(help="A plan.json (from siaga plan, or made by hand).")],
    lang: LangOpt = "id",
) -> None:
    """Check a plan against the scenario: violations (exit 1 when any) and KPIs (exit 0 when feasible)."""
    from optimizer.plan.check import check_plan

    from .plan_cli import check_table, kpi_table

    lg = _lang(lang)
    s = _load(scenario)
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
    out.print(kpi_table(c.kpis, lg))
    raise typer.Exit(0 if c.feasible else 1)


@app.command()
def study(
    study_ref: Annotated[
        str, typer.Argument(metavar="STUDY", help="A study YAML file or a bundled study name.")
    ],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write study.json, study.csv, report.html and plots.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Processes (default: all cores); Dask workers with --scheduler local."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="A Dask scheduler (tcp://HOST:PORT), or 'local' for a LocalCluster."
        ),
    ] = None,
    lang: LangOpt = "id",
) -> None:
    """A stockpile study: every option on every hazard scenario, the pre-positioning optimum, a report."""
    from optimizer.study import run_study
    from scenarios.sets import load_scenario_set

    from .study_cli import StudyFileError, load_study, native_stdout_to_stderr, study_executor, study_progress
    from .study_report import recommendation, write_study

    lg = _lang(lang)
    try:
        spec, path = load_study(study_ref)
        try:
            scenario_set = load_scenario_set(spec.scenario_set)
        except (ValueError, KeyError) as e:
            raise StudyFileError(f"{path}: scenario_set: {e}") from None
        with study_executor(workers, scheduler) as (executor, label):
            err.print(f"{spec.id}: {len(scenario_set.scenarios)} scenarios on {label}", markup=False)
            with study_progress(err, lg) as progress, native_stdout_to_stderr():
                result = run_study(spec, scenario_set, executor, progress)
    except (StudyFileError, ValueError) as e:
        err.print(str(e), markup=False, highlight=False)
        raise typer.Exit(2) from None
    written = write_study(result, out_dir, scenario_set.scenarios[0]) if out_dir is not None else []
    out.print(_study_table(result, lg))
    rec = recommendation(result)
    out.print(rec["text_id"] if lg == "id" else rec["text_en"], markup=False)
    if out_dir is not None:
        out.print(f"{t('written', lg)}: {out_dir} ({len(written)} files)", markup=False)


def _study_table(result, lg: Lang) -> Table:
    en = lg == "en"
    table = Table(
        title=f"{result.spec.name} ({len(result.scenario_ids)} {'scenarios' if en else 'skenario'})"
    )
    heads = (
        ["#", "option", "cost", "E[unmet]", "worst 10 %", "fill", "arrival h", "P90 h"]
        if en
        else ["#", "opsi", "biaya", "E[tak terpenuhi]", "10 % terburuk", "pemenuhan", "tiba jam", "P90 jam"]
    )
    for h in heads:
        table.add_column(escape(h), justify="left" if h in ("option", "opsi") else "right")
    for o in sorted(result.options, key=lambda o: o.rank):
        m = o.metrics
        table.add_row(
            str(o.rank),
            o.id,
            f"{o.cost:,.0f}",
            f"{m['expected_weighted_unmet']:,.0f}",
            f"{m['worst_decile_weighted_unmet']:,.0f}",
            f"{m['fill_rate']:.1%}",
            "-" if m["mean_arrival_h"] is None else f"{m['mean_arrival_h']:.1f}",
            "-" if m["p90_arrival_h"] is None else f"{m['p90_arrival_h']:.1f}",
        )
    return table


keys_app = typer.Typer(help="API keys of the HTTP service (in SIAGA_DATABASE_URL).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _key_sessions():
    from .db.migrate import upgrade
    from .db.session import make_engine, make_sessionmaker
    from .settings import Settings

    url = Settings().database_url
    upgrade(url)
    return make_sessionmaker(make_engine(url))


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="viewer, coordinator or admin.")],
    name: Annotated[str, typer.Option("--name", help="Who holds the key (the actor of its updates).")] = "",
) -> None:
    """Create an API key and print it (only its hash is stored: keep the printed key)."""
    from .db.models import ROLES
    from .security import create_key

    if role not in ROLES:
        err.print(f"--role: {role!r} must be one of {', '.join(ROLES)}", markup=False)
        raise typer.Exit(2)
    with _key_sessions()() as session:
        key, text = create_key(session, role, name)
        session.commit()
        err.print(f"key {key.id} ({role}{', ' + name if name else ''}) created", markup=False)
    sys.stdout.write(text + "\n")


@keys_app.command("list")
def keys_list() -> None:
    """List the API keys (prefix, role, name, revoked); never their secrets."""
    from sqlalchemy import select

    from .db.models import ApiKey

    table = Table()
    for col in ("id", "prefix", "role", "name", "created", "revoked"):
        table.add_column(col)
    with _key_sessions()() as session:
        for k in session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
            table.add_row(k.id, k.prefix, k.role, k.name, f"{k.created_at:%Y-%m-%d %H:%M}", str(k.revoked))
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (siaga keys list).")]) -> None:
    """Revoke an API key: requests with it get 401 from now on."""
    from .db.models import ApiKey

    with _key_sessions()() as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            err.print(f"no key with id {key_id!r}", markup=False)
            raise typer.Exit(2)
        key.revoked = True
        session.commit()
    out.print(f"key {key_id} revoked", markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Run the HTTP API (docs/api.md); settings from the SIAGA_* environment."""
    import uvicorn

    from .app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info", timeout_graceful_shutdown=10)


def main() -> None:  # pragma: no cover - console entry point
    app()
