"""Live crawl progress on the terminal (a Scrapy extension, enabled by ``ARCHIVE_PROGRESS``).

A nightly crawl of a portal takes hours at polite speed; the one-line status says whether it is
moving: pages fetched, articles stored, errors, rate and what is still queued.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

ERROR_STATS = ("archive/failed_pages", "log_count/ERROR")


class CrawlProgress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.live: Live | None = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVE_PROGRESS"):
            raise NotConfigured
        progress = cls(crawler, crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL", 0.5))
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self, spider):
        self.live = Live(self.status(), console=Console(stderr=True), refresh_per_second=4, transient=True)
        self.live.start()
        self.loop = task.LoopingCall(self.refresh)
        self.loop.start(self.interval, now=False)

    def refresh(self):
        if self.live is not None:
            self.live.update(self.status())

    def spider_closed(self, spider):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.stop()

    def status(self) -> str:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        stored = sum(stats.get_value(f"archive/articles_{kind}", 0) for kind in ("new", "changed", "unchanged"))
        errors = sum(stats.get_value(name, 0) for name in ERROR_STATS)
        rate = pages / max(time.monotonic() - self.started, 1e-6)
        return (f"[bold]crawling[/] pages {pages} · articles {stored} "
                f"(new {stats.get_value('archive/articles_new', 0)}) · errors {errors} · {rate:.1f} pages/s · "
                f"queued {self._queued()}")

    def _queued(self) -> int:
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None) or getattr(engine, "slot", None)
        scheduler = getattr(slot, "scheduler", None)
        try:
            return len(scheduler) if scheduler is not None else 0
        except TypeError:
            return 0
