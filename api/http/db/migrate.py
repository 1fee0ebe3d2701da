"""Schema migrations, run from code: `upgrade(url)` brings a database to the newest revision (Alembic,
api/http/db/migrations; no alembic.ini needed) and `current_revision(url)` says where it is.

`upgrade` is idempotent and safe when several processes call it at once (servers starting together):
it holds a lock for the whole migration and reads the revision under it, so the first caller migrates
and the others find the schema at head. On SQLite the lock is the database's own write lock
(`BEGIN IMMEDIATE`, waited for up to the busy timeout), which also makes the DDL atomic; on PostgreSQL
a transaction-scoped advisory lock (DDL is transactional there anyway).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from .session import make_engine

__all__ = ["MIGRATIONS_DIR", "current_revision", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
PG_LOCK_KEY = 0x5A_1A_6A_07  # any constant: "SIAGA migrations"


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database at `database_url` to `revision` (default: the newest); a no-op when it is
    there already."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            _lock(conn)
            command.upgrade(_config(conn), revision)
            conn.commit()
    finally:
        engine.dispose()


def _lock(conn: Connection) -> None:
    """Take the migration lock inside the connection's transaction (released at commit/rollback)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})


def current_revision(database_url: str) -> str | None:
    """The database's revision; None when it was never migrated."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
