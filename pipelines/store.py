"""Write each article to the archive, committed one by one: a crash loses at most the item in flight."""

from __future__ import annotations

from archive.store import Archive


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
        slugs = [p.slug for p in getattr(self.crawler.spider, "portals", [])]
        self.run_id = self.archive.start_run(portal_slug=slugs[0] if len(slugs) == 1 else None,
                                             settings={"portals": slugs})
        self.crawler.stats.set_value("archive/run_id", self.run_id)

    def process_item(self, item):
        outcome = self.archive.store_article(self.run_id, item["article"], item["identity"], portal_slug=item.get("portal"))
        self.crawler.stats.inc_value(f"archive/articles_{outcome}")
        return item

    def close_spider(self):
        # The archive tallied pages, errors and articles as they were written; only the outcome is new here.
        reason = self.crawler.stats.get_value("finish_reason", "finished")
        self.archive.finish_run(self.run_id, "finished" if reason in ("finished", "closespider_pagecount") else "interrupted")
        self.archive.close()
