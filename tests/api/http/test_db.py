"""Persistence: Alembic migrations build exactly the models' tables on SQLite and PostgreSQL, upgrade
is idempotent and safe when run at once by several processes, SQLite runs in WAL with FULL sync,
and times come back timezone-aware."""

from __future__ import annotations

import multiprocessing as mp

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from api.http.db.migrate import current_revision, head_revision, upgrade
from api.http.db.models import ApiKey, Base, utcnow
from api.http.db.session import make_engine, make_sessionmaker


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_create_every_table_of_the_models(database_url):
    """After upgrade the database holds every table of the models (and Alembic's), and autogenerate
    finds no difference between the migrated schema and the models: columns, types, indexes."""
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert _tables(database_url) == set(Base.metadata.tables) | {"alembic_version"}
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()
    assert current_revision(database_url) == head_revision() == "0003_lengths"


def test_upgrade_twice_is_a_no_op(database_url):
    """A second upgrade keeps the revision, the tables and the rows written in between."""
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        s.add(ApiKey(id="k1", prefix="abc", secret_hash="0" * 64, role="admin"))
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    with sessions() as s:
        assert s.get(ApiKey, "k1").role == "admin"
    engine.dispose()


def _upgrade_in_child(url: str) -> None:
    upgrade(url)


@pytest.mark.slow
def test_concurrent_upgrades_all_succeed(database_url):
    """Three processes migrating one empty database at once all succeed and leave it at head. (Spawned,
    not forked: earlier tests leave threads in this process, e.g. the browser tests' Playwright, and a
    fork copies whatever lock such a thread holds: a child hung past 60 s once in CI.)"""
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_upgrade_in_child, args=(database_url,)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert current_revision(database_url) == head_revision()


def test_sqlite_runs_in_wal_with_full_sync(tmp_path):
    """Every SQLite connection runs in WAL mode with synchronous=FULL, foreign keys on and a busy
    timeout, so the server and its workers share the file safely."""
    engine = make_engine(f"sqlite:///{tmp_path / 'siaga.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    engine.dispose()


def test_times_come_back_timezone_aware(database_url):
    """A stored time reads back as the same instant, timezone-aware, on both databases."""
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    now = utcnow()
    with sessions.begin() as s:
        s.add(ApiKey(id="k1", prefix="abc", secret_hash="0" * 64, role="viewer", created_at=now))
    with sessions() as s:
        got = s.scalar(sa.select(ApiKey.created_at))
        older = s.scalar(sa.select(sa.func.count()).where(ApiKey.created_at <= now))
    assert got.tzinfo is not None and got == now
    assert older == 1
    engine.dispose()


def test_migration_0003_widens_names_and_actors(database_url):
    """0003 keeps the rows of a database at 0002 and widens scenarios.name to 2,000 characters and
    incident_updates.actor to 300 (PostgreSQL enforced 500 and 200), and indexes
    idempotency.created_at."""
    upgrade(database_url, "0002_studies")
    engine = make_engine(database_url)
    insert = (
        "insert into scenarios (id, scenario_id, name, document, n_areas, n_vehicles, created_at) "
        "values (:id, 's', :name, '{}', 0, 0, :now)"
    )
    with engine.begin() as conn:
        conn.execute(sa.text(insert), {"id": "old", "name": "n" * 500, "now": utcnow()})
    upgrade(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text(insert), {"id": "new", "name": "n" * 2000, "now": utcnow()})
        names = dict(conn.execute(sa.text("select id, length(name) from scenarios")).all())
    assert names == {"old": 500, "new": 2000}
    assert "ix_idempotency_created_at" in {i["name"] for i in sa.inspect(engine).get_indexes("idempotency")}
    engine.dispose()
