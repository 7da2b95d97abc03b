"""Alembic environment: migrates the Engine that ``archive.db.upgrade`` puts in ``config.attributes``.

Offline mode (``--sql``) renders the SQL for a DBA from the URL instead, e.g. for PostgreSQL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from archive.db import BEGIN_OPTION
from archive.fts import include_name
from archive.models import Base


def run_offline() -> None:
    context.configure(url=context.config.get_main_option("sqlalchemy.url"),
                      target_metadata=Base.metadata, literal_binds=True, render_as_batch=True,
                      include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = context.config.attributes["engine"]
    # IMMEDIATE: a second process opening a new archive waits for the first one's migration
    # to commit, then finds the schema at head, instead of failing on a stale read snapshot.
    with engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"}).connect() as conn:
        if conn.dialect.name != "sqlite":
            _migrate(conn)
            return
        # SQLite rebuilds a table to alter it; DROP TABLE with foreign keys on would fire
        # ON DELETE CASCADE and empty article_versions. The pragma only works outside a
        # transaction, hence the raw DBAPI connection before SQLAlchemy sends BEGIN.
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            _migrate(conn, check_foreign_keys=True)
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _migrate(conn: Connection, check_foreign_keys: bool = False) -> None:
    # transactional_ddl: Alembic assumes SQLite cannot roll back DDL, but with archive.db's own
    # BEGIN it can, so a failed upgrade leaves the archive at its previous revision, untouched.
    # include_name: the full-text index (0002) is raw SQL, not a model; autogenerate must not drop it.
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True,
                      transactional_ddl=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()
        # SQLite's own schema-change procedure: with foreign keys off, verify before COMMIT.
        if check_foreign_keys and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
            raise RuntimeError("migration left rows with dangling foreign keys; rolled back")


if context.is_offline_mode():
    run_offline()
else:
    run_online()
