"""One crawl per portal at a time: run locks that the OS or the database drop when their holder dies.

Two crawls of one portal at once fetch every page twice and race on the same articles' versions;
a nightly cron job that overruns into the next night is the usual way to get there. A lock that is
a file's *existence* would outlive a ``kill -9`` and block every later run; these locks do not:

* SQLite archive: ``fcntl.flock`` on ``<archive>.locks/<slug>.lock``, held by an open descriptor,
  which the kernel closes (and so unlocks) when the process dies. The file keeps the holder's pid,
  host and start time, so a refused run can name it.
* PostgreSQL archive: a session-level advisory lock on a 64-bit hash of the slug, held by a
  connection of its own; the server drops it when that connection ends, process death included.
  The holder's description travels as the connection's ``application_name`` (pg_stat_activity).

``run_locks(archive_url, slugs)`` takes every portal's lock or none. Scrapy-free. A lock that cannot be
taken at all (a lock folder the crawler may not write, a file where it should be) is ``LockError``:
one line naming the path, not a traceback.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

APPLICATION_NAME_MAX = 63  # PostgreSQL truncates application_name to NAMEDATALEN - 1 bytes
TAG = re.compile(r"^portal-archive (?P<pid>\d+)@(?P<host>\S*) (?P<started>\S+)$")


@dataclass(frozen=True)
class Holder:
    """Who holds a portal's lock: enough to find the process (``ps``, ``kill``) or judge its age."""

    pid: int | None = None
    host: str | None = None
    started: str | None = None  # ISO 8601, UTC

    @classmethod
    def me(cls) -> Holder:
        started = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return cls(os.getpid(), socket.gethostname(), started)

    def describe(self) -> str:
        if self.pid is None:
            return "holder unknown (it may have just finished: try again)"
        return f"pid {self.pid} on {self.host or 'an unknown host'}, started {self.started or 'at an unknown time'}"

    def tag(self) -> str:
        """The holder as an application_name: the host is cut so the whole fits PostgreSQL's 63 bytes."""
        fixed = f"portal-archive {self.pid}@ {self.started}"
        host = (self.host or "").encode("ascii", "replace").decode()[:max(APPLICATION_NAME_MAX - len(fixed), 0)]
        return f"portal-archive {self.pid}@{host} {self.started}"

    @classmethod
    def from_tag(cls, tag: str | None) -> Holder:
        match = TAG.match(tag or "")
        return cls(int(match["pid"]), match["host"], match["started"]) if match else cls()


class LockHeld(Exception):
    """Another run holds a portal's lock; the message is one line naming the holder."""

    def __init__(self, slug: str, holder: Holder):
        super().__init__(f"another run holds the lock on portal {slug!r}: {holder.describe()}")
        self.slug, self.holder = slug, holder


class LockError(Exception):
    """A portal's lock cannot be taken at all (not: it is held); the message is one line naming the path."""

    def __init__(self, slug: str, error: OSError):
        super().__init__(f"cannot take the run lock on portal {slug!r}: {error.filename}: "
                         f"{error.strerror or type(error).__name__}")


@contextmanager
def run_locks(archive_url: str, slugs: Iterable[str], shared: bool = False) -> Iterator[None]:
    """Hold every portal's lock for the body, or raise LockHeld holding none.

    ``shared``: the workers of one distributed run (spiders/distributed.py) hold the locks together;
    a single-process run (exclusive) is refused while any of them runs, and they while it runs.
    """
    locks = _locks_for(archive_url)
    try:
        for slug in sorted(set(slugs)):  # one order for every run: no two runs each wait on the other
            locks.take(slug, shared)
        yield
    finally:
        locks.release()


def lock_key(slug: str) -> int:
    """A stable signed 64-bit key (pg_advisory_lock's bigint): the same in every process and release."""
    digest = hashlib.sha256(f"portal-archive run lock:{slug}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_folder(archive_url: str) -> Path | None:
    """``<archive file>.locks`` beside an SQLite archive; None for an in-memory one (no other process sees it)."""
    database = make_url(archive_url).database or ""
    path = database.removeprefix("file:").split("?")[0]
    if not path or path == ":memory:" or "mode=memory" in database:
        return None
    return Path(path + ".locks").expanduser()


def _locks_for(archive_url: str):
    backend = make_url(archive_url).get_backend_name()
    if backend == "postgresql":
        return _AdvisoryLocks(archive_url)
    folder = lock_folder(archive_url) if backend == "sqlite" else None
    return _FileLocks(folder) if folder else _NoLocks()


class _NoLocks:
    """An in-memory archive: only this process can see it, so there is nobody to exclude."""

    def take(self, slug: str, shared: bool = False) -> None:
        pass

    def release(self) -> None:
        pass


class _FileLocks:
    def __init__(self, folder: Path):
        self.folder = folder
        self.held: list[int] = []

    def take(self, slug: str, shared: bool = False) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # The file is never deleted: a run that unlinked it could leave the next two runs each
            # locking a different inode under the same name.
            fd = os.open(self.folder / f"{_file_name(slug)}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # read-only folder, a file in its place, a full disk
            raise LockError(slug, exc) from None
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockHeld(slug, holder) from None
        self.held.append(fd)
        me = Holder.me()
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": me.pid, "host": me.host, "started": me.started}).encode() + b"\n", 0)

    def release(self) -> None:
        while self.held:
            os.close(self.held.pop())  # closing the descriptor is what unlocks


def _read_holder(fd: int) -> Holder:
    """The holder the lock file names; the holder may be between truncating and writing it, so retry briefly."""
    for _ in range(5):
        try:
            info = json.loads(os.pread(fd, 4096, 0) or b"null")
            return Holder(info.get("pid"), info.get("host"), info.get("started"))
        except (ValueError, AttributeError):
            time.sleep(0.02)
    return Holder()


def _file_name(slug: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", slug).lstrip(".") or "_"


class _AdvisoryLocks:
    # A connection of its own, outside any pool: the locks live exactly as long as it does.
    def __init__(self, archive_url: str):
        from .db import make_engine

        self.engine = make_engine(archive_url, poolclass=NullPool,
                                  connect_args={"application_name": Holder.me().tag()})
        self.connection = None

    def take(self, slug: str, shared: bool = False) -> None:
        if self.connection is None:
            self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try_lock = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
        if not self.connection.scalar(text(f"SELECT {try_lock}(:key)"), {"key": lock_key(slug)}):
            raise LockHeld(slug, self._holder(slug))

    def _holder(self, slug: str) -> Holder:
        key = lock_key(slug) & 0xFFFFFFFFFFFFFFFF  # pg_locks splits the bigint into two unsigned halves
        tag = self.connection.scalar(text(HOLDER_QUERY), {"hi": key >> 32, "lo": key & 0xFFFFFFFF})
        return Holder.from_tag(tag)

    def release(self) -> None:
        if self.connection is not None:
            self.connection.close()  # the session ends, and its advisory locks with it
            self.connection = None
        self.engine.dispose()


HOLDER_QUERY = """
SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid::bigint = :hi AND l.objid::bigint = :lo
LIMIT 1
"""

__all__ = ["Holder", "LockError", "LockHeld", "lock_folder", "lock_key", "run_locks"]
