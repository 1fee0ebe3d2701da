"""Shared fixtures: the small named scenarios of tests/data and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scenarios import Scenario, load_scenario

DATA_DIR = Path(__file__).parent / "data"
SIAGA = [sys.executable, "-m", "api"]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The directory of the named test fixtures."""
    return DATA_DIR


@pytest.fixture(scope="session")
def tiny_flood() -> Scenario:
    """Two villages (1,000 general people; 100 elderly + 20 under-fives), one warehouse."""
    return load_scenario(DATA_DIR / "tiny_flood")


def run_siaga(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the `siaga` command line in a child process, as a user would."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([*SIAGA, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)


PG_ADMIN_URL = os.environ.get("SIAGA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import sqlalchemy as sa

        with sa.create_engine(PG_ADMIN_URL).connect() as c:
            c.execute(sa.text("select 1"))
        return None
    except Exception as e:  # any driver or connection error means: not here
        return f"{type(e).__name__}: {e}"


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file under tmp_path, or a new schema in the
    PostgreSQL at 127.0.0.1:5432 (database `test`), dropped afterwards. Without PostgreSQL the
    PostgreSQL case is skipped, except under CI=true, where it fails."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'siaga.db'}"
        return
    why = _pg_available()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {why}")
        pytest.skip(f"PostgreSQL not available: {why}")
    import uuid

    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL)
    with admin.begin() as c:
        c.execute(sa.text(f'create schema "{schema}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database for one test, on SQLite and on PostgreSQL (`fresh_database`)."""
    with fresh_database(request.param, tmp_path) as url:
        yield url
