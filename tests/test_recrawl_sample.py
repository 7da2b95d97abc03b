"""Repeat crawls of the sample portal, end to end (`portal-archive crawl`, a real server on 127.0.0.1):
an unchanged portal costs little and adds nothing; new and edited articles are exactly what the next
crawl stores; `--full` fetches everything again; a portal without validators falls back to hashing."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field

import pytest
from conftest import archive_database, run_cli

from archive.sample import serve, truth
from archive.sample import content as c
from archive.sample.newsroom import AMENDMENT
from archive.store import Archive
from archive.urls import identity, is_document
from spiders.incremental import pager_position

PUBLISHED = {"news": 4, "notices": 2, "digital": 1, "documents": 3}  # 10 new articles between two crawls
EDITED = ("news", "digital", "documents")  # the newest article of each: still on page 1 after the new ones


@dataclass
class Run:
    counts: dict
    requests: int
    bytes: int  # response bodies the server sent
    statuses: Counter = field(default_factory=Counter)
    hits: Counter = field(default_factory=Counter)  # request target (path and query) -> requests
    identities: set = field(default_factory=set)  # the archive's articles after the run
    answers: Counter = field(default_factory=Counter)  # (request target, status) -> responses


class CrawledPortal:
    """A sample server and its archive, crawled again and again with `portal-archive crawl`."""

    def __init__(self, server, archive_url: str):
        self.server, self.archive_url, self.runs = server, archive_url, []

    def crawl(self, *options: str) -> Run:
        before = (self.server.traffic(), Counter(self.server.statuses), Counter(self.server.hits),
                  Counter(self.server.answers))
        proc = run_cli("crawl", self.server.url + "/", "--archive", self.archive_url, "--no-politeness", *options,
                       timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        (requests, sent), statuses, hits = self.server.traffic(), self.server.statuses, self.server.hits
        answers = self.server.answers - before[3]
        with Archive.open(self.archive_url) as archive:
            counts, identities = archive.runs(1)[0]["counts"], archive.article_identities()
        self.runs.append(Run(counts, requests - before[0][0], sent - before[0][1], statuses - before[1],
                             hits - before[2], identities, answers))
        return self.runs[-1]

    def versions(self) -> int:
        with Archive.open(self.archive_url) as archive:
            return sum(archive.get_article(key)["versions"] for key in archive.article_identities())

    def change_portal(self) -> tuple[list[c.Item], list[c.Item]]:
        """Ten new articles on top of their sections, three recent ones edited."""
        site = self.server.site
        edited = [site.edit(site.catalog.items[key][0].id) for key in EDITED]
        published = [item for key, count in PUBLISHED.items() for item in site.publish(key, count)]
        return published, edited


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Crawl, crawl again, change the portal, crawl again, crawl --full: validators on, SQLite."""
    with serve(slow_seconds=0) as server:
        portal = CrawledPortal(server, f"sqlite:///{tmp_path_factory.mktemp('recrawl') / 'archive.db'}")
        portal.crawl()
        portal.unchanged_versions = (portal.crawl(), portal.versions())
        portal.published, portal.edited = portal.change_portal()
        portal.crawl()
        portal.crawl("--full")
        yield portal


@pytest.fixture(scope="module")
def without_validators(tmp_path_factory):
    """The same history on a portal that sends no ETag or Last-Modified (as many real ones)."""
    with serve(slow_seconds=0, validators=False) as server:
        portal = CrawledPortal(server, f"sqlite:///{tmp_path_factory.mktemp('novalidators') / 'archive.db'}")
        portal.crawl()
        portal.crawl()
        portal.published, portal.edited = portal.change_portal()
        portal.crawl()
        yield portal


def _articles(base: str, catalog=None) -> set[str]:
    return {identity(base + a.path) for a in truth(catalog).articles}


def _requested(base: str, run: Run) -> set[str]:
    return {identity(base + target) for target in run.hits}


def _answered(base: str, run: Run, status: int) -> set[str]:
    return {identity(base + target) for target, answered in run.answers if answered == status}


def test_second_crawl_of_an_unchanged_portal_stores_nothing_and_revalidates_with_304s(history):
    first, second = history.runs[:2]
    unchanged_run, versions = history.unchanged_versions
    assert first.counts["articles_new"] == len(truth().articles)
    assert (second.counts["articles_new"], second.counts["articles_changed"]) == (0, 0)
    assert versions == len(truth().articles), "no new version"
    # Every article requested again (the old URL's 301 target included) was answered 304 and counted unchanged.
    requested = _requested(history.server.url, second) & _articles(history.server.url)
    assert _answered(history.server.url, second, 304) & _articles(history.server.url) == requested
    assert second.counts["articles_unchanged"] == len(requested) > 0
    assert second.requests < first.requests


def test_second_crawl_downloads_under_a_tenth_of_the_first(history):
    """Bytes on the wire, as the server sent them (text gzip-encoded both times: Scrapy accepts gzip). The lists,
    home pages, sitemap and feed are all read again, but conditionally: unchanged, each answers 304 and is read
    back from its capture; only the home page at / (a new session's links in it) and a dead link come back whole.
    Every article answers 304 too. About 2 % of the first crawl's bytes (BENCHMARKS.md)."""
    first, second = history.runs[:2]
    assert second.bytes <= 0.10 * first.bytes, (second.bytes, first.bytes)
    lists = _requested(history.server.url, second) - _articles(history.server.url)
    assert len(lists) >= 8, "home pages, section first pages, sitemap, feed, the intro page: all re-read"
    assert second.statuses[200] <= 1, "only the home page at /, whose links carry a new session id"


def test_a_list_whose_capture_is_gone_is_fetched_again_in_full(tmp_path, history):
    """A 304 for a list is read back from its WARC capture; with the WARC files gone, the list is asked again
    without conditions, and the crawl reaches the very pages the normal second crawl reached."""
    with serve(slow_seconds=0) as server:
        portal = CrawledPortal(server, f"sqlite:///{tmp_path / 'archive.db'}")
        portal.crawl()
        shutil.rmtree(tmp_path / "archive.db.warc")
        second = portal.crawl()
    lists = _answered(server.url, second, 304) - _articles(server.url)
    assert lists and lists <= _answered(server.url, second, 200)
    assert (second.counts["articles_new"], second.counts["articles_changed"]) == (0, 0)
    assert _pages(server.url, second) == _pages(history.server.url, history.runs[1])


def test_second_crawl_of_a_deeper_portal_downloads_under_a_tenth(tmp_path):
    with serve(slow_seconds=0) as server:
        for key in c.SECTIONS:
            server.site.publish(key, 10)  # 80 articles: sections four pages deep
        portal = CrawledPortal(server, f"sqlite:///{tmp_path / 'archive.db'}")
        first, second = portal.crawl(), portal.crawl()
    assert (second.counts["articles_new"], second.counts["articles_changed"]) == (0, 0)
    assert second.bytes <= 0.10 * first.bytes, (second.bytes, first.bytes)


def test_new_and_edited_articles_are_exactly_what_the_next_crawl_stores(history):
    second, third = history.runs[1:3]
    assert (third.counts["articles_new"], third.counts["articles_changed"]) == (10, 3)
    assert third.identities - second.identities == {identity(history.server.url + item.path) for item in history.published}
    with Archive.open(history.archive_url) as archive:
        for item in history.edited:
            stored = archive.get_article(identity(history.server.url + item.path))
            assert stored["versions"] == 2 and stored["articleBody"].endswith(item.paras[-1][-40:])
    assert history.versions() == len(truth().articles) + 10 + 3


def test_paging_stops_after_the_first_list_page_of_known_articles(history):
    """News got 4 new articles: page 1 holds them and one known article, page 2 only known ones (read, then stop)."""
    news_pager = f"_101_INSTANCE_{c.SECTIONS['news'].instance}_cur"
    assert _pages_read(history.runs[1], news_pager) == set(), "unchanged: page 1 (the section's own URL) only"
    assert _pages_read(history.runs[2], news_pager) == {2}, "pages 3 and 4 are not read"
    assert _pages_read(history.runs[3], news_pager) == {1, 2, 3, 4}, "--full reads them all"


def _pages_read(run: Run, pager: str) -> set[int]:
    positions = (pager_position("http://host" + target) for target in run.hits)
    return {number for name, number in filter(None, positions) if name == pager}


def test_full_crawl_fetches_every_page_again_without_conditions(history):
    fourth = history.runs[3]
    assert fourth.statuses[304] == 0
    assert _articles(history.server.url, history.server.site.catalog) <= _requested(history.server.url, fourth)
    assert fourth.counts["articles_unchanged"] == len(truth().articles) + 10
    assert (fourth.counts["articles_new"], fourth.counts["articles_changed"]) == (0, 0)


def test_without_validators_articles_are_fetched_and_hashed_and_stored_as_unchanged(without_validators, history):
    first, second, third = without_validators.runs
    assert without_validators.server.statuses[304] == 0
    assert (second.counts["articles_new"], second.counts["articles_changed"]) == (0, 0)
    assert second.counts["articles_unchanged"] > 0
    # News pages print a view counter that moved, and their sidebars list the new articles: still no version.
    assert (third.counts["articles_new"], third.counts["articles_changed"]) == (10, 3)
    assert without_validators.versions() == len(truth().articles) + 10 + 3
    assert [_pages(history.server.url, run) for run in without_validators.runs] == \
        [_pages(history.server.url, run) for run in history.runs[:3]], "the same pages, with or without validators"


def _pages(base: str, run: Run) -> set[str]:
    """What a run requested but attachments (the articles fetched in full have theirs fetched again)."""
    return {key.split("/", 1)[1] for key in _requested(base, run) if not is_document(base + "/" + key.split("/", 1)[1])}


def test_incremental_crawl_on_postgresql(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_ARCHIVE_WARC_DIR", str(tmp_path / "warc"))  # PostgreSQL archives keep WARCs there
    with archive_database("postgresql", tmp_path) as url, serve(slow_seconds=0) as server:
        portal = CrawledPortal(server, url)
        portal.crawl()
        portal.change_portal()
        second = portal.crawl()
        assert (second.counts["articles_new"], second.counts["articles_changed"]) == (10, 3)
        assert len(_answered(server.url, second, 304) & _articles(server.url, server.site.catalog)) == \
            second.counts["articles_unchanged"] > 0
        assert portal.versions() == len(truth().articles) + 10 + 3


def test_show_versions_diff_names_the_edited_field_with_its_old_and_new_lines(history):
    edited = history.edited[0]
    old_last, new_last = edited.paras[-1].removesuffix(AMENDMENT), edited.paras[-1]
    shown = run_cli("show", history.server.url + edited.path, "--archive", history.archive_url, "--versions", "--diff")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[1] == f"  {edited.title}"
    assert [line.split("  captured")[0] for line in lines if line.startswith("version ")] == ["version 1", "version 2"]
    assert "--- articleBody (version 1)" in lines and "+++ articleBody (version 2)" in lines
    assert f"-{old_last}" in lines and f"+{new_last}" in lines
    assert not [line for line in lines if line.startswith("--- ") and "articleBody" not in line], "only the body changed"


def test_runs_list_the_counts_of_each_crawl(history):
    listed = json.loads(run_cli("runs", "--archive", history.archive_url, "--format", "json").stdout)
    assert [r["counts"]["articles_new"] for r in reversed(listed)] == [40, 0, 10, 0]
