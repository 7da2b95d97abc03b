"""`portal-archive crawl` end to end on a real portal mirror (sotttt-dev, 1,165 pages) served on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from urllib.parse import unquote, urlsplit

import pytest
from conftest import require, run_cli, shared_path
from benchmarks.mirror_server import MirrorServer

from archive.urls import is_document

VIEW_CONTENT_ID = re.compile(r"view_content/(?:pop_up/)?(\d+)")


@pytest.fixture(scope="module")
def mirror():
    site = require(shared_path("corpus", "sites", "sotttt-dev"))
    with (site / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    with MirrorServer(site) as server:
        yield server, rows


@pytest.fixture(scope="module")
def crawled(mirror, tmp_path_factory):
    server, rows = mirror
    db = tmp_path_factory.mktemp("archive") / "archive.db"
    start = f"{server.url}/{rows[0]['path']}"
    with pytest.MonkeyPatch.context() as env:
        # The run's failure rate counts every 404, and here they are all files the mirror never held (see
        # test_every_failure_is_a_file_the_mirror_lacks): 20% of the first crawl's 1,400 fetches, 28% of the
        # nightly one's 200 (it re-reads the lists, and their dead links). A real portal over the default 10%
        # would rightly end as unhealthy (exit 3); what this mirror is allowed is checked URL by URL below.
        env.setenv("PORTAL_ARCHIVE_MAX_FAILURE_RATE", "0.3")
        for _ in range(2):  # the second crawl of the unchanged portal must add nothing
            proc = run_cli("crawl", start, "--archive", f"sqlite:///{db}", "--no-politeness", timeout=600)
            assert proc.returncode == 0, proc.stderr[-2000:]
    return sqlite3.connect(db), rows


def test_every_failure_is_a_file_the_mirror_lacks(crawled):
    """The mirror saved pages, not everything they link. Its missing files are of two kinds, counted apart:
    the articles' attachments (PDF/DOC/XLS: the mirror holds none, so every one requested is a 404) and dead
    links (menu entries, sitemap.xml, images and articles it did not save). A page the mirror holds never fails."""
    db, rows = crawled
    runs = [json.loads(counts) for (counts,) in db.execute("SELECT counts FROM crawl_runs ORDER BY id")]
    assert {failure["reason"] for run in runs for failure in run["failures"]} == {"HTTP 404"}
    failed = [url for (url,) in db.execute("SELECT url FROM pages WHERE error IS NOT NULL")]
    held = [url for url in failed if _mirror_holds(url)]
    assert held == [], "pages the mirror serves must not fail"
    attachments = [url for url in failed if is_document(url)]
    requested_files = [url for (url,) in db.execute("SELECT url FROM pages") if is_document(url)]
    assert len(attachments) == len(requested_files) > 100, "every attachment requested is missing, and only those"
    assert db.execute("SELECT count(*) FROM attachments WHERE sha256 IS NOT NULL").fetchone()[0] == 0
    # What is left are dead links (about 160 distinct URLs), none of them a page of the mirror's MANIFEST.
    manifest = {f"/{row['path']}" for row in rows}
    assert not [url for url in failed if unquote(urlsplit(url).path) in manifest]


def _mirror_holds(url: str) -> bool:
    """Whether the mirror serves a file at this URL's path (as its server does: the query ignored)."""
    path = shared_path("corpus", "sites", "sotttt-dev") / unquote(urlsplit(url).path).lstrip("/")
    return path.is_file() or (path / "index.html").is_file()


def test_every_article_is_stored_once_and_nothing_else(crawled):
    db, rows = crawled
    expected = {VIEW_CONTENT_ID.search(r["path"]).group(1) for r in rows if r["kind"] == "article"}
    identities = [row[0] for row in db.execute("SELECT identity FROM articles")]
    stored = [m.group(1) for m in map(VIEW_CONTENT_ID.search, identities) if m]
    assert len(stored) == len(set(stored)) == len(identities), "duplicates or non-article rows"
    assert len(set(stored) & expected) / len(expected) >= 0.98
    assert not set(stored) - expected


def test_requests_stay_within_budget_and_recrawl_adds_nothing(crawled):
    db, rows = crawled
    runs = [json.loads(counts) for (counts,) in db.execute("SELECT counts FROM crawl_runs ORDER BY id")]
    assert len(runs) == 2
    assert runs[0]["pages"] <= 1.3 * len(rows)
    assert runs[1]["articles_new"] == runs[1]["articles_changed"] == 0
    assert db.execute("SELECT count(*) FROM article_versions").fetchone()[0] == runs[0]["articles_new"]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_runs_show_and_export_read_the_crawled_archive(crawled, tmp_path):
    db, rows = crawled
    url = db.execute("PRAGMA database_list").fetchone()[2]
    archive = f"sqlite:///{url}"
    listed = json.loads(run_cli("runs", "--archive", archive, "--format", "json").stdout)
    assert [r["status"] for r in listed] == ["finished", "finished"]
    article_row = next(r for r in rows if r["kind"] == "article" and r["path"].startswith("vi/thanh-tra/"))
    live_id = VIEW_CONTENT_ID.search(article_row["path"]).group(1)
    stored_url = db.execute("SELECT url FROM articles WHERE identity LIKE ?", (f"%/view_content/{live_id}",)).fetchone()[0]
    shown = run_cli("show", stored_url, "--archive", archive)
    assert shown.returncode == 0 and json.loads(shown.stdout)["url"] == stored_url
    out = tmp_path / "all.jsonl"
    assert run_cli("export", "--archive", archive, "--output", str(out)).returncode == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(exported) == db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert all(a["headline"] and "articleBody" in a for a in exported)
    missing = run_cli("runs", "--archive", f"sqlite:///{tmp_path}/none.db")
    assert missing.returncode == 1 and "no archive" in missing.stderr and "Traceback" not in missing.stderr
