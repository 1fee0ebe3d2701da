"""The coordinator dashboard (docs/dashboard.md): the page's static files (index.html, js/, CSS and
icons: served as they are by api/http/routers/dashboard.py, which serves no other suffix, so never
these Python modules) and the JSON documents its map draws, built here from a scenario or a bundled
library: `map_document` (places, network, damage, need) and `boundaries` (kabupaten and kecamatan,
simplified with `geometry`). Imports neither api.http nor api.cli."""

from pathlib import Path

__all__ = ["DASHBOARD_DIR"]

DASHBOARD_DIR = Path(__file__).resolve().parent
