"""The HTTP service (FastAPI, docs/api.md): `app.create_app`, its settings, security and problems, the
routers, persistence (db: SQLAlchemy, Alembic migrations) and jobs (worker processes behind a
concurrent.futures executor, or Dask). Renders plan files with api/reports and serves the dashboard
of api/dashboard; never imports api/cli."""
