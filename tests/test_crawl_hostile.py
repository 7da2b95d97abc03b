"""`portal-archive crawl` end to end against a hostile portal (tests/hostile_server.py).

One crawl of the whole hostile portal (module fixture), then one test per case: 5xx and 429 are
retried with backoff (Retry-After honoured) and recorded as failed, a timeout and a truncated body
likewise, a wrong or missing charset still gives the right Vietnamese headline, a 50 MB body and a
gzip bomb are refused with a log line and bounded memory, binary served as text/html stores
nothing, a redirect loop ends, an off-site redirect is not followed. The crawl exits 0, the
archive passes ``PRAGMA integrity_check``, and ``portal-archive runs`` counts every failure.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
from conftest import ROOT, run_cli
from hostile_server import (
    GOOD_PATH,
    GOOD_TITLE,
    NOCHARSET_TITLE,
    RETRY_AFTER_503,
    RETRY_OK_TITLE,
    WRONGCHARSET_TITLE,
    HostileServer,
)

from archive.urls import identity

DOWNLOAD_TIMEOUT = 2  # seconds, through PORTAL_ARCHIVE_DOWNLOAD_TIMEOUT; /slow answers after twice that
RETRY_TIMES = 3  # settings.RETRY_TIMES: 1 + 3 requests for a retried failure
MAX_RSS_MB = 512  # the gzip bomb inflates to 1024 MB: a crawl that inflated it could not stay below this

# path -> (status, a piece of the recorded error): every failure the archive must show, and no other.
FAILED = {
    "/e500": (500, "HTTP 500"),
    "/e503-retry-after": (503, "HTTP 503"),
    "/e503-retry-tomorrow": (503, "HTTP 503"),
    "/e429": (429, "HTTP 429"),
    "/slow": (None, f"took longer than {float(DOWNLOAD_TIMEOUT)} seconds"),
    "/truncated": (None, "ResponseDataLossError"),
    "/big": (None, "larger than download max size"),
    "/big-chunked": (None, "DownloadCancelledError"),
    "/gzip-bomb": (None, "exceeded DOWNLOAD_MAXSIZE (20971520 B) during decompression"),
    "/loop-b": (None, "redirect loop"),  # /loop-a -> /loop-b -> /loop-a: the loop shows at /loop-b
    "/offsite": (None, "off-site redirect to http://localhost:"),
}
# A <meta refresh> off the portal is stopped before it is sent, so its row has the off-site URL.
REFRESHED = "/refreshed"


def run_cli_measured(*args: str, timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    """``run_cli`` plus the process's own peak RSS in MB (``os.wait4``; ``RUSAGE_CHILDREN`` would be the
    maximum over every child this pytest process ever waited for)."""
    command = [sys.executable, "-m", "archive", *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while not (reaped := os.wait4(proc.pid, os.WNOHANG))[0]:
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise subprocess.TimeoutExpired(command, timeout)
            time.sleep(0.1)
        _, status, usage = reaped
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(command, proc.returncode, out.read().decode(), err.read().decode())
    return result, usage.ru_maxrss / 1024  # KB on Linux


class Crawl:
    def __init__(self, proc, db: sqlite3.Connection, server: HostileServer, offsite: HostileServer, log: str,
                 archive_url: str, max_rss_mb: float):
        self.proc, self.db, self.server, self.offsite, self.log = proc, db, server, offsite, log
        self.archive_url, self.max_rss_mb = archive_url, max_rss_mb
        self.base = server.url

    def page(self, path: str) -> tuple[int | None, str | None]:
        rows = self.db.execute("SELECT status, error FROM pages WHERE url = ?", (self.base + path,)).fetchall()
        assert len(rows) == 1, f"{path}: {len(rows)} rows in pages"
        return rows[0]

    def headline(self, path: str) -> str | None:
        row = self.db.execute("SELECT headline FROM articles WHERE identity = ?", (identity(self.base + path),)).fetchone()
        return row and row[0]

    def gaps(self, path: str) -> list[float]:
        times = self.server.times[path]
        return [later - earlier for earlier, later in zip(times, times[1:])]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    db, log = tmp / "archive.db", tmp / "crawl.log"
    with pytest.MonkeyPatch.context() as env, HostileServer(hostname="localhost") as offsite, \
            HostileServer(offsite_url=offsite.url, slow_seconds=2 * DOWNLOAD_TIMEOUT) as server:
        env.setenv("PORTAL_ARCHIVE_DOWNLOAD_TIMEOUT", str(DOWNLOAD_TIMEOUT))
        for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            env.delenv(name, raising=False)  # loopback only, never through a proxy
        # The off-site server answers at "localhost": a crawl that followed the redirect would be counted.
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(offsite.url + "/probe", timeout=5) as r:
            assert r.status == 200
        offsite.hits.clear()
        proc, max_rss_mb = run_cli_measured("crawl", server.url + "/", "--archive", f"sqlite:///{db}", "--no-politeness",
                                            "--log-file", str(log), timeout=120)
    # It completes, and says it is unhealthy (exit 3): most of this server's pages fail on purpose.
    assert proc.returncode == 3 and "of pages failed, over the limit of 10%" in proc.stderr, proc.stderr[-3000:]
    yield Crawl(proc, sqlite3.connect(db), server, offsite, log.read_text(encoding="utf-8"), f"sqlite:///{db}", max_rss_mb)


def test_the_crawl_completes_and_the_archive_is_consistent(crawl):
    assert crawl.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert crawl.db.execute("SELECT status FROM crawl_runs").fetchall() == [("finished",)]
    assert "Traceback" not in crawl.log and "Spider error" not in crawl.log


def test_the_good_article_is_stored(crawl):
    assert crawl.headline(GOOD_PATH) == GOOD_TITLE
    assert crawl.page(GOOD_PATH) == (200, None)


@pytest.mark.parametrize("path", sorted(FAILED))
def test_each_failure_has_its_row_in_pages(crawl, path):
    status, error = crawl.page(path)
    expected_status, expected_error = FAILED[path]
    assert status == expected_status
    assert expected_error in error
    assert crawl.headline(path) is None


def test_every_failure_is_counted_in_runs_and_nothing_else(crawl):
    proc = run_cli("runs", "--archive", crawl.archive_url, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (run,) = json.loads(proc.stdout)
    assert run["counts"]["errors"] == len(FAILED) + 1
    assert run["counts"]["pages"] == crawl.db.execute("SELECT count(*) FROM pages").fetchone()[0]
    failed = {url for (url,) in crawl.db.execute("SELECT url FROM pages WHERE error IS NOT NULL")}
    assert failed == {crawl.base + path for path in FAILED} | {crawl.offsite.url + REFRESHED}


@pytest.mark.parametrize("path", ["/e500", "/e429", "/truncated"])
def test_5xx_429_and_truncated_bodies_are_retried_with_exponential_backoff(crawl, path):
    assert crawl.server.hits[path] == 1 + RETRY_TIMES
    gaps = crawl.gaps(path)  # ARCHIVE_RETRY_BACKOFF = 1 s, doubled: 1, 2, 4 s (Retry-After: 1 is never longer)
    assert all(gap >= 0.9 * 2**i for i, gap in enumerate(gaps)), gaps


def test_a_503_retry_after_is_honoured(crawl):
    assert crawl.server.hits["/e503-retry-after"] == 1 + RETRY_TIMES
    gaps = crawl.gaps("/e503-retry-after")  # max(Retry-After 3 s, backoff 1, 2, 4 s)
    assert all(gap >= max(RETRY_AFTER_503, 2**i) - 0.1 for i, gap in enumerate(gaps)), gaps


def test_a_retry_after_beyond_the_maximum_wait_gives_up_at_once(crawl):
    assert crawl.server.hits["/e503-retry-tomorrow"] == 1
    assert "Retry-After 86400 s is longer than ARCHIVE_RETRY_BACKOFF_MAX" in crawl.log


def test_a_429_that_clears_is_retried_and_stored(crawl):
    assert crawl.server.hits["/e429-then-ok"] == 3
    assert all(gap >= 0.9 for gap in crawl.gaps("/e429-then-ok"))
    assert crawl.headline("/e429-then-ok") == RETRY_OK_TITLE
    assert crawl.page("/e429-then-ok") == (200, None)


def test_a_timeout_is_retried_then_recorded(crawl):
    assert crawl.server.hits["/slow"] == 1 + RETRY_TIMES
    assert f"Gave up retrying <GET {crawl.base}/slow> (failed {1 + RETRY_TIMES} times)" in crawl.log


@pytest.mark.parametrize(("path", "title"), [("/nocharset", NOCHARSET_TITLE), ("/wrongcharset", WRONGCHARSET_TITLE)])
def test_a_missing_or_wrong_charset_still_gives_the_right_vietnamese_headline(crawl, path, title):
    assert crawl.headline(path) == title
    assert crawl.page(path) == (200, None)


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_a_50_mb_response_is_refused_with_a_clear_log_line(crawl, path):
    assert crawl.server.hits[path] == 1  # refused, not retried
    assert f"bytes which is larger than download max size (20971520) in request <GET {crawl.base}{path}>" in crawl.log


def test_a_gzip_bomb_is_refused_and_memory_stays_bounded(crawl):
    assert crawl.server.hits["/gzip-bomb"] == 1
    assert f"Ignored response <200 {crawl.base}/gzip-bomb> because its body" in crawl.log
    assert crawl.max_rss_mb < MAX_RSS_MB


def test_binary_served_as_html_is_fetched_but_not_stored(crawl):
    assert crawl.page("/binary") == (200, None)
    assert crawl.headline("/binary") is None
    assert crawl.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4  # good, nocharset, wrongcharset, 429-then-ok


def test_a_redirect_loop_ends_at_once(crawl):
    assert crawl.server.hits["/loop-a"] == 1 and crawl.server.hits["/loop-b"] == 1
    (error,) = crawl.page("/loop-b")[1:]
    assert f"{crawl.base}/loop-a -> {crawl.base}/loop-b -> {crawl.base}/loop-a" in error


def test_an_offsite_redirect_is_not_followed(crawl):
    assert crawl.server.hits["/offsite"] == 1
    assert sum(crawl.offsite.hits.values()) == 0
    assert not crawl.db.execute("SELECT count(*) FROM articles WHERE identity LIKE 'localhost:%'").fetchone()[0]


def test_an_offsite_meta_refresh_is_not_followed(crawl):
    assert crawl.server.hits["/offsite-refresh"] == 1
    assert crawl.offsite.hits[REFRESHED] == 0
    rows = crawl.db.execute("SELECT status, error FROM pages WHERE url = ?", (crawl.offsite.url + REFRESHED,)).fetchall()
    assert rows == [(None, f"IgnoreRequest: off-site redirect from {crawl.base}/offsite-refresh to "
                           f"{crawl.offsite.url}{REFRESHED} not followed")]
