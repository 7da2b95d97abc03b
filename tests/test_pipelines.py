"""Pipelines one by one: what each drops or changes, with Scrapy's own crawler for the settings and stats."""

from __future__ import annotations

import unicodedata

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines.dedupe import DedupePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.validate import ValidatePipeline


def item(**article):
    return {"article": {"headline": "Tin", "url": "https://x.gov.vn/a", **article}, "identity": "x.gov.vn/a", "portal": "x"}


def test_validate_drops_items_without_headline_and_counts_them():
    crawler = get_crawler()
    pipeline = ValidatePipeline.from_crawler(crawler)
    assert pipeline.process_item(item()) is not None
    with pytest.raises(DropItem, match="missing headline"):
        pipeline.process_item(item(headline=""))
    assert crawler.stats.get_value("archive/dropped/invalid") == 1


def test_normalize_composes_text_and_fills_canonical_url_and_portal():
    decomposed = unicodedata.normalize("NFD", "  Công tác dân vận  ")
    out = NormalizePipeline().process_item(item(headline=decomposed, authors=[{"name": decomposed}]))
    assert out["article"]["headline"] == "Công tác dân vận"
    assert out["article"]["authors"][0]["name"] == "Công tác dân vận"
    assert out["article"]["canonicalUrl"] == "https://x.gov.vn/a" and out["article"]["portal"] == "x"


def test_dedupe_keeps_the_first_item_of_an_identity():
    crawler = get_crawler()
    pipeline = DedupePipeline.from_crawler(crawler)
    pipeline.process_item(item())
    with pytest.raises(DropItem, match="duplicate"):
        pipeline.process_item(item())
    assert crawler.stats.get_value("archive/dropped/duplicate") == 1

