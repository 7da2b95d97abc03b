"""Shared test helpers: the project's console script and the evaluation corpus location."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pages"


def shared_path(*parts: str) -> Path:
    """A path in ../shared (evaluation data beside the checkout), or PORTAL_ARCHIVE_SHARED."""
    base = Path(os.environ.get("PORTAL_ARCHIVE_SHARED", ROOT.parent / "shared"))
    return base.joinpath(*parts)


def corpus_pages() -> Path:
    """The extraction evaluation corpus: $PORTAL_ARCHIVE_CORPUS, else ../shared/corpus/pages."""
    explicit = os.environ.get("PORTAL_ARCHIVE_CORPUS")
    return Path(explicit) if explicit else shared_path("corpus", "pages")


def require(path: Path) -> Path:
    """Skip when evaluation data is absent on a developer machine; in CI its absence is a failure."""
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"evaluation data missing in CI: {path}")
        pytest.skip(f"evaluation data not present: {path}")
    return path


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `portal-archive` as a user would: a separate process, real files, real exit code."""
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )


# --------------------------------------------------------------------------- real services

def _service_missing(what: str) -> None:
    """Skip on a developer machine without the service; in CI (CI=true) a missing service fails."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is not reachable in CI (.ci/services starts it)")
    pytest.skip(f"{what} not reachable (run .ci/services and export what it prints)")


PG_ADMIN_URL = os.environ.get("PORTAL_ARCHIVE_TEST_PG",
                              "postgresql+psycopg://portal_test:portal_test@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def postgres_database(prefix: str = "pa_test"):
    """A new, empty PostgreSQL database on the test server; its SQLAlchemy URL; dropped afterwards."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url
    except ImportError:
        _service_missing("psycopg (the postgres extra)")
    admin = make_url(PG_ADMIN_URL)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        _service_missing(f"PostgreSQL at {admin.render_as_string()}")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            _drop_database(conn, name)


def _drop_database(conn, name: str) -> None:
    """Drop a test database; FORCE ends our sessions, but an autovacuum worker that starts in
    between can still hold it for a moment, so try a few times."""
    import psycopg

    for attempt in range(5):
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.ObjectInUse:
            time.sleep(0.2 * (attempt + 1))
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url():
    with postgres_database() as url:
        yield url


BACKENDS = ("sqlite", "postgresql")


@contextlib.contextmanager
def archive_database(backend: str, folder: Path):
    """An empty archive URL on ``backend``: a file in ``folder``, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'archive.db'}"
    else:
        with postgres_database() as url:
            yield url
