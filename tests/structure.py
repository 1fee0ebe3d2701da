"""The repository's structure read from source with `ast`, without importing any of it.

Used by tests/test_structure.py (issue 16): which module imports which (relative imports resolved,
`from pkg import name` resolved to the submodule or to the module a package re-exports `name` from,
imports under `if TYPE_CHECKING:` marked), the length of modules and functions, positional parameters
and the annotations of public signatures.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("scenarios", "network", "optimizer", "api")
# api -> optimizer -> network -> scenarios: a module may import its own package and anything to its right
LAYERS = ("api", "optimizer", "network", "scenarios")
ROOMS = ("cli", "http", "reports", "dashboard")
# api modules outside the rooms
API_ROOT_MODULES = ("api", "api.__main__", "api.i18n", "api.study_files")
BARE_GENERICS = frozenset({"dict", "list", "tuple", "Dict", "List", "Tuple"})


@dataclass(frozen=True)
class Import:
    """One import statement's edge: the importing module, the repo module it reaches, where, and whether
    it sits under `if TYPE_CHECKING:` (only for the type checker, never run)."""

    source: str
    target: str
    lineno: int
    type_checking: bool


@dataclass(frozen=True)
class Function:
    """A def (at any depth): where it is, how long, its positional parameters without self/cls, whether it
    is public (a module-level function or a method, name without a leading underscore) and whether its
    signature is public API (public, and every enclosing class public too)."""

    module: str
    path: str
    name: str
    lineno: int
    lines: int
    positional: int
    public: bool
    public_signature: bool
    node: ast.FunctionDef | ast.AsyncFunctionDef

    @property
    def where(self) -> str:
        """path:line name, for failure messages."""
        return f"{self.path}:{self.lineno} {self.name}"


@dataclass(frozen=True)
class Module:
    """One .py file of the SIAGA packages."""

    name: str
    path: Path
    is_package: bool
    root: Path = REPO

    @property
    def rel(self) -> str:
        """The path relative to the repository, with forward slashes."""
        return self.path.relative_to(self.root).as_posix()

    @property
    def package(self) -> str:
        """The top-level package (layer) the module belongs to."""
        return self.name.split(".")[0]

    @cached_property
    def source(self) -> str:
        """The file's text."""
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def tree(self) -> ast.Module:
        """The parsed file."""
        return ast.parse(self.source, filename=str(self.path))

    @property
    def lines(self) -> int:
        """Number of lines of the file."""
        return len(self.source.splitlines())


def module_name(path: Path, root: Path = REPO) -> tuple[str, bool]:
    """Dotted module name of a file under root and whether it is a package's __init__."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def discover(packages: tuple[str, ...] = PACKAGES, root: Path = REPO) -> dict[str, Module]:
    """Every .py file of the given top-level packages, by dotted name (directories without __init__.py,
    such as the Alembic migrations, are included under their dotted path)."""
    found: dict[str, Module] = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            name, is_package = module_name(path, root)
            found[name] = Module(name, path, is_package, root)
    return found


def _type_checking_test(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement at any depth, with whether it is under `if TYPE_CHECKING:`."""

    def walk(node: ast.AST, checking: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, checking
            return
        if isinstance(node, ast.If) and _type_checking_test(node.test):
            for child in node.body:
                yield from walk(child, True)
            for child in node.orelse:
                yield from walk(child, checking)
            return
        for child in ast.iter_child_nodes(node):
            yield from walk(child, checking)

    yield from walk(tree, False)


class ImportGraph:
    """Edges between the modules of the SIAGA packages, read from their import statements."""

    def __init__(self, modules: dict[str, Module]) -> None:
        self.modules = modules
        self._reexports: dict[str, dict[str, str]] = {}
        self.edges: list[Import] = [edge for mod in modules.values() for edge in self._module_edges(mod)]

    def _base(self, mod: Module, node: ast.ImportFrom) -> str:
        """The absolute module a `from X import ...` names (relative levels resolved)."""
        if not node.level:
            return node.module or ""
        parts = mod.name.split(".")
        keep = len(parts) - node.level + (1 if mod.is_package else 0)
        base = ".".join(parts[:keep])
        return f"{base}.{node.module}" if node.module else base

    def _owner(self, dotted: str) -> str | None:
        """The longest repo module that is `dotted` or a parent of it (None for third-party imports)."""
        parts = dotted.split(".")
        while parts:
            name = ".".join(parts)
            if name in self.modules:
                return name
            parts.pop()
        return None

    def reexports(self, package: str) -> dict[str, str]:
        """Names a package's __init__ takes from its submodules (`from .x import name`), name -> module
        that holds it (followed through nested re-exports)."""
        if package in self._reexports:
            return self._reexports[package]
        self._reexports[package] = {}
        mod = self.modules[package]
        found: dict[str, str] = {}
        for node in mod.tree.body:
            if not isinstance(node, ast.ImportFrom):
                continue
            base = self._base(mod, node)
            if not base.startswith(package + "."):
                continue
            for alias in node.names:
                found[alias.asname or alias.name] = self._resolve_name(base, alias.name)
        self._reexports[package] = found
        return found

    def _resolve_name(self, base: str, name: str) -> str:
        """The module `from base import name` reaches: base.name if that is a module, else the module a
        package base re-exports name from, else base (or its nearest repo parent)."""
        if f"{base}.{name}" in self.modules:
            return f"{base}.{name}"
        owner = self._owner(base)
        if owner is None:
            return ""
        if owner == base and self.modules[owner].is_package:
            return self.reexports(owner).get(name, owner)
        return owner

    def _module_edges(self, mod: Module) -> Iterator[Import]:
        for node, checking in _import_nodes(mod.tree):
            if isinstance(node, ast.Import):
                targets = [self._owner(alias.name) for alias in node.names]
            else:
                base = self._base(mod, node)
                targets = [self._resolve_name(base, alias.name) for alias in node.names]
            for target in dict.fromkeys(t for t in targets if t):
                if target != mod.name:
                    yield Import(mod.name, target, node.lineno, checking)

    def runtime_edges(self) -> list[Import]:
        """The edges that run (imports under `if TYPE_CHECKING:` left out)."""
        return [e for e in self.edges if not e.type_checking]

    def path(self, name: str) -> str:
        """The repo-relative file of a module."""
        return self.modules[name].rel


def layer_violations(graph: ImportGraph) -> list[str]:
    """Imports that point up the layers (api -> optimizer -> network -> scenarios)."""
    rank = {pkg: i for i, pkg in enumerate(LAYERS)}
    found = []
    for e in graph.edges:
        src, dst = e.source.split(".")[0], e.target.split(".")[0]
        if src in rank and dst in rank and rank[dst] < rank[src]:
            found.append(f"{graph.path(e.source)}:{e.lineno} {src} imports {e.target} ({dst} is above {src})")
    return found


def room(module: str) -> str | None:
    """The api room of a module (cli, http, reports, dashboard), None for api's root modules and for
    modules outside api."""
    parts = module.split(".")
    if parts[0] == "api" and len(parts) >= 2 and parts[1] in ROOMS:
        return parts[1]
    return None


def mutual_imports(graph: ImportGraph) -> list[str]:
    """Pairs of modules that import each other at run time, each pair once."""
    by_pair: dict[tuple[str, str], Import] = {}
    for e in graph.runtime_edges():
        by_pair.setdefault((e.source, e.target), e)
    found = []
    for (a, b), e in sorted(by_pair.items()):
        back = by_pair.get((b, a))
        if back is not None and a < b:
            found.append(
                f"{graph.path(a)}:{e.lineno} imports {b} and {graph.path(b)}:{back.lineno} imports {a}"
            )
    return found


def _positional(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> int:
    """Positional parameters, without the first one of a method when it is self or cls."""
    params = [*node.args.posonlyargs, *node.args.args]
    if in_class and params and params[0].arg in ("self", "cls"):
        params = params[1:]
    return len(params)


def functions(mod: Module) -> Iterator[Function]:
    """Every def of a module (nested ones too) with its length and positional parameter count."""

    def walk(node: ast.AST, scope: str, outer: tuple[bool, bool], in_class: bool) -> Iterator[Function]:
        # outer: (defs here are part of a public surface at all, every enclosing class is public)
        surface, public_classes = outer
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                # constructors count as public: a public class's __init__ is how callers build it
                named_public = not child.name.startswith("_") or child.name == "__init__"
                public = surface and named_public
                yield Function(
                    module=mod.name,
                    path=mod.rel,
                    name=f"{scope}{child.name}",
                    lineno=child.lineno,
                    lines=(child.end_lineno or child.lineno) - child.lineno + 1,
                    positional=_positional(child, in_class),
                    public=public,
                    public_signature=public and public_classes,
                    node=child,
                )
                yield from walk(child, f"{scope}{child.name}.", (False, False), False)
            elif isinstance(child, ast.ClassDef):
                cls_public = public_classes and not child.name.startswith("_")
                yield from walk(child, f"{scope}{child.name}.", (surface, cls_public), True)
            elif not isinstance(child, ast.Lambda):
                yield from walk(child, scope, outer, in_class)

    yield from walk(mod.tree, "", (True, True), False)


def all_functions(mods: list[Module]) -> list[Function]:
    """The defs of many modules."""
    return [f for mod in mods for f in functions(mod)]


def annotation_problems(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> list[str]:
    """What is wrong with a signature's annotations: missing ones, `Any`, bare dict/list/tuple."""
    args = node.args
    params = [*args.posonlyargs, *args.args]
    if in_class and params and params[0].arg in ("self", "cls"):
        params = params[1:]
    params += [*args.kwonlyargs, *(p for p in (args.vararg, args.kwarg) if p is not None)]
    problems = []
    for p in params:
        if p.annotation is None:
            problems.append(f"parameter {p.arg} has no annotation")
        else:
            problems += [f"parameter {p.arg}: {why}" for why in _type_problems(p.annotation)]
    if node.returns is None:
        problems.append("no return annotation")
    else:
        problems += [f"return: {why}" for why in _type_problems(node.returns)]
    return problems


def _type_problems(annotation: ast.expr) -> list[str]:
    """`Any` anywhere in an annotation, or dict/list/tuple without parameters."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return [f"unparsable string annotation {annotation.value!r}"]
    subscripted = {id(n.value) for n in ast.walk(annotation) if isinstance(n, ast.Subscript)}
    problems = []
    for n in ast.walk(annotation):
        name = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else None
        if name == "Any":
            problems.append("Any")
        elif name in BARE_GENERICS and id(n) not in subscripted:
            problems.append(f"bare {name}")
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            problems += _type_problems(n)
    return problems


def public_signatures(mod: Module) -> Iterator[tuple[Function, list[str]]]:
    """Public module-level functions and public methods of public classes, each with its problems."""
    for f in functions(mod):
        if f.public_signature:
            in_class = "." in f.name
            yield f, annotation_problems(f.node, in_class)
