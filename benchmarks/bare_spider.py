"""The anchor of the crawl benchmark: a bare Scrapy spider that only follows same-site links.

No extraction, no storage, no trap rules: LinkExtractor and Scrapy's duplicate filter. Run by
``benchmarks/crawl_bench.py`` with ``scrapy runspider`` so that both crawls start the same way.
"""

from urllib.parse import urlsplit

import scrapy
from scrapy.linkextractors import LinkExtractor


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname]
        self.links = LinkExtractor()  # off-site links are dropped by OffsiteMiddleware (allowed_domains)

    def parse(self, response):
        if not isinstance(response, scrapy.http.TextResponse):
            return
        for link in self.links.extract_links(response):
            yield response.follow(link, callback=self.parse)
