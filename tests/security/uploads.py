"""The oversized and hostile scenario uploads of the security tests, one named builder per case (each
the audit's case, at its size), shared by tests/security/test_uploads.py and test_health.py."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from pathlib import Path

from ..api_fixtures import scenario_document

DATA = Path(__file__).parents[1] / "data"
ZIP = {"Content-Type": "application/zip"}
JSON = {"Content-Type": "application/json"}


def zip_directory(directory: Path, replace: dict[str, bytes] | None = None) -> bytes:
    """The files of a scenario directory as a zip archive (in a folder named after it), with
    `replace`: file name -> new content."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(directory.iterdir()):
            z.writestr(f"{directory.name}/{f.name}", replace.get(f.name, f.read_bytes()))
    return out.getvalue()


@cache
def alias_bomb_zip() -> bytes:
    """tests/data/bad_yaml_alias zipped: six levels of ten YAML aliases (2 KB)."""
    return zip_directory(DATA / "bad_yaml_alias")


@cache
def million_areas_zip(n: int = 3_000_000) -> bytes:
    """tiny_flood with `n` areas in areas.csv (3 M: about 13 MiB zipped, 110 MiB unpacked)."""
    head = (DATA / "tiny_flood" / "areas.csv").read_text().splitlines()[0]
    rows = "".join(f"a{i},A {i},,desa,-0.5,117.15,n_a,10,,,,,,,,\n" for i in range(n))
    return zip_directory(DATA / "tiny_flood", {"areas.csv": f"{head}\n{rows}".encode()})


@cache
def areas_json(n: int = 100_000) -> bytes:
    """tiny_flood's JSON document with `n` areas, their empty fields left out (100 k: 14 MiB)."""
    doc = scenario_document()
    area = {k: v for k, v in doc["areas"][0].items() if v not in (None, [], {}, "")}
    doc["areas"] = [{**area, "id": f"a{i}", "name": f"A {i}"} for i in range(n)]
    return json.dumps(doc, separators=(",", ":")).encode()


def deep_json(levels: int = 990) -> bytes:
    """A JSON body nested `levels` deep."""
    return b"[" * levels + b"]" * levels
