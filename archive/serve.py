"""``portal-archive serve``: browse, facet and search the SQLite archive in Datasette, read-only.

Datasette opens the file with ``mode=ro``, not ``immutable=1``: a crawler may still be writing
to the archive (WAL mode), and an immutable reader would ignore the WAL and see a stale or torn
file. The metadata (``datasette_metadata.yaml``: facets, hidden FTS5 shadow tables, canned
queries) and the plugin (``datasette_plugin.py``: ``vn_fold``, ``vn_match_query``, the year
facet) ship with the package. Datasette reads SQLite only, so PostgreSQL archives are refused.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .fts import FTS_TABLE

METADATA = Path(__file__).with_name("datasette_metadata.yaml")
METADATA_DATABASE = "archive"  # the key the metadata file uses for the served database
DATASETTE_EXTRA = "pip install 'portal-archive[datasette]'"
# Cells are cut at 300 characters in HTML pages (bodies run to pages); JSON keeps them whole.
# At a million articles a facet or a count over the whole table takes about a second: the limits
# leave room for that, and facet suggestions (a query per column on every page) are off.
SETTINGS = {"truncate_cells_html": 300, "sql_time_limit_ms": 5000, "facet_time_limit_ms": 2000,
            "suggest_facets": False}


class ServeError(Exception):
    """The archive cannot be served: one line for the user."""


def sqlite_file(url: str) -> Path:
    """The archive file of a SQLite URL; ServeError for any other database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ServeError(f"not a database URL: {url}") from None
    if parsed.get_backend_name() != "sqlite":
        raise ServeError("serve needs a SQLite archive (Datasette reads SQLite)")
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise ServeError(f"serve needs an archive file, not {url}")
    return Path(parsed.database).expanduser()


def metadata(database: str, fts_key: str = "id") -> dict[str, Any]:
    """The packaged metadata, its database section filed under ``database``, its queries joining
    the full-text index on ``fts_key``."""
    import yaml  # a dependency of Datasette

    data = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    section = data["databases"].pop(METADATA_DATABASE)
    for query in section["queries"].values():
        query["sql"] = query["sql"].replace("{fts_key}", fts_key)
    data["databases"] = {database: section}
    return data


def fts_key(path: Path) -> str:
    """The articles column whose values are the FTS5 index's rowids: its ``content_rowid``
    ("id" as migration 0002 created it), read from the archive's own schema."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).fetchone()
    found = re.search(r"content_rowid\s*=\s*['\"]?(\w+)", row[0] if row else "")
    return found.group(1) if found else "id"


def datasette_for(path: Path):
    """A Datasette instance over the archive file, with the plugin registered."""
    try:
        from datasette.app import Datasette
        from datasette.plugins import pm
    except ImportError:
        raise ServeError(f"serve needs Datasette: {DATASETTE_EXTRA}") from None
    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="portal-archive")
    return Datasette([str(path)], metadata=metadata(path.stem, fts_key(path)), settings=SETTINGS)


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound here so that a taken port is one clear line, not a server log."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def serve(path: Path, host: str = "127.0.0.1", port: int = 8001,
          announce: Callable[[str], None] = print) -> None:
    """Serve until interrupted (Ctrl-C); ``announce`` gets the archive's URL once it is reachable."""
    import uvicorn  # a dependency of Datasette

    ds = datasette_for(path)
    sock = listen(host, port)
    asyncio.run(ds.invoke_startup())  # what `datasette serve` runs before serving
    shown_host = f"[{host}]" if ":" in host else host
    announce(f"http://{shown_host}:{sock.getsockname()[1]}{ds.urls.database(path.stem)}")
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="on"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it shut down on: stopping is the normal end
        pass
    finally:
        sock.close()


__all__ = ["DATASETTE_EXTRA", "ServeError", "datasette_for", "fts_key", "metadata", "serve", "sqlite_file"]
