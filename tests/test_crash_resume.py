"""Crash safety end to end: `portal-archive crawl` of the sample portal killed with SIGKILL at five seeded random
points, each followed by a resumed crawl, ends with the archive an uninterrupted crawl makes, having fetched
little more than it (spiders/frontier.py, archive/resume.py)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from conftest import BACKENDS, ROOT, archive_database

from archive.sample import serve
from archive.sample.content import OLD_URL_TARGET
from archive.store import Archive

KILLS = 5
SEED = 20261127
CONCURRENT_REQUESTS = 16  # what --no-politeness allows (archive/crawl.py): the most requests a kill can leave in flight
# The last run fetches only what the kills left: a 404 among a few pages must not make it "failing" (exit 3).
ENV = {**os.environ, "PORTAL_ARCHIVE_MAX_FAILURE_RATE": "1"}


@dataclass
class Archived:
    articles: dict[str, str]  # identity -> content hash
    versions: int
    hits: Counter  # requests the sample server answered, per target (path and query)
    port: int  # of the sample server: identities and attachment links (so content hashes) name it


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Archived:
    folder = tmp_path_factory.mktemp("uninterrupted")
    url = f"sqlite:///{folder / 'archive.db'}"
    with serve(slow_seconds=0) as server:
        assert _crawl(server.url, url, folder).wait(timeout=120) == 0
        return _archived(url, Counter(server.hits), server.port)


@pytest.mark.parametrize("backend", BACKENDS)
def test_five_kill_9_and_resumes_end_with_the_uninterrupted_archive(backend, uninterrupted, tmp_path):
    # Each run is killed once it has stored this many new articles (seeded): the kill lands mid-crawl, among
    # requests in flight, callbacks and frontier writes, and five such runs do not reach the end of the crawl.
    rng = random.Random(SEED)
    points = [rng.randint(1, len(uninterrupted.articles) // KILLS - 1) for _ in range(KILLS)]
    with archive_database(backend, tmp_path) as url, serve(port=uninterrupted.port, slow_seconds=0) as server, \
            Archive.open(url) as watched:
        kills = []  # at each kill: the server's requests so far per target, the targets of the articles stored
        for point in points:
            before = watched.count_articles()
            crawl = _crawl(server.url, url, tmp_path)
            _kill_when(crawl, lambda point=point, before=before: watched.count_articles() - before >= point)
            kills.append((Counter(server.hits), _stored_targets(watched)))
        assert _crawl(server.url, url, tmp_path).wait(timeout=120) == 0
        resumed = _archived(url, Counter(server.hits), server.port)
        with Archive.open(url) as archive:
            statuses = [run["status"] for run in reversed(archive.runs())]
            frontier_left = archive.frontier_rows(["127.0.0.1"])
            if backend == "sqlite":
                with archive.engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    assert resumed.articles == uninterrupted.articles  # the same articles, with the same content
    assert resumed.versions == len(resumed.articles)  # each stored once: no article stored twice as a "change"
    assert statuses == ["interrupted"] * KILLS + ["finished"]  # each killed run was found dead by the next one
    assert frontier_left == []  # the finished run cleared its frontier
    # An article stored before a kill is not fetched again after it: its page was marked done with it. (Pages that
    # two requests lead to cannot tell: the one an old URL redirects to is also linked directly, and both requests
    # may be in flight at a kill, though an uninterrupted crawl happens to fetch it once.)
    redirected_to = {server.site.catalog.by_id[OLD_URL_TARGET].path}
    assert {target for hits, stored in kills for target in stored if target not in redirected_to
            and uninterrupted.hits[target] == 1 and resumed.hits[target] > hits[target]} == set()
    # A kill costs at most the requests in flight (and the last unwritten batch of done marks), not a restart.
    fetches, uninterrupted_fetches = resumed.hits.total(), uninterrupted.hits.total()
    refetched = fetches - uninterrupted_fetches
    print(f"{backend}: killed after storing {points} articles; {fetches} requests, {uninterrupted_fetches} "
          f"uninterrupted: {refetched} fetched again")
    assert refetched <= KILLS * CONCURRENT_REQUESTS


# -- helpers --------------------------------------------------------------------------------

def _crawl(base: str, archive_url: str, folder) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archive", "crawl", base + "/", "--archive", archive_url,
                             "--no-politeness", "--warc-dir", str(folder / "warc"), "--log-file", str(folder / "crawl.log")],
                            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _kill_when(crawl: subprocess.Popen, ready, timeout: float = 60) -> None:
    """SIGKILL the crawl as soon as ``ready()``; it must still be crawling then (else the point was wasted)."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert crawl.poll() is None, f"the crawl ended (exit {crawl.returncode}) before its kill point: " \
                                     f"{crawl.stderr.read()[-2000:]}"
        assert time.monotonic() < deadline, "the crawl did not reach its kill point"
        time.sleep(0.005)
    crawl.send_signal(signal.SIGKILL)
    assert crawl.wait(timeout=10) == -signal.SIGKILL


def _stored_targets(archive: Archive) -> set[str]:
    """The request targets (path and query, as the server counts them) of the articles stored."""
    with archive.engine.connect() as conn:
        urls = conn.exec_driver_sql("SELECT url FROM articles").scalars()
        return {urlsplit(url)._replace(scheme="", netloc="").geturl() for url in urls}


def _archived(archive_url: str, hits: Counter, port: int) -> Archived:
    with Archive.open(archive_url) as archive, archive.engine.connect() as conn:
        articles = dict(conn.exec_driver_sql("SELECT identity, content_hash FROM articles").all())
        versions = conn.exec_driver_sql("SELECT count(*) FROM article_versions").scalar()
    return Archived(articles, versions, hits, port)
