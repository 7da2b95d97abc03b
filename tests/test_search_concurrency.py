"""Analysts search while a crawl writes: SQLite in WAL mode and PostgreSQL's MVCC let readers
run beside the writer, so no search fails and none sees "database is locked" (issue 4)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from conftest import BACKENDS, ROOT, archive_database

from archive.sample import serve, truth
from archive.search import search
from archive.store import Archive

# "tỉnh" (province) occurs in most sample articles: the hit count grows as the crawl stores them.
QUERY = "tinh"


@pytest.mark.parametrize("backend", BACKENDS)
def test_searches_in_a_loop_during_a_crawl_never_fail(backend, tmp_path):
    with archive_database(backend, tmp_path) as url, serve(slow_seconds=0.05) as server:
        Archive.open(url).close()  # the schema first, so searching can start with the crawl
        crawl = subprocess.Popen([sys.executable, "-m", "archive", "crawl", server.url + "/", "--archive", url,
                                  "--no-politeness", "--warc-dir", str(tmp_path / "warc")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        counts, errors = _search_until_done(url, crawl)
        _, log = crawl.communicate(timeout=60)
        with Archive.open(url) as arc:
            final = len(search(arc.engine, QUERY, limit=1000))
            stored = arc.count_articles()

    assert crawl.returncode == 0, log[-2000:]
    assert errors == []
    assert "database is locked" not in log
    assert stored == len(truth().articles)
    assert len(counts) >= 10, "the crawl ended before the searches could overlap it"
    assert counts[0] < final, "no search ran while articles were still being written"
    assert counts == sorted(counts), "a search saw fewer articles than an earlier one"
    assert counts[-1] <= final


def _search_until_done(url: str, crawl: subprocess.Popen) -> tuple[list[int], list[str]]:
    """Search in a loop, both orders, until the crawl process exits; hit counts and any errors."""
    counts: list[int] = []
    errors: list[str] = []
    with Archive.open(url) as arc:
        while crawl.poll() is None:
            try:
                hits = search(arc.engine, QUERY, limit=1000, sort="newest" if len(counts) % 2 else "relevance")
                counts.append(len(hits))
            except Exception as exc:  # noqa: BLE001 — every failure is the finding, reported below
                errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.01)
    return counts, errors
