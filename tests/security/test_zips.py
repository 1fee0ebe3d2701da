"""Malformed zip uploads (issue 19): every bad archive of the audit answers POST /v1/scenarios with 422, a
short problem document and at most a short log line (no traceback), on SQLite and PostgreSQL; nothing of
a refused archive is written. One named builder per bad archive; a good archive still gives 201."""

from __future__ import annotations

import io
import logging
import stat
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.http.problems import Problem
from api.http.settings import Settings
from api.http.uploads import (
    MAX_DEPTH,
    MAX_MEMBERS,
    MAX_NAME_BYTES,
    MAX_PATH_BYTES,
    _extract,
    scenario_from_zip,
)

from ..api_fixtures import DATA_DIR, Service, start_service

MAX_BODY = 1_000_000  # the archive may then unpack to 8 MB
ZIP = {"Content-Type": "application/zip"}
Entry = tuple[str | zipfile.ZipInfo, bytes]


@pytest.fixture
def zip_service(database_url) -> Iterator[Service]:
    """The app on a fresh database (SQLite and PostgreSQL) with a 1 MB body limit."""
    yield from start_service(database_url, poll_interval_s=0.1, max_body_bytes=MAX_BODY)


# ---- building archives ----------------------------------------------------------------------------


def _archive(*extra: Entry, folder: str = "flood/", method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """tiny_flood under `folder`, then the `extra` entries in their order: were the extra entries
    ignored, the upload would succeed, so a 422 is theirs."""
    good = [(f"{folder}{f.name}", f.read_bytes()) for f in sorted((DATA_DIR / "tiny_flood").iterdir())]
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names, on purpose
        with zipfile.ZipFile(buf, "w", method) as z:
            for name, data in [*good, *extra]:
                z.writestr(name, data)
    return buf.getvalue()


def _typed(name: str, mode: int) -> zipfile.ZipInfo:
    """An entry whose Unix mode (file type and permissions) is `mode`, as Info-ZIP writes it."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def _headers(data: bytes, name: str) -> tuple[int, int]:
    """Offsets of the local and the central header of the entry `name` (its name occurs once in each)."""
    key = name.encode()
    local, central = data.find(key) - 30, data.rfind(key) - 46
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    return local, central


def _set_u16(data: bytes, name: str, local_at: int, central_at: int, value: Callable[[int], int]) -> bytes:
    """`data` with a 2-byte field of entry `name` changed in both its headers."""
    raw = bytearray(data)
    local, central = _headers(data, name)
    for at in (local + local_at, central + central_at):
        raw[at : at + 2] = value(int.from_bytes(raw[at : at + 2], "little")).to_bytes(2, "little")
    return bytes(raw)


def _renamed(data: bytes, old: bytes, new: bytes) -> bytes:
    """`data` with an entry's name bytes replaced in both headers (same length, so offsets hold)."""
    assert len(old) == len(new) and data.count(old) == 2
    return data.replace(old, new)


# ---- one builder per bad archive ------------------------------------------------------------------


def file_then_child() -> bytes:
    """A file `x`, then `x/y`: `x` cannot be a folder (was FileExistsError/NotADirectoryError, 500)."""
    return _archive(("x", b"1"), ("x/y", b"2"))


def file_then_folder_entry() -> bytes:
    """A file `x`, then a folder entry `x/`."""
    return _archive(("x", b"1"), ("x/", b""))


def folder_entry_then_file() -> bytes:
    """A folder entry `x/`, then a file `x`."""
    return _archive(("x/", b""), ("x", b"1"))


def file_named_like_a_folder() -> bytes:
    """`flood/.` is the folder `flood` itself, which holds the scenario's files."""
    return _archive(("flood/.", b"1"))


def symlink_then_child() -> bytes:
    """A symbolic link `lnk` -> /etc, then `lnk/passwd` (was FileExistsError, 500)."""
    return _archive((_typed("lnk", stat.S_IFLNK | 0o777), b"/etc"), ("lnk/passwd", b"x"))


def symlink_alone() -> bytes:
    """A symbolic link among the scenario's files, refused outright and never written."""
    return _archive((_typed("flood/notes.csv", stat.S_IFLNK | 0o777), b"areas.csv"))


def fifo_entry() -> bytes:
    """A named pipe (FIFO) entry."""
    return _archive((_typed("flood/pipe", stat.S_IFIFO | 0o644), b""))


def device_entry() -> bytes:
    """A character-device entry."""
    return _archive((_typed("flood/tty", stat.S_IFCHR | 0o644), b""))


def long_name_part() -> bytes:
    """One name part over MAX_NAME_BYTES (was OSError ENAMETOOLONG, 500)."""
    return _archive((f"flood/{'a' * 300}.csv", b"1"))


def long_name_part_in_utf8() -> bytes:
    """A name part of 200 characters but 400 UTF-8 bytes: the limit counts bytes."""
    return _archive((f"flood/{'é' * 200}", b"1"))


def long_path() -> bytes:
    """A whole path over MAX_PATH_BYTES, each part short and the depth within MAX_DEPTH."""
    return _archive(("/".join(["p" * 60] * 20) + "/f.csv", b"1"))


def deep_file() -> bytes:
    """A file 2,000 folders deep, a 10 KB request (was RecursionError, 3.4 MB of traceback, 500)."""
    return _archive(("d/" * 2000 + "f.csv", b"1"))


def deep_folder_entries() -> bytes:
    """Folder entries one deeper than MAX_DEPTH."""
    return _archive(*[("d/" * n, b"") for n in range(1, MAX_DEPTH + 2)])


def duplicate_name() -> bytes:
    """Two entries `flood/areas.csv`: which one would count?"""
    return _archive(("flood/areas.csv", b"id,name\n"))


def duplicate_after_normalising() -> bytes:
    """`flood//areas.csv` is the same file as `flood/areas.csv`."""
    return _archive(("flood//areas.csv", b"id,name\n"))


def nul_in_name() -> bytes:
    """A NUL byte in a name (zipfile cuts the name there: `flood/areas.csv\\0x` would be areas.csv)."""
    return _renamed(_archive(("flood/nul_x.csv", b"1")), b"nul_x", b"nul\x00x")


def control_character_in_name() -> bytes:
    """A newline in a name (it would forge a line in any log or listing)."""
    return _archive(("flood/a\nb.csv", b"1"))


def backslash_in_name() -> bytes:
    """A Windows separator `\\` in a name: refused rather than guessed at."""
    return _archive(("flood\\extra.csv", b"1"))


def absolute_name() -> bytes:
    """An absolute name `/tmp/x`."""
    return _archive(("/tmp/x", b"1"))


def parent_name() -> bytes:
    """A name going up, `../x`."""
    return _archive(("flood/../../x", b"1"))


def encrypted_entry() -> bytes:
    """An entry flagged as encrypted (no password is ever asked for)."""
    return _set_u16(_archive(("flood/secret.txt", b"1")), "flood/secret.txt", 6, 8, lambda f: f | 0x1)


def unknown_compression() -> bytes:
    """An entry compressed with method 99 (WinZip AES), which zipfile cannot read."""
    data = _archive(("flood/aes.txt", b"1"), method=zipfile.ZIP_STORED)
    return _set_u16(data, "flood/aes.txt", 8, 10, lambda _: 99)


def corrupt_deflate() -> bytes:
    """Deflate data that is not a deflate stream (zlib.error, was 500)."""
    name = "flood/notes.txt"
    raw = bytearray(_archive((name, b"hello " * 100)))
    local, _ = _headers(bytes(raw), name)
    raw[local + 30 + len(name)] = 0xFF  # a block of the reserved type 3
    return bytes(raw)


def bad_crc() -> bytes:
    """A stored entry whose bytes do not match its CRC-32."""
    name = "flood/notes.txt"
    raw = bytearray(_archive((name, b"hello"), method=zipfile.ZIP_STORED))
    local, _ = _headers(bytes(raw), name)
    raw[local + 30 + len(name)] ^= 0xFF
    return bytes(raw)


def too_many_entries() -> bytes:
    """More than MAX_MEMBERS entries."""
    return _archive(*[(f"many/{i}.txt", b"") for i in range(MAX_MEMBERS + 1)])


def unpacks_too_large() -> bytes:
    """A 9 MB file of zeros in a few KB: more than 8 times the body limit unpacked."""
    return _archive(("flood/zeros.txt", bytes(9_000_000)))


def not_a_zip() -> bytes:
    """A zip signature and then nothing of a zip."""
    return b"PK\x03\x04" + b"\x00" * 100


def bad_utf8_name() -> bytes:
    """A name flagged UTF-8 whose bytes are not UTF-8 (UnicodeDecodeError in zipfile.ZipFile())."""
    data = _renamed(_archive(("flood/bad_x.csv", b"1")), b"bad_x", b"bad\xffx")
    return _set_u16(data, "flood/bad", 6, 8, lambda f: f | 0x800)


def unsupported_version() -> bytes:
    """An entry that needs zip version 25.5 to extract (NotImplementedError in zipfile.ZipFile())."""
    return _set_u16(_archive(("flood/new.txt", b"1")), "flood/new.txt", 4, 6, lambda _: 255)


BAD = {
    file_then_child: "folder",
    file_then_folder_entry: "folder",
    folder_entry_then_file: "folder",
    file_named_like_a_folder: "folder",
    symlink_then_child: "symbolic link",
    symlink_alone: "symbolic link",
    fifo_entry: "only files and folders",
    device_entry: "only files and folders",
    long_name_part: f"{MAX_NAME_BYTES} bytes",
    long_name_part_in_utf8: f"{MAX_NAME_BYTES} bytes",
    long_path: f"{MAX_PATH_BYTES} bytes",
    deep_file: f"{MAX_DEPTH} ",
    deep_folder_entries: f"{MAX_DEPTH} ",
    duplicate_name: "twice",
    duplicate_after_normalising: "twice",
    nul_in_name: "control character",
    control_character_in_name: "control character",
    backslash_in_name: "backslash",
    absolute_name: "not a safe path",
    parent_name: "not a safe path",
    encrypted_entry: "encrypted",
    unknown_compression: "compression method 99",
    corrupt_deflate: "cannot be read",
    bad_crc: "cannot be read",
    too_many_entries: f"at most {MAX_MEMBERS}",
    unpacks_too_large: "more than 8000000 bytes",
    not_a_zip: "not a zip archive",
}


# ---- checks ---------------------------------------------------------------------------------------


def _refused(service: Service, caplog: pytest.LogCaptureFixture, **request) -> dict:
    """POST the archive; check the 422 and what was logged meanwhile. The first error."""
    caplog.set_level(logging.INFO, logger="api")
    caplog.clear()
    r = service.client.post(
        "/v1/scenarios", headers=service.auth("admin", **request.pop("headers", {})), **request
    )
    assert r.status_code == 422, r.text[:1000]
    assert r.headers["content-type"] == "application/problem+json"
    doc = r.json()
    error = doc["errors"][0]
    assert error["in"] == "file" and error["pointer"] == ""
    assert len(error["detail"]) < 300 and len(doc["detail"]) < 400, error["detail"][:1000]
    assert len(error.get("file", "")) <= 100, error["file"][:1000]
    assert not [rec for rec in caplog.records if rec.exc_info], "a traceback was logged"
    assert len(caplog.text) < 2000, caplog.text[:3000]
    return error


@pytest.mark.parametrize("build", list(BAD), ids=[b.__name__ for b in BAD])
def test_a_bad_archive_is_422(zip_service, caplog, build):
    """Each bad archive (see its builder) answers 422 with one short error naming the problem, and the
    server logs no traceback meanwhile."""
    data = build()
    assert len(data) < MAX_BODY
    error = _refused(zip_service, caplog, content=data, headers=ZIP)
    assert BAD[build] in error["detail"], error


@pytest.mark.parametrize("build", list(BAD), ids=[b.__name__ for b in BAD])
def test_a_bad_archive_is_logged_in_one_short_line(caplog, build):
    """Reading a bad archive logs one line (at most 400 characters, no traceback) naming the problem.
    Read here in this process: the service reads uploads in a worker process, whose log the test
    cannot capture."""
    caplog.set_level(logging.INFO, logger="api")
    with pytest.raises(Problem) as refused:
        scenario_from_zip(build(), Settings(database_url="sqlite://", max_body_bytes=MAX_BODY))
    assert refused.value.status == 422
    assert [(r.name, r.levelno) for r in caplog.records] == [("api.http.uploads", logging.WARNING)]
    line = caplog.records[0].getMessage()
    assert "\n" not in line and len(line) <= 400 and not caplog.records[0].exc_info, line
    assert BAD[build] in line


@pytest.mark.parametrize("build", [bad_utf8_name, unsupported_version], ids=lambda b: b.__name__)
def test_an_archive_zipfile_cannot_open_is_422(zip_service, caplog, build):
    """An archive whose central directory zipfile refuses with another error than BadZipFile (a name
    flagged UTF-8 that is not, an unknown zip version) is a 422 too."""
    _refused(zip_service, caplog, content=build(), headers=ZIP)


def test_a_bad_archive_as_a_multipart_file_is_422(zip_service, caplog):
    """The same refusal when the archive comes as the multipart `file` of a form."""
    files = {"file": ("scenario.zip", symlink_then_child(), "application/zip")}
    assert "symbolic link" in _refused(zip_service, caplog, files=files)["detail"]


def test_a_long_name_is_cut_in_the_error(zip_service, caplog):
    """A very long name is cut to its first 80 characters and an ellipsis in the error's `file`."""
    error = _refused(zip_service, caplog, content=long_name_part(), headers=ZIP)
    assert error["file"] == f"flood/{'a' * 74}…"


def test_the_limits_are_named_in_the_errors(zip_service, caplog):
    """The depth and length limits are stated in the errors, so a client knows what to change."""
    assert f"at most {MAX_DEPTH}" in _refused(zip_service, caplog, content=deep_file(), headers=ZIP)["detail"]
    detail = _refused(zip_service, caplog, content=long_path(), headers=ZIP)["detail"]
    assert f"at most {MAX_PATH_BYTES}" in detail


def _good(folder: str, folders: bool) -> bytes:
    """tiny_flood as `zip -r` writes it: files with their Unix modes, and folder entries if `folders`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if folders and folder:
            z.write(DATA_DIR / "tiny_flood", folder)
        for f in sorted((DATA_DIR / "tiny_flood").iterdir()):
            z.write(f, f"{folder}{f.name}")
    return buf.getvalue()


@pytest.mark.parametrize(("folder", "folders"), [("", False), ("tiny_flood/", False), ("tiny_flood/", True)])
def test_a_good_archive_is_201(zip_service, folder, folders):
    """tiny_flood zipped, at the top of the archive or in a folder (with or without a folder entry, and
    with the files' Unix modes), is still stored: 201."""
    data = _good(folder, folders)
    r = zip_service.client.post("/v1/scenarios", content=data, headers=zip_service.auth("admin", **ZIP))
    assert r.status_code == 201, r.text
    files = {"file": ("tiny.zip", data, "application/zip")}
    assert (
        zip_service.client.post("/v1/scenarios", files=files, headers=zip_service.auth()).status_code == 201
    )


@pytest.mark.parametrize("build", [symlink_alone, file_then_child, deep_file, duplicate_name, fifo_entry])
def test_nothing_is_written_before_a_refusal(tmp_path: Path, build):
    """The names and types of all entries are checked before the first file is written: a refused
    archive leaves its directory empty (so no symbolic link is ever made)."""
    with zipfile.ZipFile(io.BytesIO(build())) as archive, pytest.raises(Problem) as refused:
        _extract(archive, tmp_path, 10_000_000)
    assert refused.value.status == 422 and list(tmp_path.iterdir()) == []


def test_an_os_error_while_writing_is_422(tmp_path: Path):
    """Any OSError while unpacking (here: the directory to unpack into is a file) is a 422, not a 500."""
    root = tmp_path / "a-file"
    root.write_text("")
    with zipfile.ZipFile(io.BytesIO(_archive())) as archive, pytest.raises(Problem) as refused:
        _extract(archive, root, 10_000_000)
    assert refused.value.status == 422 and "cannot be unpacked" in refused.value.errors[0]["detail"]
