"""Engines and schema upgrades for the archive.

``make_engine`` gives SQLite the settings a long-lived, concurrently read archive needs;
``upgrade`` brings any archive to the newest schema with Alembic, run from code so that
users never need an ``alembic.ini``. PostgreSQL URLs pass through untouched.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from .text_fold import sql_fold

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# busy_timeout first: wait for another writer instead of failing at once, and switching a new
# file to WAL needs a lock too. WAL: readers (search, export) never block the crawler's writes.
# foreign_keys: SQLite ships with them off, and ON DELETE CASCADE is part of the schema.
# synchronous=NORMAL is durable in WAL mode except for the last commits on power loss, which
# re-crawling recovers; FULL would fsync on every item.
SQLITE_PRAGMAS = ("busy_timeout=5000", "journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL")

# Execution option naming the BEGIN flavour; store.py asks for IMMEDIATE when it will write.
BEGIN_OPTION = "sqlite_begin"
_UPGRADE_LOCK = threading.Lock()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An Engine; for SQLite, pragmas on every new connection and real transactions."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # The sqlite3 module's legacy mode sends no BEGIN before DDL or SELECT, so migrations would
    # not be atomic; we switch it off and send BEGIN ourselves (SQLAlchemy's documented recipe).
    dbapi_conn.isolation_level = None
    for pragma in SQLITE_PRAGMAS:
        dbapi_conn.execute(f"PRAGMA {pragma}")
    # The full-text index's triggers call vn_fold (migration 0002, VIETNAMESE.md §3.4 B): every
    # connection that writes articles needs it, or the write fails with "no such function".
    dbapi_conn.create_function("vn_fold", 1, sql_fold, deterministic=True)


def _sqlite_begin(conn: Any) -> None:
    # A plain (deferred) BEGIN that reads and then writes cannot wait for a lock held by another
    # writer (SQLITE_BUSY at once, busy_timeout ignored); BEGIN IMMEDIATE takes the lock first.
    mode = conn.get_execution_options().get(BEGIN_OPTION, "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def alembic_config(engine: Engine) -> Config:
    """An in-memory Alembic config; also usable for ``command.revision(..., autogenerate=True)``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations; a no-op on an up-to-date archive.

    Alembic's ``context`` is a module-level global, so two threads opening archives at once
    would share it: the lock serialises them. Across processes, env.py's BEGIN IMMEDIATE does.
    """
    with _UPGRADE_LOCK:
        command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return ScriptDirectory.from_config(config).get_current_head()
