"""A scenario from a request body: a JSON document, or a zipped scenario directory (scenario.yaml plus
its tables, at the top of the archive or in one folder), validated by the scenario loaders and the
service's limits. Problems become 422 with `errors[]`: a JSON pointer into the scenario document
(`/areas/3/people/lansia`), the message, and for archives the file and line."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from scenarios import Issue, Scenario, ScenarioError, load_directory, load_json
from scenarios.errors import format_value

from .db.models import ScenarioRecord
from .problems import Problem, json_pointer, validation_problem
from .settings import Settings

__all__ = ["ZIP_TYPES", "check_limits", "document_of", "scenario_from_json", "scenario_from_zip"]

ZIP_TYPES = ("application/zip", "application/x-zip-compressed")
MAX_MEMBERS = 2000
UNZIPPED_PER_BYTE = 8  # the archive may unpack to at most this many times the body limit


def _error(issue: Issue, root: Path | None = None) -> dict[str, Any]:
    shown = format_value(issue.value)
    item: dict[str, Any] = {
        "pointer": json_pointer(issue.path) if issue.path is not None else "",
        "detail": f"{issue.field + ': ' if issue.path is None and issue.field else ''}"
        f"{shown + ' ' if shown else ''}{issue.message}",
        "in": "body" if root is None else "file",
    }
    if root is not None:
        item["file"] = _relative(issue.file, root)
    if issue.line is not None:
        item["line"] = issue.line
    return item


def _relative(file: str, root: Path) -> str:
    try:
        return str(Path(file).resolve().relative_to(root.resolve()))
    except ValueError:
        return Path(file).name


def _invalid(err: ScenarioError, root: Path | None = None) -> Problem:
    errors = [_error(i, root) for i in err.issues]
    return validation_problem(errors, f"The scenario has {len(errors)} error(s); see errors[].")


def scenario_from_json(body: bytes) -> Scenario:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise validation_problem(
            [{"pointer": "", "detail": f"is not UTF-8 ({e.reason})", "in": "body"}]
        ) from None
    try:
        return load_json(text, "<body>")
    except ScenarioError as e:
        raise _invalid(e) from None


def scenario_from_zip(body: bytes, settings: Settings) -> Scenario:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile:
        raise _file_problem("is not a zip archive") from None
    with archive, tempfile.TemporaryDirectory(prefix="siaga-upload-") as tmp:
        root = Path(tmp)
        _extract(archive, root, settings.max_body_bytes * UNZIPPED_PER_BYTE)
        directory = _scenario_dir(root)
        _check_base(directory, root)
        try:
            return load_directory(directory)
        except ScenarioError as e:
            raise _invalid(e, directory) from None


def _file_problem(detail: str, file: str = "") -> Problem:
    return validation_problem([{"pointer": "", "detail": detail, "in": "file", "file": file}])


def _extract(archive: zipfile.ZipFile, root: Path, max_bytes: int) -> None:
    """Unpack regular files under `root`: no absolute or `..` paths, bounded count and size."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise _file_problem(f"has {len(members)} files; at most {MAX_MEMBERS}")
    total = 0
    for m in members:
        name = PurePosixPath(m.filename)
        if name.is_absolute() or ".." in name.parts or not name.parts:
            raise _file_problem("is not a safe path inside the archive", m.filename)
        total += m.file_size
        if total > max_bytes:
            raise _file_problem(f"the archive unpacks to more than {max_bytes} bytes")
        target = root.joinpath(*name.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(m) as src:
                data = src.read(max_bytes + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as e:
            raise _file_problem(f"cannot be read: {e}", m.filename) from None
        if len(data) > m.file_size:
            raise _file_problem("is larger than the archive says", m.filename)
        target.write_bytes(data)


def _scenario_dir(root: Path) -> Path:
    found = sorted(p.parent for p in root.glob("scenario.yaml")) or sorted(
        p.parent for p in root.glob("*/scenario.yaml")
    )
    if len(found) != 1:
        what = "no scenario.yaml" if not found else f"{len(found)} scenario.yaml files"
        raise _file_problem(f"has {what} at its top or in one folder; expected exactly one")
    return found[0]


def _check_base(directory: Path, root: Path) -> None:
    """A `base` directory must stay inside the archive (a bundled library name is fine)."""
    try:
        head = yaml.safe_load((directory / "scenario.yaml").read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return  # the loader reports it
    base = head.get("base") if isinstance(head, dict) else None
    if isinstance(base, str) and ("/" in base or base.startswith(".")):
        resolved = (directory / base).resolve()
        if not resolved.is_relative_to(root.resolve()):
            raise validation_problem(
                [{"pointer": "/base", "detail": f"{base!r} is outside the archive", "in": "file"}]
            )


def check_limits(scenario: Scenario, settings: Settings) -> None:
    """422 when the scenario has more areas or vehicles than the service takes."""
    errors = []
    vehicles = sum(f.count for f in scenario.fleet)
    if len(scenario.areas) > settings.max_areas:
        errors.append(
            {"pointer": "/areas", "detail": f"{len(scenario.areas)} areas; at most {settings.max_areas}"}
        )
    if vehicles > settings.max_vehicles:
        errors.append(
            {"pointer": "/fleet", "detail": f"{vehicles} vehicles; at most {settings.max_vehicles}"}
        )
    if errors:
        raise validation_problem(errors)


def document_of(scenario: Scenario) -> dict[str, Any]:
    """The scenario as its JSON document (what `siaga show --format json` prints)."""
    return json.loads(scenario.model_dump_json())


def scenario_record(scenario: Scenario, created_by: str | None) -> ScenarioRecord:
    """A new row for `scenario` (its document and sizes), not yet added to a session."""
    return ScenarioRecord(
        scenario_id=scenario.id,
        name=scenario.name,
        document=document_of(scenario),
        n_areas=len(scenario.areas),
        n_vehicles=sum(f.count for f in scenario.fleet),
        created_by=created_by,
    )
