"""Drop items that cannot be archived, with the reason in the stats."""

from __future__ import annotations

from scrapy.exceptions import DropItem

REQUIRED = ("headline", "url")


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        article = item.get("article") or {}
        missing = [name for name in REQUIRED if not article.get(name)]
        if not item.get("identity"):
            missing.append("identity")
        if missing:
            self.stats.inc_value("archive/dropped/invalid")
            raise DropItem(f"missing {', '.join(missing)}")
        return item
