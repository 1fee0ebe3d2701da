"""The structure rules of issue 16, read from the source with `ast` (tests/structure.py): layers point
down, the api rooms keep apart, no two modules import each other, and the size and signature limits of
scenarios/, network/ and optimizer/."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from .structure import (
    API_ROOT_MODULES,
    LAYERS,
    Import,
    ImportGraph,
    Module,
    all_functions,
    discover,
    functions,
    layer_violations,
    mutual_imports,
    public_signatures,
    room,
)

CORE = ("scenarios", "network", "optimizer")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
MAX_POSITIONAL = 5
# the command-line modules that may import api.http: the ones holding `siaga serve` and `siaga keys`
CLI_HTTP_MODULES = frozenset({"api.cli.service"})


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    """Every module of scenarios, network, optimizer and api, parsed once."""
    return discover()


@pytest.fixture(scope="module")
def graph(modules: dict[str, Module]) -> ImportGraph:
    """The import edges between those modules."""
    return ImportGraph(modules)


@pytest.fixture(scope="module")
def core(modules: dict[str, Module]) -> list[Module]:
    """The modules of scenarios/, network/ and optimizer/, where the size limits hold."""
    return [m for m in modules.values() if m.package in CORE]


def _report(what: str, found: Iterable[str]) -> str:
    """A failure message: how many offenders, then one per line."""
    found = list(found)
    return f"{len(found)} {what}:\n  " + "\n  ".join(found)


def _room_imports(graph: ImportGraph, source_room: str, banned: set[str]) -> list[str]:
    """Imports from modules of one api room into modules of the banned rooms."""
    return [
        f"{graph.path(e.source)}:{e.lineno} imports {e.target}"
        for e in graph.edges
        if room(e.source) == source_room and room(e.target) in banned
    ]


def test_layers_point_down(graph: ImportGraph) -> None:
    """api -> optimizer -> network -> scenarios: a module imports its own package and the ones below it,
    never one above (type-checking imports included)."""
    found = layer_violations(graph)
    assert not found, _report(f"imports up the layers {' -> '.join(LAYERS)}", found)


def test_api_is_four_rooms_and_a_few_root_modules(modules: dict[str, Module]) -> None:
    """Every api module lives in api/cli, api/http, api/reports or api/dashboard, except api's root
    modules (__init__, __main__, i18n, study_files)."""
    stray = [
        m.rel
        for m in modules.values()
        if m.package == "api" and room(m.name) is None and m.name not in API_ROOT_MODULES
    ]
    assert not stray, _report("api modules outside the rooms", stray)


def test_api_root_modules_import_no_room(graph: ImportGraph) -> None:
    """api/i18n.py and api/study_files.py, shared by the rooms, import none of them (so no room reaches
    another through them); only api/__main__.py starts the command line."""
    shared = {"api.i18n", "api.study_files"}
    found = [
        f"{graph.path(e.source)}:{e.lineno} imports {e.target}"
        for e in graph.edges
        if e.source in shared and room(e.target) is not None
    ]
    assert not found, _report("imports of a room from api's shared root modules", found)


def test_http_never_imports_cli(graph: ImportGraph) -> None:
    """No module of api/http imports api/cli."""
    found = _room_imports(graph, "http", {"cli"})
    assert not found, _report("imports of api/cli from api/http", found)


def test_reports_import_neither_http_nor_cli(graph: ImportGraph) -> None:
    """No module of api/reports imports api/http or api/cli."""
    found = _room_imports(graph, "reports", {"http", "cli"})
    assert not found, _report("imports of api/http or api/cli from api/reports", found)


def test_dashboard_imports_neither_cli_nor_http(graph: ImportGraph) -> None:
    """No Python module of api/dashboard imports api/cli or api/http."""
    found = _room_imports(graph, "dashboard", {"http", "cli"})
    assert not found, _report("imports of api/cli or api/http from api/dashboard", found)


def test_cli_imports_http_only_for_serve_and_keys(graph: ImportGraph, modules: dict[str, Module]) -> None:
    """Only the command-line module of `siaga serve` and `siaga keys` imports api/http, and that module
    does hold both commands (a `serve` function and the `keys` typer group)."""
    found = [
        line
        for line in _room_imports(graph, "cli", {"http"})
        if not any(line.startswith(modules[name].rel + ":") for name in CLI_HTTP_MODULES)
    ]
    assert not found, _report("imports of api/http from api/cli outside the serve/keys module", found)
    for name in CLI_HTTP_MODULES:
        tree = modules[name].tree
        defs = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
        assert "serve" in defs and "keys" in strings, f"{modules[name].rel} no longer holds serve and keys"


def test_no_two_modules_import_each_other(graph: ImportGraph) -> None:
    """No pair of modules imports each other at run time (imports under `if TYPE_CHECKING:` aside;
    `from pkg import name` counts as importing the module that defines or re-exports name)."""
    found = mutual_imports(graph)
    assert not found, _report("pairs of modules importing each other", found)


def test_no_module_over_400_lines(core: list[Module]) -> None:
    """No module of scenarios/, network/ or optimizer/ is longer than 400 lines."""
    found = [f"{m.rel}:1 {m.lines} lines" for m in core if m.lines > MAX_MODULE_LINES]
    assert not found, _report(f"modules over {MAX_MODULE_LINES} lines", found)


def test_no_function_over_80_lines(core: list[Module]) -> None:
    """No function of scenarios/, network/ or optimizer/ (nested ones included) spans more than 80 lines,
    from its `def` to the last line of its body."""
    found = [f"{f.where} {f.lines} lines" for f in all_functions(core) if f.lines > MAX_FUNCTION_LINES]
    assert not found, _report(f"functions over {MAX_FUNCTION_LINES} lines", found)


def test_public_functions_take_at_most_5_positional(core: list[Module]) -> None:
    """Public functions and methods of scenarios/, network/ and optimizer/ take at most 5 positional
    parameters (self and cls not counted); the rest are keyword-only."""
    found = [
        f"{f.where} {f.positional} positional"
        for f in all_functions(core)
        if f.public and f.positional > MAX_POSITIONAL
    ]
    assert not found, _report(f"public functions with over {MAX_POSITIONAL} positional parameters", found)


def test_public_signatures_are_typed(core: list[Module]) -> None:
    """Public functions and public methods of public classes in scenarios/, network/ and optimizer/
    annotate every parameter and the return, with no `Any` and no bare dict, list or tuple."""
    found = [
        f"{f.where} {len(problems)} problems: {', '.join(problems)}"
        for m in core
        for f, problems in public_signatures(m)
        if problems
    ]
    assert not found, _report("public signatures not fully typed", found)


# The rules' own machinery, on a small made-up tree: a rule that cannot fail checks nothing.


def _tree(root: Path, files: dict[str, str]) -> dict[str, Module]:
    """Write files under root and parse them as the packages scenarios and optimizer."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return discover(("scenarios", "optimizer"), root)


def test_helpers_find_cycles_through_relative_and_reexported_imports(tmp_path: Path) -> None:
    """A cycle made of a relative import and an import through the package's re-export is found; one
    closed only under `if TYPE_CHECKING:` is not; an upward import is a layer violation."""
    modules = _tree(
        tmp_path,
        {
            "scenarios/__init__.py": "from .a import A\nfrom .b import B\n",
            "scenarios/a.py": "from .b import B\nA = 1\n",
            "scenarios/b.py": "from scenarios import A\nB = 2\n",
            "scenarios/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .d import D\n",
            "scenarios/d.py": "from . import c\nD = 3\nfrom optimizer import x\n",
            "optimizer/__init__.py": "",
            "optimizer/x.py": "import scenarios.c\n",
        },
    )
    graph = ImportGraph(modules)
    assert mutual_imports(graph) == [
        "scenarios/a.py:1 imports scenarios.b and scenarios/b.py:1 imports scenarios.a"
    ]
    assert Import("scenarios.c", "scenarios.d", 3, True) in graph.edges
    assert layer_violations(graph) == [
        "scenarios/d.py:3 scenarios imports optimizer.x (optimizer is above scenarios)"
    ]


def test_helpers_count_lines_positional_and_annotations(tmp_path: Path) -> None:
    """Function lengths run from def to the body's last line, self is not a positional parameter,
    private classes' methods are public functions but not public signatures, and Any or a bare dict
    in an annotation is reported."""
    body = "\n".join(f"    x{i} = {i}" for i in range(3))
    modules = _tree(
        tmp_path,
        {
            "scenarios/__init__.py": "",
            "scenarios/m.py": (
                "from typing import Any\n"
                f"def f(a: int, b: dict) -> Any:\n{body}\n"
                "class _P:\n    def g(self, a, b, c, d, e, f): ...\n"
                "class Q:\n    def h(self, x: dict[str, int]) -> list[int]: ...\n"
            ),
        },
    )
    found = {f.name: f for f in functions(modules["scenarios.m"])}
    assert (found["f"].lines, found["_P.g"].positional, found["Q.h"].positional) == (4, 6, 1)
    assert found["_P.g"].public and not found["_P.g"].public_signature
    problems = {f.name: p for f, p in public_signatures(modules["scenarios.m"])}
    assert problems == {"f": ["parameter b: bare dict", "return: Any"], "Q.h": []}
