"""Regenerate the dashboard's screenshots in docs/screenshots/ (docs/dashboard.md).

They are taken by the browser tests themselves (tests/api/dashboard/test_dashboard.py) with SIAGA_DOCS_SCREENSHOTS=1,
so the pictures show what the tested page shows. Needs Chromium: `make .venv/.chromium`.

    .venv/bin/python tools/dashboard_screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER_TESTS = "coordinator_flow or language_switch or study_view or tablet_layout"


def main() -> int:
    env = {**os.environ, "SIAGA_DOCS_SCREENSHOTS": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "tests/api/dashboard/test_dashboard.py", "-k", BROWSER_TESTS]
    done = subprocess.call(cmd, cwd=ROOT, env=env)
    if done == 0:
        for png in sorted((ROOT / "docs" / "screenshots").glob("*.png")):
            print(png.relative_to(ROOT))
    return done


if __name__ == "__main__":
    raise SystemExit(main())
