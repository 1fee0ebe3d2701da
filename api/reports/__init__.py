"""Report files, written by the command line and rendered by the HTTP service: a plan's (api/reports/plan:
plan.json, GeoJSON, HXL CSV, XLSX, dispatch sheets) and a study's (api/reports/study: study.json,
study.csv, report.html and plots). Imports neither api.http nor api.cli."""
