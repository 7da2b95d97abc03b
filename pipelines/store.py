"""Write each article to the archive, committed one by one: a crash loses at most the item in flight."""

from __future__ import annotations

import logging

from archive import health
from archive.store import Archive

logger = logging.getLogger(__name__)
FINISHED_REASONS = ("finished", "closespider_pagecount")  # Scrapy's finish reasons of a run that did its work
# The article's page in the crawl frontier (spiders/frontier.py): an item key, and a signal (item) sent just before
# the article is stored, so that what the page led to is written first; the page is marked done with the article.
FRONTIER_FIELD = "frontier"
ARTICLE_STORING = object()


class StorePipeline:
    def __init__(self, crawler, archive_url: str):
        self.crawler = crawler
        self.archive_url = archive_url
        self.archive: Archive | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.get("ARCHIVE_URL", "sqlite:///archive.db"))

    def open_spider(self):
        self.archive = Archive.open(self.archive_url)
        self.run_id = self.crawler.settings.getint("ARCHIVE_RUN_ID") or self._start_run()
        self.crawler.stats.set_value("archive/run_id", self.run_id)

    def _start_run(self) -> int:
        slugs = [p.slug for p in getattr(self.crawler.spider, "portals", [])]
        return self.archive.start_run(portal_slug=slugs[0] if len(slugs) == 1 else None,
                                      settings={"portals": slugs, **_limits(self.crawler.settings),
                                                "incremental": self._incremental(slugs),
                                                # resuming a killed crawl (archive/resume.py): it finds only what that one left
                                                "resumed": sorted(self.archive.frontier_started(slugs)),
                                                # under portal-archive crawl's run locks: a free lock then says it died
                                                "locked": self.crawler.settings.getbool("ARCHIVE_LOCKED")})

    def process_item(self, item):
        self.crawler.signals.send_catch_log(ARTICLE_STORING, item=item)
        page = (item["portal"], item[FRONTIER_FIELD]) if item.get(FRONTIER_FIELD) else None
        outcome = self.archive.store_article(self.run_id, item["article"], item["identity"], portal_slug=item.get("portal"),
                                             capture_id=item.get("capture_id"), page_done=page)
        self.crawler.stats.inc_value(f"archive/articles_{outcome}")
        return item

    def _incremental(self, slugs: list[str]) -> list[str]:
        """The portals this run crawls incrementally: those with articles already, unless ARCHIVE_FULL
        (spiders/incremental.py). Their article counts compare only with runs of the same kind."""
        if self.crawler.settings.getbool("ARCHIVE_FULL"):
            return []
        return sorted(self.archive.portals_with_articles(slugs))

    def close_spider(self):
        # The archive tallied pages, errors and articles as they were written; the outcome and its verdict are new here.
        if self.crawler.settings.getint("ARCHIVE_RUN_ID") and not self.crawler.stats.get_value("archive/ends_run"):
            self.archive.close()  # a distributed worker leaving a run the others go on with (spiders/distributed.py)
            return
        reason = self.crawler.stats.get_value("finish_reason", "finished")
        status = "finished" if reason in FINISHED_REASONS else "interrupted"
        settings = self.crawler.settings
        limits = health.Limits(settings.getfloat("ARCHIVE_MAX_FAILURE_RATE", 0.1), settings.getfloat("ARCHIVE_COVERAGE_DROP", 0.2))
        alerts = health.AlertTargets(settings.get("ARCHIVE_ALERT_WEBHOOK"), settings.get("ARCHIVE_ALERT_FILE"))
        for line in health.finish(self.archive, self.run_id, status, limits, alerts):
            logger.warning("run %s: %s", self.run_id, line)
        self.archive.close()


def _limits(settings) -> dict:
    """The run's page and depth limits: coverage is compared only between runs with the same (archive/health.py)."""
    return {"maxPages": settings.getint("CLOSESPIDER_PAGECOUNT") or None, "maxDepth": settings.getint("DEPTH_LIMIT") or None}
