"""`siaga study`: load a study file, run it on the chosen executor (api/cli/study_run.py) with progress
bars, print the ranked options and the recommendation, write the report files (api/reports/study)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api.i18n import Lang, t

from .common import LangOpt, err, lang_or_exit, out

__all__ = ["register"]


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
    from api.reports.study import recommendation, write_study
    from api.study_files import StudyFileError, load_study
    from optimizer.study import run_study
    from scenarios.sets import load_scenario_set

    from .study_run import native_stdout_to_stderr, study_executor, study_progress

    lg = lang_or_exit(lang)
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


def register(app: typer.Typer) -> None:
    """Add this group's commands to `app`, in the order `siaga --help` lists them."""
    app.command()(study)
