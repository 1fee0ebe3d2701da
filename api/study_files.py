"""Study files (docs/study-format.md): a study YAML file or a bundled study's name, read and validated.

Shared by the command line (`siaga study`) and the HTTP service (`{"bundled": NAME}` in
`POST /v1/studies`, api/http/study_specs.py), so it lives in neither of them.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from optimizer.study import StudySpec
from scenarios.bundled import LIBRARY_DIR

__all__ = ["StudyFileError", "bundled_studies", "load_study"]


class StudyFileError(ValueError):
    """A study file that cannot be used; the message names the file and the field."""


def bundled_studies() -> dict[str, Path]:
    """Study name -> file, for every study of every bundled library."""
    return {p.stem: p for p in sorted(LIBRARY_DIR.glob("*/studies/*.yaml"))}


def load_study(ref: str) -> tuple[StudySpec, Path]:
    """A study from a YAML file or a bundled study name, validated (errors name file and field)."""
    path = Path(ref)
    if not path.is_file():
        found = bundled_studies().get(ref)
        if found is None:
            known = ", ".join(bundled_studies()) or "none"
            raise StudyFileError(f"{ref}: no such file or bundled study (bundled: {known})")
        path = found
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise StudyFileError(f"{path}: {e}") from None
    if not isinstance(doc, dict):
        raise StudyFileError(f"{path}: expected a mapping with id, name, scenario_set, commodities, options")
    try:
        return StudySpec.model_validate(doc), path
    except ValidationError as e:
        lines = [f"{path}: {_where(x['loc'])}: {x['msg']} (got {x.get('input')!r})" for x in e.errors()]
        raise StudyFileError("\n".join(lines)) from None


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"
