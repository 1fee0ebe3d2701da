"""Command line, HTTP service, report files and the dashboard: the top layer; nothing outside api imports it.

Four rooms: api/cli (the `siaga` command line), api/http (the FastAPI service, its database and jobs),
api/reports (a plan's and a study's files) and api/dashboard (the page and the map documents it draws).
api/http never imports api/cli; api/reports and api/dashboard import neither; api/cli imports api/http
only in api/cli/service.py (`siaga serve`, `siaga keys`). Shared by several rooms, at this level:
api/i18n.py (labels) and api/study_files.py (reading a study file).
"""
