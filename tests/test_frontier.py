"""The crawl frontier and dead runs, piece by piece (spiders/frontier.py, archive/resume.py); the kill -9
end-to-end test is tests/test_crash_resume.py."""

from __future__ import annotations

import json

import scrapy
from conftest import run_cli

from archive.locks import run_locks
from archive.store import Archive
from spiders.frontier import FRONTIER_META, PORTAL_META, entry, rebuild


class Spider(scrapy.Spider):
    name = "frontier-test"

    def parse(self, response):
        pass

    def fetched(self, response, url):
        pass

    def failed(self, failure):
        pass


def test_a_request_survives_its_row_with_callbacks_meta_and_headers():
    spider = Spider()
    request = scrapy.Request("https://x.gov.vn/tin?p=2", callback=spider.fetched, errback=spider.failed, priority=-3,
                             cb_kwargs={"url": "https://x.gov.vn/a.pdf"}, headers={"Referer": "https://x.gov.vn/"},
                             meta={PORTAL_META: "x", FRONTIER_META: "ab12", "depth": 2, "known_streak": ("_cur", 1),
                                   "retry_times": 2, "not_json": object()})
    row = json.loads(json.dumps(entry(request, spider)))  # as the JSON column gives it back
    assert (row["portal"], row["fingerprint"], row["url"], row["callback"], row["priority"]) == \
        ("x", "ab12", "https://x.gov.vn/tin?p=2", "fetched", -3)
    again = rebuild(row, spider)
    assert (again.url, again.callback, again.errback, again.priority) == (request.url, spider.fetched, spider.failed, -3)
    assert again.cb_kwargs == {"url": "https://x.gov.vn/a.pdf"}
    assert again.headers.get("Referer") == b"https://x.gov.vn/"
    # Scrapy's per-attempt meta is dropped, JSON-less values cannot be kept; the row ties it back to itself.
    assert again.meta == {PORTAL_META: "x", FRONTIER_META: "ab12", "depth": 2, "known_streak": ["_cur", 1]}


def _row(portal: str, fingerprint: str) -> dict:
    return {"portal": portal, "fingerprint": fingerprint, "url": f"https://{portal}/{fingerprint}", "callback": "parse",
            "priority": 0, "request": {"method": "GET"}}


def test_pending_requests_are_those_not_done_and_a_finished_crawl_clears_its_portals(tmp_path):
    with Archive.open(f"sqlite:///{tmp_path / 'a.db'}") as archive:
        archive.write_frontier(None, [_row("a", "1"), _row("a", "2"), _row("b", "1")], [("a", "1")])
        archive.write_frontier(None, [_row("a", "2"), _row("a", "3")], [("b", "1")])  # "a"/"2" again: kept as it was
        assert [r["fingerprint"] for r in archive.frontier_rows(["a", "b"])] == ["2", "3"]
        assert [url for _, url, _ in archive.frontier_requests(["a"])] == ["https://a/1", "https://a/2", "https://a/3"]
        assert set(archive.frontier_started(["a", "b", "c"])) == {"a", "b"}
        archive.clear_frontier(["a"])
        assert archive.frontier_requests(["a", "b"]) == [("b", "https://b/1", "parse")]


def test_a_running_run_whose_lock_is_free_is_interrupted_by_the_next_run_or_runs(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    with Archive.open(url) as archive:
        dead = archive.start_run("a", settings={"portals": ["a"], "locked": True})
        archive.record_page(dead, "https://a/1", "a/1", 200)
        unlocked = archive.start_run("a", settings={"portals": ["a"]})  # a bare `scrapy crawl`: no telling
        other = archive.start_run("b", settings={"portals": ["b"], "locked": True})
    with run_locks(url, ["b"]):  # run "b" is alive: it holds its lock
        listed = run_cli("runs", "--archive", url, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    with Archive.open(url) as archive:
        runs = {run["id"]: run for run in archive.runs()}
    assert {key: runs[key]["status"] for key in (dead, unlocked, other)} == \
        {dead: "interrupted", unlocked: "running", other: "running"}
    assert runs[dead]["finishedAt"] >= runs[dead]["startedAt"]  # its last fetch: the last sign of life
