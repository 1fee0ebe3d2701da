"""A scenario from a request body: a JSON document, or a zipped scenario directory (scenario.yaml plus
its tables, at the top of the archive or in one folder), validated by the scenario loaders and the
service's limits. Problems become 422 with `errors[]`: a JSON pointer into the scenario document
(`/areas/3/people/lansia`), the message, and for archives the file and line.

An archive is checked entry by entry before anything is written, and refused with a 422 naming the
entry (cut to SHOWN_NAME characters) and one log line, never a 500, when it breaks a limit:
- at most MAX_MEMBERS entries (files and folders), unpacking to at most UNZIPPED_PER_BYTE times the
  body limit;
- names relative and inside the archive (no `/x`, no `..`), with `/` between folders (a `\\` is
  refused), no control characters (NUL included), at most MAX_DEPTH parts, each at most
  MAX_NAME_BYTES bytes of UTF-8 and the whole at most MAX_PATH_BYTES;
- regular files and folders only: symbolic links, devices, pipes and sockets are refused, never written;
- each name once (after `a//b` -> `a/b`), and never both a file and a folder (`x` and `x/y`);
- not encrypted, compressed with a method zipfile reads (store, deflate, bzip2, LZMA), and readable
  (CRC, compressed data); any OSError while writing is a 422 as well."""

from __future__ import annotations

import io
import json
import logging
import lzma
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from scenarios import Issue, Scenario, ScenarioError, load_directory, load_json
from scenarios.errors import format_value
from scenarios.size import SizeLimits
from scenarios.yamlread import read_yaml

from .db.models import ScenarioRecord
from .problems import Problem, json_pointer, validation_problem
from .settings import Settings

__all__ = [
    "ZIP_TYPES",
    "check_limits",
    "document_of",
    "issue_error",
    "scenario_from_json",
    "scenario_from_zip",
]

ZIP_TYPES = ("application/zip", "application/x-zip-compressed")
MAX_MEMBERS = 2000  # entries of an archive, files and folders
MAX_ERRORS = 100  # errors listed in a 422 (a table of 200,000 bad rows is not answered row by row)
UNZIPPED_PER_BYTE = 8  # the archive may unpack to at most this many times the body limit
MAX_DEPTH = 32  # parts of an entry's name: `a/b/c.csv` has 3
MAX_NAME_BYTES = 255  # UTF-8 bytes of one part of a name (what Linux file systems take)
MAX_PATH_BYTES = 1024  # UTF-8 bytes of a whole name
SHOWN_NAME = 80  # characters of a name shown in an error or the log
READABLE = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
# what reading one entry raises when its data is broken (the decompressors have their own errors)
_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    zlib.error,
    lzma.LZMAError,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
log = logging.getLogger(__name__)


def issue_error(issue: Issue, root: Path | None = None, where: str | None = None) -> dict[str, Any]:
    """An errors[] item of a scenario issue: its pointer, detail (field when no pointer, value and
    message), `in` (`where`, else body or file), and the file under `root` and the line when known."""
    shown = format_value(issue.value)
    item: dict[str, Any] = {
        "pointer": json_pointer(issue.path) if issue.path is not None else "",
        "detail": f"{issue.field + ': ' if issue.path is None and issue.field else ''}"
        f"{shown + ' ' if shown else ''}{issue.message}",
        "in": where or ("body" if root is None else "file"),
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
    errors = [issue_error(i, root) for i in err.issues[:MAX_ERRORS]]
    shown = "" if len(err.issues) <= MAX_ERRORS else f" (the first {MAX_ERRORS} in errors[])"
    return validation_problem(errors, f"The scenario has {len(err.issues)} error(s){shown}; see errors[].")


def scenario_from_json(body: bytes, limits: SizeLimits | None = None) -> Scenario:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise validation_problem(
            [{"pointer": "", "detail": f"is not UTF-8 ({e.reason})", "in": "body"}]
        ) from None
    try:
        return load_json(text, "<body>", limits)
    except ScenarioError as e:
        raise _invalid(e) from None


def scenario_from_zip(body: bytes, settings: Settings) -> Scenario:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except _READ_ERRORS:
        raise _file_problem("is not a zip archive") from None
    with archive, tempfile.TemporaryDirectory(prefix="siaga-upload-") as tmp:
        root = Path(tmp)
        _extract(archive, root, settings.max_body_bytes * UNZIPPED_PER_BYTE)
        directory = _scenario_dir(root)
        _check_base(directory, root)
        try:
            return load_directory(directory, settings.size_limits)
        except ScenarioError as e:
            raise _invalid(e, directory) from None


def _file_problem(detail: str, file: str = "") -> Problem:
    """422 for the archive or one of its entries (`file`, cut to SHOWN_NAME characters), and one short
    log line (no traceback)."""
    shown = _shown(file)
    log.warning("refused a zip upload: %s %s", repr(shown) if shown else "the archive", _shown(detail, 300))
    return validation_problem([{"pointer": "", "detail": detail, "in": "file", "file": shown}])


def _shown(text: str, most: int = SHOWN_NAME) -> str:
    """`text` with control characters escaped, cut to `most` characters and an ellipsis."""
    text = _CONTROL.sub(lambda c: ascii(c.group())[1:-1], text[: most + 1])
    return text if len(text) <= most else text[:most] + "…"


def _extract(archive: zipfile.ZipFile, root: Path, max_bytes: int) -> None:
    """Unpack the regular files of `archive` under `root`. Every entry is checked (the limits of the
    module docstring) before the first file is written; a problem is a 422 naming the entry."""
    entries = archive.infolist()
    if len(entries) > MAX_MEMBERS:
        raise _file_problem(f"has {len(entries)} entries; at most {MAX_MEMBERS} files and folders")
    files = _files(entries)
    if sum(m.file_size for m, _ in files) > max_bytes:
        raise _file_problem(f"the archive unpacks to more than {max_bytes} bytes")
    for m, parts in files:
        _write(archive, m, root.joinpath(*parts))


def _files(entries: list[zipfile.ZipInfo]) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """The file entries and their name parts, once each checked, and the whole set checked: each name
    once, and no name both a file and a folder."""
    files: dict[tuple[str, ...], zipfile.ZipInfo] = {}
    folders: set[tuple[str, ...]] = set()
    for m in entries:
        parts, is_folder = _entry(m)
        if parts in files or (not is_folder and parts in folders):
            twice = not is_folder and parts in files
            raise _file_problem(
                "appears twice in the archive" if twice else "is both a file and a folder", m.orig_filename
            )
        if any(parts[:i] in files for i in range(1, len(parts))):
            raise _file_problem("is inside a file: a name is both a file and a folder", m.orig_filename)
        folders.update(parts[:i] for i in range(1, len(parts) + is_folder))
        if not is_folder:
            files[parts] = m
    return [(m, parts) for parts, m in files.items()]


def _entry(m: zipfile.ZipInfo) -> tuple[tuple[str, ...], bool]:
    """(name parts, is a folder) of one entry, or a 422: its type, name and encoding."""
    raw, mode = m.orig_filename, m.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise _file_problem("is a symbolic link; links are not accepted", raw)
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _file_problem("is a device, pipe or socket; only files and folders are accepted", raw)
    if _CONTROL.search(raw):
        raise _file_problem("has a control character in its name", raw)
    if "\\" in raw:
        raise _file_problem("has a backslash in its name; separate folders with /", raw)
    is_folder = m.is_dir() or stat.S_ISDIR(mode)
    name = PurePosixPath(m.filename)
    if name.is_absolute() or ".." in name.parts or not (name.parts or is_folder):
        raise _file_problem("is not a safe path inside the archive", raw)
    _check_length(name.parts, raw)
    if m.flag_bits & 0x1:
        raise _file_problem("is encrypted; send the archive without a password", raw)
    if not is_folder and m.compress_type not in READABLE:
        raise _file_problem(f"uses compression method {m.compress_type}; use deflate (or none)", raw)
    return name.parts, is_folder


def _check_length(parts: tuple[str, ...], raw: str) -> None:
    """A 422 when a name is deeper than MAX_DEPTH or longer than MAX_NAME_BYTES / MAX_PATH_BYTES."""
    if len(parts) > MAX_DEPTH:
        raise _file_problem(f"is {len(parts)} parts deep; at most {MAX_DEPTH} parts (folders and file)", raw)
    longest = max((len(p.encode("utf-8", "replace")) for p in parts), default=0)
    if longest > MAX_NAME_BYTES:
        raise _file_problem(f"has a name part of {longest} bytes; at most {MAX_NAME_BYTES} bytes", raw)
    size = len("/".join(parts).encode("utf-8", "replace"))
    if size > MAX_PATH_BYTES:
        raise _file_problem(f"has a name of {size} bytes; at most {MAX_PATH_BYTES} bytes", raw)


def _write(archive: zipfile.ZipFile, m: zipfile.ZipInfo, target: Path) -> None:
    """Read one checked file entry and write it as a new file at `target`; broken data or any OSError
    is a 422."""
    try:
        with archive.open(m) as src:
            data = src.read(m.file_size + 1)
    except _READ_ERRORS as e:
        raise _file_problem(
            f"cannot be read: {_shown(str(e) or type(e).__name__, 120)}", m.orig_filename
        ) from None
    if len(data) > m.file_size:
        raise _file_problem("is larger than the archive says", m.orig_filename)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:  # a new file: never over another one, nor through a link
            out.write(data)
    except OSError as e:
        raise _file_problem(
            f"cannot be unpacked: {e.strerror or type(e).__name__}", m.orig_filename
        ) from None


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
        head = read_yaml((directory / "scenario.yaml").read_text(encoding="utf-8"))[0]
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
