"""The `siaga` command line (typer + rich), one module per command group:

- scenario: `scenarios`, `validate`, `show`, `schema`, `needs`;
- network: `network`, `import-network`;
- planning: `allocate`, `route`, `vroom`, `plan`, `check` (tables and progress: plan_output);
- study: `study` (executors and progress: study_run);
- service: `keys`, `serve` (the only module that imports api.http).

`app` is the console script (`siaga = "api.cli:app"`, `python -m api`). Errors in input exit with
code 2, never a traceback.
"""

from __future__ import annotations

import typer

from . import network, planning, scenario, service, study

__all__ = ["app", "main"]

app = typer.Typer(
    name="siaga",
    help="SIAGA relief-logistics optimizer: scenarios, needs, plans (East Kalimantan first).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for _group in (scenario, network, planning, study, service):
    _group.register(app)


def main() -> None:  # pragma: no cover - console entry point
    app()
