"""Record every fetch in the archive's ``pages`` table (a Scrapy extension, not an item pipeline).

Archivists need to see what a run fetched and what failed — a 500, a timeout, a refused 50 MB body —
not only the articles it stored; ``portal-archive runs`` counts these rows as pages and errors.
A "304 Not Modified" for a re-validated article (spiders/incremental.py) is that article seen
unchanged: recorded here, as the store pipeline never sees it (a 304 has no body to extract). A list's
304, which the spider reads from the list's capture, is recorded as the 304 it was.
"""

from __future__ import annotations

import hashlib

from scrapy import signals

from archive.store import Archive
from archive.urls import identity

PAGE_FAILED = object()  # signal the spider sends from its errback: (url, error)


class PageRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        crawler.signals.connect(recorder.response_received, signal=signals.response_received)
        crawler.signals.connect(recorder.page_failed, signal=PAGE_FAILED)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def response_received(self, response, request, spider):
        # "cached": the server said 304 and the spider reads the page's capture (spiders/middlewares.py)
        status = 304 if "cached" in response.flags else response.status
        ok = 200 <= status < 300
        self._record(response.url, status,
                     etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
                     content_sha256=hashlib.sha256(response.body).hexdigest() if ok else None,
                     error=None if ok or status in (301, 302, 303, 304, 307, 308) else f"HTTP {status}")
        if response.status == 304 and request.meta.get("revalidate"):
            self._unchanged(identity(response.url))

    def page_failed(self, url: str, error: str):
        self.crawler.stats.inc_value("archive/failed_pages")
        self._record(url, None, error=error)

    def spider_closed(self, spider):
        if self.archive is not None:
            self.archive.close()

    def _record(self, url: str, status: int | None, **fields):
        run_id = self.crawler.stats.get_value("archive/run_id")
        if run_id is not None:  # else the store pipeline is off: nothing to record into
            self._archive().record_page(run_id, url, identity(url), status, **fields)

    def _unchanged(self, key: str):
        run_id = self.crawler.stats.get_value("archive/run_id")
        if run_id is not None and self._archive().touch_article(run_id, key):
            self.crawler.stats.inc_value("archive/articles_unchanged")

    def _archive(self) -> Archive:
        if self.archive is None:
            self.archive = Archive.open(self.crawler.settings.get("ARCHIVE_URL"))
        return self.archive


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
