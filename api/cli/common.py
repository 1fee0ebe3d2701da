"""What every command group of the command line shares: the two consoles (results on stdout, errors
and progress on stderr), the scenario argument and `--lang` option, and reading them (errors in input
exit with code 2, never a traceback)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from api.i18n import Lang
from scenarios import Scenario, ScenarioError, load_scenario

__all__ = ["LangOpt", "ScenarioArg", "err", "lang_or_exit", "load_or_exit", "out"]

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)

ScenarioArg = Annotated[
    str, typer.Argument(help="A bundled scenario name, a directory, a JSON file, or - for stdin.")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of labels: id or en.")]


def load_or_exit(ref: str) -> Scenario:
    """The scenario `ref` names; every error printed and exit 2 when it does not load."""
    try:
        return load_scenario(ref)
    except ScenarioError as exc:
        for issue in exc.issues:
            err.print(str(issue), markup=False, highlight=False)
        err.print(f"{len(exc.issues)} error(s)", style="bold red", markup=False)
        raise typer.Exit(2) from None


def lang_or_exit(value: str) -> Lang:
    """`--lang` checked: id or en, else exit 2."""
    if value not in ("id", "en"):
        err.print(f"--lang: {value!r} must be one of 'id', 'en'", markup=False)
        raise typer.Exit(2)
    return value  # type: ignore[return-value]
