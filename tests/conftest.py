"""Shared fixtures: the small named scenarios of tests/data and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
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
