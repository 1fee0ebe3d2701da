"""The data shipped inside the package: the built-in catalogue and the scenario libraries."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CATALOGUE_DIR",
    "LIBRARY_DIR",
    "bundled_scenarios",
    "display_path",
    "find_bundled",
    "library_dir",
]

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = PACKAGE_DIR / "catalogue"
LIBRARY_DIR = PACKAGE_DIR / "library"


def bundled_scenarios() -> dict[str, Path]:
    """Scenario name -> directory, for every scenario of every bundled library."""
    found = {}
    for yaml_file in sorted(LIBRARY_DIR.glob("*/scenarios/*/scenario.yaml")):
        found[yaml_file.parent.name] = yaml_file.parent
    return found


def find_bundled(name: str) -> Path | None:
    return bundled_scenarios().get(name)


def library_dir(name: str) -> Path | None:
    """The directory of the bundled library `name` (e.g. `kaltim`), or None."""
    path = LIBRARY_DIR / name
    return path if path.is_dir() and name not in {".", ".."} and "/" not in name else None


def display_path(path: Path) -> str:
    """A short path for messages: bundled files from the package root, others from the cwd."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(PACKAGE_DIR.parent))
    except ValueError:
        pass
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
