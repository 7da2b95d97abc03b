"""One item per article identity in a run: the same article reached through another list, a print
view or a UI-language copy is dropped here (the archive would merge it anyway, at the cost of a write)."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class DedupePipeline:
    def __init__(self, stats):
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        key = item["identity"]
        if key in self.seen:
            self.stats.inc_value("archive/dropped/duplicate")
            raise DropItem(f"duplicate of {key}", log_level="DEBUG")
        self.seen.add(key)
        return item
